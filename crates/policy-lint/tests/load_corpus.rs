//! Loads every file of the public template corpus (a copy of
//! `../shared/corpus/public`, with its licences and MANIFEST.tsv):
//! `good` and `bad` files must load in the format the manifest names,
//! `malformed` ones must give a clean error naming the file.

use std::path::{Path, PathBuf};

use policy_lint::load::{Format, Limits, load_file};

struct Entry {
    path: PathBuf,
    kind: String,
    format: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

fn manifest() -> Vec<Entry> {
    let text = std::fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).expect("manifest");
    text.lines()
        .skip(1)
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            Entry {
                path: corpus_dir().join(cols[3]),
                kind: cols[5].to_owned(),
                format: cols[6].to_owned(),
            }
        })
        .collect()
}

fn expected_format(manifest_format: &str) -> Format {
    match manifest_format.trim_end_matches("+sam") {
        "cfn-json" => Format::CloudFormationJson,
        "cfn-yaml" => Format::CloudFormationYaml,
        "tf-json" => Format::TerraformJson,
        "tf-plan-json" => Format::TerraformPlan,
        other => panic!("unknown manifest format {other}"),
    }
}

#[test]
fn every_corpus_file_loads_or_fails_cleanly() {
    let entries = manifest();
    assert!(entries.len() > 200, "manifest has {} rows", entries.len());
    let mut problems = Vec::new();
    let (mut loaded, mut failed) = (0, 0);
    for entry in &entries {
        let result = load_file(&entry.path, &Limits::default());
        match (entry.kind.as_str(), result) {
            ("malformed", Err(e)) => {
                failed += 1;
                let shown = e.to_string();
                assert!(
                    shown.starts_with(&entry.path.display().to_string()),
                    "{shown}"
                );
            }
            ("malformed", Ok(_)) => problems.push(format!("{}: loaded", entry.path.display())),
            (_, Ok(doc)) if doc.format == expected_format(&entry.format) => loaded += 1,
            (_, Ok(doc)) => {
                problems.push(format!("{}: read as {}", entry.path.display(), doc.format))
            }
            (_, Err(e)) => problems.push(e.to_string()),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    eprintln!("corpus: {loaded} loaded, {failed} malformed files refused");
}

#[test]
fn corpus_copy_matches_shared_when_present() {
    let shared =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/public/MANIFEST.tsv");
    let Ok(shared) = std::fs::read_to_string(shared) else {
        return;
    };
    let ours = std::fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).unwrap();
    assert_eq!(ours, shared, "the corpus copy is out of date");
}

/// Resolving every CloudFormation template of the corpus neither panics nor
/// loses the duplicate keys the manifest's `bad` fixtures carry.
#[test]
fn every_corpus_template_resolves() {
    use policy_lint::resolve::Resolver;
    let mut report = Vec::new();
    for entry in manifest().iter().filter(|e| e.kind != "malformed") {
        let doc = load_file(&entry.path, &Limits::default()).expect("loads");
        if !doc.format.is_cloudformation() {
            continue;
        }
        let resolver = Resolver::new(&doc);
        let _ = resolver.resolved_template();
        for resource in resolver.resources() {
            assert!(!resolver.branches(resource.node).is_empty());
        }
        for d in resolver.diagnostics().iter().chain(&doc.diagnostics) {
            report.push(format!("{}:{d}", entry.path.display()));
        }
    }
    // The cfn-lint duplicate-key fixtures are reported, at the later keys.
    for name in ["bad__duplicate.json:17:3", "bad__duplicate.yaml:9:3"] {
        let hit = report
            .iter()
            .any(|r| r.contains(name) && r.ends_with("[duplicate-key]"));
        assert!(hit, "no duplicate-key diagnostic at {name}");
    }
    eprintln!("{} diagnostics:\n{}", report.len(), report.join("\n"));
}
