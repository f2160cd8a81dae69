//! Property tests: IAM wildcard matching against a brute-force reference,
//! Deny-overrides-Allow in the evaluator against a reference decision, and
//! the decode → canonical JSON → decode round trip over random trees.
//!
//! Case counts are kept small so the file runs in a few seconds; the
//! strategies are narrow (tiny alphabets) so that the interesting cases,
//! matches and collisions, are common rather than lucky.

use std::path::Path;

use policy_lint::iam::eval::{Decision, is_allowed};
use policy_lint::iam::glob::{matches_caseless, matches_exact};
use policy_lint::iam::{LiteralValues, Policy};
use policy_lint::load::{Limits, load_bytes};
use policy_lint::sym::Sym;
use policy_lint::tree::Loc;
use proptest::prelude::*;
use serde_json::{Value, json};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The definition of an IAM glob, written as directly as possible:
/// exponential, but obviously right on short strings.
fn reference_glob(pattern: &[u8], subject: &[u8], same: &dyn Fn(u8, u8) -> bool) -> bool {
    match (pattern.split_first(), subject.split_first()) {
        (None, None) => true,
        (Some((b'*', rest)), _) => {
            reference_glob(rest, subject, same)
                || subject
                    .split_first()
                    .is_some_and(|(_, tail)| reference_glob(pattern, tail, same))
        }
        (Some((b'?', p)), Some((_, s))) => reference_glob(p, s, same),
        (Some((&a, p)), Some((&b, s))) => same(a, b) && reference_glob(p, s, same),
        _ => false,
    }
}

fn exact(a: u8, b: u8) -> bool {
    a == b
}

fn caseless(a: u8, b: u8) -> bool {
    a.eq_ignore_ascii_case(&b)
}

/// A subject, and a pattern made from it by replacing some characters with
/// `?`, some runs with `*` and flipping the case of others: mostly matches.
fn derived_pattern() -> impl Strategy<Value = (String, String)> {
    "[aAbB:/]{0,10}"
        .prop_flat_map(|subject| {
            let n = subject.len();
            (Just(subject), proptest::collection::vec(0u8..6, n))
        })
        .prop_map(|(subject, edits)| {
            let mut pattern = String::new();
            for (c, edit) in subject.chars().zip(edits) {
                match edit {
                    0 => pattern.push('?'),
                    1 => pattern.push('*'),
                    2 => pattern.push(c.to_ascii_uppercase()),
                    _ => pattern.push(c),
                }
            }
            (pattern, subject)
        })
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn glob_agrees_with_reference(pattern in "[aAb:*?]{0,8}", subject in "[aAb:*?]{0,9}") {
        let (p, s) = (pattern.as_bytes(), subject.as_bytes());
        prop_assert_eq!(matches_exact(&pattern, &subject), reference_glob(p, s, &exact));
        prop_assert_eq!(matches_caseless(&pattern, &subject), reference_glob(p, s, &caseless));
    }

    #[test]
    fn glob_agrees_on_derived_patterns((pattern, subject) in derived_pattern()) {
        let (p, s) = (pattern.as_bytes(), subject.as_bytes());
        prop_assert!(matches_caseless(&pattern, &subject), "{pattern} vs {subject}");
        prop_assert_eq!(matches_exact(&pattern, &subject), reference_glob(p, s, &exact));
    }

    #[test]
    fn action_case_never_matters(pattern in "[a-zA-Z:*?]{0,8}", subject in "[a-zA-Z:]{0,9}") {
        let upper = subject.to_ascii_uppercase();
        let lower = pattern.to_ascii_lowercase();
        prop_assert_eq!(
            matches_caseless(&pattern, &subject),
            matches_caseless(&lower, &upper)
        );
    }
}

const ACTIONS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "S3:GETOBJECT",
    "s3:?etObject",
    "s3:PutObject",
    "iam:*",
    "iam:PassRole",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/*",
    "arn:aws:s3:::b/?",
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "iam:PassRole",
    "ec2:RunInstances",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/x",
    "arn:aws:s3:::b/kk",
];

/// One generated statement, kept alongside its JSON so the reference can
/// judge it without going through the parser.
#[derive(Clone, Debug)]
struct Stmt {
    deny: bool,
    not_action: bool,
    actions: Vec<&'static str>,
    not_resource: bool,
    resources: Vec<&'static str>,
    conditional: bool,
}

impl Stmt {
    fn to_json(&self) -> Value {
        let mut s = serde_json::Map::new();
        s.insert(
            "Effect".into(),
            json!(if self.deny { "Deny" } else { "Allow" }),
        );
        let action_key = if self.not_action {
            "NotAction"
        } else {
            "Action"
        };
        s.insert(action_key.into(), json!(self.actions));
        let resource_key = if self.not_resource {
            "NotResource"
        } else {
            "Resource"
        };
        s.insert(resource_key.into(), json!(self.resources));
        if self.conditional {
            s.insert(
                "Condition".into(),
                json!({"Bool": {"aws:SecureTransport": "true"}}),
            );
        }
        Value::Object(s)
    }

    fn applies(&self, action: &str, resource: &str) -> bool {
        let any = |items: &[&str], subject: &str, same: &dyn Fn(u8, u8) -> bool| {
            items
                .iter()
                .any(|p| reference_glob(p.as_bytes(), subject.as_bytes(), same))
        };
        any(&self.actions, action, &caseless) != self.not_action
            && any(&self.resources, resource, &exact) != self.not_resource
    }
}

fn statement() -> impl Strategy<Value = Stmt> {
    let pick = |all: &'static [&'static str]| proptest::sample::subsequence(all, 1..=3);
    (
        any::<bool>(),
        proptest::bool::weighted(0.2),
        pick(ACTIONS),
        proptest::bool::weighted(0.2),
        pick(RESOURCES),
        proptest::bool::weighted(0.3),
    )
        .prop_map(
            |(deny, not_action, actions, not_resource, resources, conditional)| Stmt {
                deny,
                not_action,
                actions,
                not_resource,
                resources,
                conditional,
            },
        )
}

/// The decision IAM makes for literal policies, with conditions unknown:
/// an unconditional matching `Deny` wins; otherwise any matching `Allow`
/// allows, unconditionally only when nothing conditional is in the way.
fn reference_decision(statements: &[Stmt], action: &str, resource: &str) -> Decision {
    let hits: Vec<&Stmt> = statements
        .iter()
        .filter(|s| s.applies(action, resource))
        .collect();
    let deny = |conditional| hits.iter().any(|s| s.deny && s.conditional == conditional);
    let allow = |conditional| hits.iter().any(|s| !s.deny && s.conditional == conditional);
    if deny(false) {
        Decision::ExplicitDeny
    } else if !allow(false) && !allow(true) {
        Decision::ImplicitDeny
    } else {
        Decision::Allowed {
            conditional: !allow(false) || deny(true),
        }
    }
}

fn parse(statements: &[Stmt]) -> Policy {
    let doc = json!({
        "Version": "2012-10-17",
        "Statement": statements.iter().map(Stmt::to_json).collect::<Vec<_>>(),
    });
    Policy::parse_json_text(&doc.to_string(), Loc::new(1, 1), &LiteralValues)
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn evaluator_agrees_with_reference(
        statements in proptest::collection::vec(statement(), 0..6),
        split in 0usize..6,
    ) {
        // Spread the statements over two policies: the decision must not
        // depend on which policy a statement sits in.
        let split = split.min(statements.len());
        let first = parse(&statements[..split]);
        let second = parse(&statements[split..]);
        for action in REQUEST_ACTIONS {
            for resource in REQUEST_RESOURCES {
                let got = is_allowed(&[&first, &second], action, &Sym::text(*resource));
                let want = reference_decision(&statements, action, resource);
                prop_assert_eq!(got, want, "{} on {}", action, resource);
            }
        }
    }

    #[test]
    fn a_matching_deny_overrides_every_allow(
        statements in proptest::collection::vec(statement(), 0..6),
        action in proptest::sample::select(REQUEST_ACTIONS),
        resource in proptest::sample::select(REQUEST_RESOURCES),
    ) {
        let deny = Stmt {
            deny: true,
            not_action: false,
            actions: vec![action],
            not_resource: false,
            resources: vec![resource],
            conditional: false,
        };
        let mut all = statements;
        all.push(deny);
        let policy = parse(&all);
        let got = is_allowed(&[&policy], action, &Sym::text(resource));
        prop_assert_eq!(got, Decision::ExplicitDeny);
    }
}

/// Random JSON below a `Resources` key, so the loader accepts it as a
/// CloudFormation template.
fn json_tree() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1.0e6f64..1.0e6).prop_map(|f| json!((f * 64.0).round() / 64.0)),
        "\\PC{0,12}".prop_map(Value::String),
        "[\"\\\\\t\n\u{0}\u{1f}\u{2028}é𝄞]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(("\\PC{0,8}", inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

fn template(body: Value) -> Value {
    json!({ "AWSTemplateFormatVersion": "2010-09-09", "Resources": { "R": body } })
}

fn decode_bytes(name: &str, bytes: &[u8]) -> Value {
    let doc = load_bytes(Path::new(name), bytes, &Limits::default());
    match doc {
        Ok(doc) => doc.root.to_json(),
        Err(e) => panic!(
            "{name} does not load: {e}\n{}",
            String::from_utf8_lossy(bytes)
        ),
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn decode_round_trips_through_canonical_json(body in json_tree(), pretty in any::<bool>()) {
        let written = template(body);
        let text = if pretty {
            serde_json::to_string_pretty(&written)
        } else {
            serde_json::to_string(&written)
        };
        let text = text.expect("serializes");
        let first = decode_bytes("t.json", text.as_bytes());
        prop_assert_eq!(&first, &written);
        let canonical = serde_json::to_string(&first).expect("serializes");
        let second = decode_bytes("t.json", canonical.as_bytes());
        prop_assert_eq!(first, second);
    }

    #[test]
    fn json_text_reads_the_same_as_yaml(body in json_tree()) {
        // JSON is YAML 1.2 flow syntax: the YAML loader must read the same tree.
        let text = serde_json::to_string(&template(body)).expect("serializes");
        let as_json = decode_bytes("t.json", text.as_bytes());
        let as_yaml = decode_bytes("t.yaml", text.as_bytes());
        prop_assert_eq!(as_json, as_yaml);
    }
}

/// Every template of the fixture corpus (YAML short forms included) decodes
/// to canonical JSON that decodes to itself.
#[test]
fn fixture_corpus_round_trips() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut checked = 0;
    for path in walk(&root) {
        // HCL decodes to JSON, which is not HCL: a `.tf` copy cannot hold it.
        if path.extension().is_some_and(|e| e == "tf") {
            continue;
        }
        let Ok(first) = policy_lint::resolve::decode(&path, false, &Limits::default()) else {
            continue;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        // Same file name, so the copy is detected as the same format.
        let copy = dir.path().join(path.file_name().expect("file name"));
        std::fs::write(&copy, serde_json::to_vec(&first).expect("json")).expect("write");
        let second = policy_lint::resolve::decode(&copy, false, &Limits::default());
        let second = second.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(first, second, "{}", path.display());
        checked += 1;
    }
    assert!(checked > 20, "only {checked} fixtures decoded");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
