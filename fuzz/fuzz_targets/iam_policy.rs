//! The IAM policy parser and evaluator on arbitrary policy JSON text, as
//! Terraform embeds it: parse, decide a few requests, run the analyses the
//! IAM rules are built on.

#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_lint::iam::eval::{
    admin_statements, is_allowed, privilege_escalation, public_exposure, wildcard_actions,
    wildcard_resources,
};
use policy_lint::iam::{Catalog, LiteralValues, Policy};
use policy_lint::sym::Sym;
use policy_lint::tree::Loc;

const REQUESTS: [(&str, &str); 3] = [
    ("s3:GetObject", "arn:aws:s3:::bucket/key"),
    ("iam:PassRole", "*"),
    (
        "dynamodb:Query",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/t/index/*",
    ),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let policy = Policy::parse_json_text(text, Loc::new(1, 1), &LiteralValues);
    for (action, resource) in REQUESTS {
        let _ = is_allowed(&[&policy], action, &Sym::text(resource));
    }
    let catalog = Catalog::embedded();
    let _ = wildcard_actions(&policy, catalog);
    let _ = wildcard_resources(&policy, catalog);
    let _ = admin_statements(&policy, catalog);
    let _ = privilege_escalation(&policy, catalog);
    let _ = public_exposure(&policy);
});
