//! Property tests over random construct trees: every logical id is
//! alphanumeric, at most 255 characters and unique, and synthesis is
//! deterministic (the same tree renders to the same bytes, every time).
//!
//! Case counts are kept small so the file runs in a few seconds.

use std::collections::BTreeSet;

use proptest::prelude::*;
use synth::constructs::{
    Bucket, BucketProps, Function, FunctionProps, Key, KeyProps, LogGroup, LogGroupProps, Table,
    TableProps,
};
use synth::logical_id::MAX_LOGICAL_ID_LEN;
use synth::perms::DynamoAction;
use synth::{App, Asset, ConstructPath, Stack, StackProps, Tags};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A construct id: mostly short and messy (spaces, dots, dashes, non-ASCII,
/// the hidden `Resource`/`Default` segments), sometimes the longest allowed.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-zA-Z0-9 ._{}é-]{1,10}",
        1 => Just("Resource".to_owned()),
        1 => Just("Default".to_owned()),
        1 => "[0-9]{1,4}",
        1 => "[-_. ]{1,3}",
        1 => "[a-zA-Z]{120,128}",
    ]
}

fn path() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(segment(), 1..8)
}

fn build(segments: &[String]) -> ConstructPath {
    segments
        .iter()
        .try_fold(ConstructPath::root(), |p, s| p.child(s))
        .expect("generated segments are valid")
}

fn assert_well_formed(id: &str) -> Result<(), TestCaseError> {
    prop_assert!(!id.is_empty() && id.len() <= MAX_LOGICAL_ID_LEN, "{id}");
    prop_assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    prop_assert!(id.starts_with(|c: char| c.is_ascii_alphabetic()), "{id}");
    Ok(())
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn path_ids_are_well_formed_and_distinct(paths in proptest::collection::vec(path(), 1..40)) {
        let distinct: BTreeSet<Vec<String>> = paths.into_iter().collect();
        let mut ids = BTreeSet::new();
        for segments in &distinct {
            let id = build(segments).logical_id();
            assert_well_formed(id.as_str())?;
            prop_assert_eq!(id.clone(), build(segments).logical_id(), "not a pure function");
            prop_assert!(ids.insert(id.clone()), "{id} derived twice");
        }
    }
}

/// What a leaf of a random tree builds.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Table,
    Bucket,
    LogGroup,
    Key,
    Function,
}

/// A random construct tree: groups (scopes) holding constructs and groups.
#[derive(Clone, Debug)]
enum Tree {
    Group(String, Vec<Tree>),
    Leaf(Kind, String),
}

impl Tree {
    fn id(&self) -> &str {
        match self {
            Tree::Group(id, _) | Tree::Leaf(_, id) => id,
        }
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Table),
        Just(Kind::Bucket),
        Just(Kind::LogGroup),
        Just(Kind::Key),
        Just(Kind::Function),
    ]
}

fn tree() -> impl Strategy<Value = Vec<Tree>> {
    let leaf = (kind(), segment()).prop_map(|(k, id)| Tree::Leaf(k, id));
    let node = leaf.prop_recursive(3, 24, 4, |inner| {
        (segment(), proptest::collection::vec(inner, 0..4)).prop_map(|(id, c)| Tree::Group(id, c))
    });
    proptest::collection::vec(node, 1..6)
}

fn tags() -> Tags {
    Tags::new()
        .with("project", "prop")
        .with("environment", "test")
        .with("owner", "tests")
        .with("cost-center", "cc-0")
}

/// Builds the trees into a stack; sibling ids that repeat are skipped (the
/// stack refuses them, which the unit tests cover). Every table grants its
/// data to the functions built after it, so references and IAM statements
/// are part of what must render deterministically.
fn add(stack: &mut Stack, trees: &[Tree], tables: &mut Vec<Table>) -> synth::error::Result<()> {
    let mut seen = BTreeSet::new();
    for tree in trees.iter().filter(|t| seen.insert(t.id().to_owned())) {
        match tree {
            Tree::Group(id, children) => stack.scoped(id, |s| add(s, children, tables))?,
            Tree::Leaf(kind, id) => add_leaf(stack, *kind, id, tables)?,
        }
    }
    Ok(())
}

fn add_leaf(
    stack: &mut Stack,
    kind: Kind,
    id: &str,
    tables: &mut Vec<Table>,
) -> synth::error::Result<()> {
    match kind {
        Kind::Table => tables.push(Table::new(stack, id, TableProps::default())?),
        Kind::Bucket => drop(Bucket::new(stack, id, BucketProps::default())?),
        Kind::LogGroup => drop(LogGroup::new(stack, id, LogGroupProps::default())?),
        Kind::Key => drop(Key::new(stack, id, KeyProps::default())?),
        Kind::Function => {
            let asset = format!("asset{}", stack.resources().count());
            let code = stack.add_asset(Asset::placeholder(asset, "not built"))?;
            let function = Function::new(stack, id, FunctionProps::new(code))?;
            for table in tables.iter() {
                table.grant(stack, &function, &[DynamoAction::GetItem])?;
            }
        }
    }
    Ok(())
}

fn render(trees: &[Tree]) -> (Stack, String) {
    let mut stack = Stack::new("prop", StackProps::default().tags(tags())).expect("stack");
    add(&mut stack, trees, &mut Vec::new()).expect("random tree builds");
    let mut app = App::new();
    app.add_stack(stack.clone()).expect("add stack");
    let synthesized = app.synthesize().expect("synthesizes");
    let text = serde_json::to_string_pretty(&synthesized[0].template).expect("json");
    let again = serde_json::to_string_pretty(&app.synthesize().expect("again")[0].template);
    assert_eq!(text, again.expect("json"), "two renders of one app differ");
    (stack, text)
}

proptest! {
    #![proptest_config(config(60))]

    #[test]
    fn random_stacks_synthesize_deterministically(trees in tree()) {
        let (stack, first) = render(&trees);
        let (_, second) = render(&trees);
        prop_assert_eq!(&first, &second, "two builds of one tree differ");

        let template: serde_json::Value = serde_json::from_str(&first).expect("json");
        let resources = template["Resources"].as_object().expect("Resources");
        let ids: BTreeSet<&str> = stack.resources().map(|(id, _, _)| id.as_str()).collect();
        prop_assert_eq!(ids.len(), stack.resources().count(), "duplicate logical id");
        for id in resources.keys() {
            assert_well_formed(id)?;
        }
        prop_assert_eq!(resources.len(), ids.len(), "two resources rendered under one id");
        // A function's `CurrentVersion` id gains 8 hex digits of a hash of the function's
        // configuration; a long id is cut short first so that it stays within the limit.
        let rendered = |id: &str| {
            let kept = &id[..id.len().min(MAX_LOGICAL_ID_LEN - 8)];
            resources.contains_key(id) || resources.keys().any(|key| key.starts_with(kept))
        };
        for id in &ids {
            prop_assert!(rendered(id), "{id} is not in the template");
        }
    }
}

/// Found by the property above: under a long path the version's id is cut short before its
/// configuration hash is appended, and it must still be rendered, within the limit, once.
#[test]
fn a_deeply_named_function_keeps_its_version_within_the_id_limit() {
    let long = "Aa".repeat(60);
    let trees = [Tree::Group(
        long.clone(),
        vec![Tree::Group(
            long.to_lowercase(),
            vec![Tree::Leaf(Kind::Function, "Resource".to_owned())],
        )],
    )];
    let (stack, text) = render(&trees);
    let template: serde_json::Value = serde_json::from_str(&text).expect("json");
    let resources = template["Resources"].as_object().expect("Resources");
    assert_eq!(resources.len(), stack.resources().count());
    let versions: Vec<&String> = resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Lambda::Version")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert_eq!(versions[0].len(), MAX_LOGICAL_ID_LEN, "{}", versions[0]);
    assert_well_formed(versions[0]).expect("well formed");
}
