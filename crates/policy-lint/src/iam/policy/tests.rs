use serde_json::json;

use super::*;
use crate::iam::testing::{self, statements};
use crate::iam::values::LiteralValues;
use crate::sym::Part;

fn texts(elements: &Elements) -> Vec<String> {
    elements.items.iter().map(|i| i.value.to_string()).collect()
}

#[test]
fn string_and_list_forms_read_alike() {
    let one = statements(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}));
    let many =
        statements(json!([{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]));
    assert_eq!(one.problems, []);
    assert_eq!(many.problems, []);
    let (a, b) = (&one.statements[0], &many.statements[0]);
    assert_eq!(a.effect.value, Effect::Allow);
    assert_eq!(
        texts(a.actions.as_ref().unwrap()),
        texts(b.actions.as_ref().unwrap())
    );
    assert_eq!(texts(a.resources.as_ref().unwrap()), ["*"]);
    assert!(a.principals.is_none());
}

#[test]
fn references_arrive_as_symbols_with_locations() {
    let policy = statements(json!([{
        "Effect": "Allow",
        "Action": "dynamodb:Query",
        "Resource": [{"Fn::GetAtt": ["Table", "Arn"]}, {"Fn::Sub": "${Table.Arn}/index/*"}]
    }]));
    let resources = policy.statements[0].resources.as_ref().unwrap();
    assert_eq!(texts(resources), ["${Table.Arn}", "${Table.Arn}/index/*"]);
    assert!(resources.items[0].value.is_reference_to("Table"));
    assert_ne!(resources.items[0].loc, resources.items[1].loc);
    assert!(resources.items[0].loc.line > 1);
}

#[test]
fn conditional_list_entries_carry_their_guard() {
    let policy = statements(json!([{
        "Effect": "Allow",
        "Action": "dynamodb:*",
        "Resource": [
            {"Fn::GetAtt": ["Table", "Arn"]},
            {"Fn::If": ["IsProd", {"Fn::Sub": "${Table.Arn}/stream/*"}, {"Ref": "AWS::NoValue"}]}
        ]
    }]));
    let items = &policy.statements[0].resources.as_ref().unwrap().items;
    assert_eq!(items.len(), 2);
    assert!(items[0].guards.is_empty());
    let guard = Guard {
        condition: "IsProd".into(),
        holds: true,
    };
    assert_eq!(items[1].guards, [guard]);
}

#[test]
fn conditional_statements_are_both_read() {
    let policy = statements(json!([{"Fn::If": [
        "Open",
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    ]}]));
    assert_eq!(policy.statements.len(), 2);
    assert_eq!(policy.statements[1].index, 1);
    assert!(!policy.statements[1].guards[0].holds);
}

#[test]
fn element_names_ignore_case_but_effect_values_do_not() {
    let policy = statements(json!([{"effect": "allow", "ACTION": "s3:*", "resource": "*"}]));
    let stmt = &policy.statements[0];
    assert!(matches!(stmt.effect.value, Effect::Unknown(_)));
    assert!(stmt.actions.is_some() && stmt.resources.is_some());
    let kinds: Vec<String> = policy.problems.iter().map(ToString::to_string).collect();
    assert!(
        kinds
            .iter()
            .any(|p| p.contains("`effect` is spelled `Effect`")),
        "{kinds:?}"
    );
    assert!(
        kinds.iter().any(|p| p.contains("`Effect` is `allow`")),
        "{kinds:?}"
    );
}

#[test]
fn principal_forms() {
    let policy = statements(json!([
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": ["*", "arn:aws:iam::111111111111:root"],
            "Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "NotPrincipal": {"AWS": {"Ref": "ParamAdmin"}}, "Action": "*"}
    ]));
    assert_eq!(policy.problems, []);
    let p0 = policy.statements[0].principals.as_ref().unwrap();
    assert_eq!(p0.entries[0].kind, PrincipalKind::Everyone);
    assert!(p0.entries[0].is_wildcard());
    let p1 = policy.statements[1].principals.as_ref().unwrap();
    let kinds: Vec<_> = p1
        .entries
        .iter()
        .map(|p| (p.kind.clone(), p.is_wildcard()))
        .collect();
    assert_eq!(
        kinds,
        [
            (PrincipalKind::Aws, true),
            (PrincipalKind::Aws, false),
            (PrincipalKind::Service, false)
        ]
    );
    let p2 = policy.statements[2].principals.as_ref().unwrap();
    assert!(p2.negated);
    assert!(
        p2.entries[0]
            .unknown_reason()
            .unwrap()
            .contains("ParamAdmin")
    );
}

#[test]
fn conditions_split_per_operator_and_key() {
    let policy = statements(json!([{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {
            "Bool": {"aws:SecureTransport": false},
            "NumericLessThan": {"s3:TlsVersion": 1.2},
            "ForAnyValue:StringLikeIfExists": {"aws:PrincipalArn": ["a", "b"]}
        }
    }]));
    let stmt = &policy.statements[0];
    assert_eq!(stmt.conditions.len(), 3);
    let tls = stmt.conditions_on("AWS:securetransport").next().unwrap();
    assert!(tls.values_all_equal("FALSE"));
    assert_eq!(stmt.conditions[1].values[0].value.as_literal(), Some("1.2"));
    let like = &stmt.conditions[2];
    assert!(like.operator.if_exists);
    assert_eq!(like.operator.set, Some(SetQualifier::ForAnyValue));
    assert_eq!(like.values.len(), 2);
}

#[test]
fn bad_shapes_are_problems_not_panics() {
    let policy = statements(json!([
        {"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": [[1]]},
        {"Effect": "Allow", "Resource": "*", "Sid": null, "Frobnicate": true},
        "not a statement",
        {"Effect": "Allow", "Action": [], "Principal": 7, "Condition": {"StringEquals": 3, "Bogus": {}}}
    ]));
    let messages: Vec<String> = policy.problems.iter().map(ToString::to_string).collect();
    for expected in [
        "statement has both `Action` and `NotAction`",
        "`Resource` must be a string or a list of strings",
        "statement has neither `Action` nor `NotAction`",
        "`Sid` must be a string or a list of strings",
        "unknown policy element `Frobnicate`",
        "statement is not an object",
        "`Action` is empty",
        "`Principal` must be `*` or an object",
        "`Condition` must be an object of operators, each an object of keys",
        "unknown condition operator `Bogus`",
    ] {
        assert!(
            messages.iter().any(|m| m == expected),
            "missing {expected:?} in {messages:#?}"
        );
    }
    assert_eq!(policy.statements.len(), 3);
}

#[test]
fn documents_that_are_not_objects() {
    for json in [
        json!(null),
        json!([1, 2]),
        json!("text"),
        json!({"Version": "2012-10-17"}),
    ] {
        let policy = testing::policy(json.clone());
        assert!(!policy.problems.is_empty(), "{json}");
        assert!(policy.statements.is_empty());
    }
    let old = testing::policy(json!({"Version": "2008-10-17", "Statement": []}));
    assert!(matches!(old.problems[0], Problem::OldVersion { .. }));
}

#[test]
fn unknowable_structure_is_recorded_as_unknown() {
    let policy = testing::policy(json!({"Statement": {"Ref": "ParamStatements"}}));
    assert_eq!(policy.problems, []);
    assert_eq!(policy.unknowns.len(), 1);
    assert!(policy.unknowns[0].value.contains("ParamStatements"));

    let node = Node::new(
        crate::tree::Value::Unknown("known after apply".into()),
        Loc::new(3, 4),
    );
    let policy = Policy::parse(&node, &LiteralValues);
    assert_eq!(
        policy.unknowns[0].value,
        "policy document: known after apply"
    );
}

#[test]
fn json_text_policies_as_terraform_writes_them() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
    let policy = Policy::parse_json_text(text, Loc::new(9, 2), &LiteralValues);
    assert_eq!(policy.problems, []);
    assert_eq!(policy.statements[0].loc, Loc::new(9, 2));
    let broken = Policy::parse_json_text("{", Loc::new(1, 1), &LiteralValues);
    assert!(matches!(broken.problems[0], Problem::InvalidJson { .. }));
}

#[test]
fn arbitrary_shapes_never_panic() {
    let leaves = [
        json!(null),
        json!(true),
        json!(1),
        json!("*"),
        json!([]),
        json!({}),
        json!({"Ref": "X"}),
        json!({"Fn::If": ["C", "*", {"Ref": "AWS::NoValue"}]}),
    ];
    let keys = [
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "Principal",
        "Condition",
        "Sid",
    ];
    for leaf in &leaves {
        for key in keys {
            let policy = statements(json!([{ key: leaf }, leaf]));
            let _ = policy.statements.len();
        }
        let _ = testing::policy(json!({"Statement": leaf}));
        let _ = testing::policy(
            json!({"Statement": [{"Effect": "Allow", "Condition": {"Bool": leaf}}]}),
        );
    }
}

#[test]
fn sym_parts_survive() {
    let policy = statements(json!([{"Effect": "Allow", "Action": "s3:*",
        "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::b/*"]]}}]));
    let sym = &policy.statements[0].resources.as_ref().unwrap().items[0].value;
    assert_eq!(sym.parts()[1], Part::Pseudo("AWS::Partition".into()));
}
