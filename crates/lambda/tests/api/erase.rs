//! `DELETE /me`: every item of the user and the user are gone; nobody else is touched.

use expense_lambda::functions::{CREATE_EXPENSE, ERASE_ME, LIST_EXPENSES};
use expense_lambda::handlers::erase::BATCH_SIZE;

use crate::app::{App, Services, TestUser, expense_body};
use crate::fixtures::Event;

pub(crate) async fn erase_removes_every_item_and_the_user(services: Services) {
    let app = App::new(&services).await;
    let alice = app.pool_user("alice").await;
    let bob = app.pool_user("bob").await;
    let count = 2 * BATCH_SIZE + 7;
    for n in 0..count {
        app.create(
            &alice,
            &expense_body("1", "2024-07-01", &format!("item {n}")),
        )
        .await;
    }
    let keyed = Event::new(&CREATE_EXPENSE, &alice)
        .header("Idempotency-Key", "last")
        .json(&expense_body("2", "2024-07-02", ""));
    app.invoke(&CREATE_EXPENSE, keyed).await.expect(201);
    app.create(&bob, &expense_body("3", "2024-07-03", "bob stays"))
        .await;
    assert_eq!(app.partition(&alice).await.len(), count + 2);

    app.invoke(&ERASE_ME, Event::new(&ERASE_ME, &alice))
        .await
        .expect(204);
    assert!(
        app.partition(&alice).await.is_empty(),
        "expenses and idempotency records are gone"
    );
    assert!(!app.pool_has(&alice).await, "the Cognito user is gone");
    assert_eq!(app.partition(&bob).await.len(), 1);
    assert!(app.pool_has(&bob).await);

    // Repeating an erasure (say after a timeout) succeeds with nothing left to do.
    app.invoke(&ERASE_ME, Event::new(&ERASE_ME, &alice))
        .await
        .expect(204);
    let listed = app
        .invoke(&LIST_EXPENSES, Event::new(&LIST_EXPENSES, &alice))
        .await
        .expect(200);
    assert_eq!(listed.json()["expenses"].as_array().map(Vec::len), Some(0));
    let _ = TestUser::new("unused");
}
