//! The message convention, checked on every message the test fixtures make
//! the linter write (rule fixtures, cases, output fixtures and the corpus):
//! a message starts with a lower-case word, a backtick or an identifier
//! (`MFA`, `S3`, `AutoVerifiedAttributes`), never with a capitalised plain
//! word, and does not end with a period. Input errors are held to the same
//! convention after their `file:line:col:` prefix.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use policy_lint::lint::{Options, lint_paths};

/// Why `message` breaks the convention, if it does.
fn violation(message: &str) -> Option<&'static str> {
    let first_word = message.split_whitespace().next()?;
    if message.trim_end().ends_with('.') {
        return Some("ends with a period");
    }
    let mut chars = first_word.trim_end_matches([',', ':', ';']).chars();
    let first = chars.next()?;
    let rest: String = chars.collect();
    let plain_capitalised = first.is_uppercase() && rest.chars().all(|c| c.is_lowercase());
    plain_capitalised.then_some("starts with a capitalised word")
}

/// An input error's message without the `file:line:col:` it starts with.
fn without_location<'m>(message: &'m str, file: &Path) -> &'m str {
    let file = file.display().to_string();
    message
        .strip_prefix(file.as_str())
        .map_or(message, |rest| {
            rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':')
        })
        .trim_start()
}

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    ["rules", "cases", "output", "corpus"]
        .iter()
        .map(|d| root.join(d))
        .collect()
}

#[test]
fn every_message_the_fixtures_produce_follows_the_convention() {
    let report = lint_paths(&fixture_dirs(), &Options::default());
    assert!(
        report.findings.len() > 1000,
        "only {} findings",
        report.findings.len()
    );
    let mut problems = BTreeSet::new();
    for f in &report.findings {
        if let Some(why) = violation(&f.message) {
            problems.insert(format!(
                "{} {why}: {:?} ({})",
                f.rule,
                f.message,
                f.file.display()
            ));
        }
    }
    for e in &report.input_errors {
        if let Some(why) = violation(without_location(&e.message, &e.file)) {
            problems.insert(format!("input error {why}: {:?}", e.message));
        }
    }
    let list: Vec<String> = problems.into_iter().collect();
    assert!(
        list.is_empty(),
        "messages break the convention:\n{}",
        list.join("\n")
    );
}

#[test]
fn the_convention_check_tells_identifiers_from_capitalised_words() {
    assert_eq!(violation("the bucket ACL is `PublicRead`"), None);
    assert_eq!(violation("`RequireSymbols` is off"), None);
    assert_eq!(violation("MFA is `OFF`, so no user can turn it on"), None);
    assert_eq!(violation("ID tokens live 60 minutes"), None);
    assert_eq!(
        violation("AutoVerifiedAttributes does not include email"),
        None
    );
    assert_eq!(violation("S3 applies SSE-S3"), None);
    assert_eq!(
        violation("The bucket is public"),
        Some("starts with a capitalised word")
    );
    assert_eq!(
        violation("Missing tags: owner"),
        Some("starts with a capitalised word")
    );
    assert_eq!(
        violation("the bucket is public."),
        Some("ends with a period")
    );
    assert_eq!(
        without_location(
            "a/b.yml:6:1: invalid yaml: expected ','",
            Path::new("a/b.yml")
        ),
        "invalid yaml: expected ','"
    );
}
