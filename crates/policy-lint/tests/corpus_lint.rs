//! Lints every file of the public corpus (`tests/fixtures/corpus`, a copy of
//! `../shared/corpus/public`) through the whole pipeline.
//!
//! Every file must be linted without a panic; malformed files must give an
//! input error and the others must be analysed. The test prints counts
//! (files, findings by rule and status, input errors) and, where the
//! manifest gives checkov's verdict for a check that a rule names in its
//! metadata, how often that rule agrees. Agreement is measured, not asserted:
//! `STACKWRIGHT_BLESS=1` writes the table and every disagreement to
//! `docs/corpus-agreement.md`, where each one is to be explained.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use policy_lint::finding::{Finding, Status};
use policy_lint::lint::{Options, lint_paths};
use policy_lint::output::Report;
use policy_lint::rules::{REGISTRY, Rule};

/// One row of `MANIFEST.tsv`.
struct Entry {
    local_name: String,
    kind: String,
    expectations: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

fn manifest() -> Vec<Entry> {
    let text = std::fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let col = |i: usize| cols.get(i).copied().unwrap_or_default().to_owned();
            Entry {
                local_name: col(3),
                kind: col(5),
                expectations: col(9),
            }
        })
        .collect()
}

/// What linting one file gave.
struct Linted {
    entry: Entry,
    /// The report, or the panic text.
    report: Result<Report, String>,
}

/// The corpus, linted once for all tests of this file.
fn lint_corpus() -> &'static [Linted] {
    static LINTED: OnceLock<Vec<Linted>> = OnceLock::new();
    LINTED.get_or_init(lint_all)
}

fn lint_all() -> Vec<Linted> {
    manifest()
        .into_iter()
        .map(|entry| {
            let path = corpus_dir().join(&entry.local_name);
            let report = catch_unwind(AssertUnwindSafe(|| {
                lint_paths(&[path], &Options::default())
            }))
            .map_err(|p| {
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default()
            });
            Linted { entry, report }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// checkov verdicts from the manifest

/// What checkov's test suite says about one check on one file.
#[derive(Debug, PartialEq)]
enum Claim {
    /// Per resource: logical ID → `fail` or `pass`.
    Resources(Vec<(String, Verdict)>),
    /// For the whole file, taken from the fixture's name.
    File(Verdict),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    Fail,
    Pass,
    Unknown,
    /// No finding of the rule where checkov has a verdict.
    NotEvaluated,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Self::Fail => "fail",
            Self::Pass => "pass",
            Self::Unknown => "unknown",
            Self::NotEvaluated => "not evaluated",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "fail" => Some(Self::Fail),
            "pass" => Some(Self::Pass),
            "unknown" => Some(Self::Unknown),
            _ => None,
        }
    }
}

/// The checkov claims of a manifest `expectations` cell, by check ID.
/// `see-dir` items (a directory summary without per-file verdicts) give none.
fn checkov_claims(expectations: &str) -> Vec<(String, Claim)> {
    let mut out = Vec::new();
    for item in expectations.split("checkov:").skip(1) {
        let Some((id, rest)) = item.split_once('(') else {
            continue;
        };
        let Some((_, verdicts)) = rest.split_once(")=") else {
            continue;
        };
        if let Some(claim) = parse_claim(verdicts.trim().trim_end_matches(';')) {
            out.push((id.to_owned(), claim));
        }
    }
    out
}

fn parse_claim(text: &str) -> Option<Claim> {
    let word_end = text.find(['[', '('])?;
    let verdict = Verdict::parse(&text[..word_end])?;
    if text[word_end..].starts_with('(') {
        return Some(Claim::File(verdict));
    }
    let mut resources = Vec::new();
    for group in text.split_whitespace() {
        let Some((word, ids)) = group.split_once('[') else {
            continue;
        };
        let Some(verdict) = Verdict::parse(word) else {
            continue;
        };
        for id in ids
            .trim_end_matches(']')
            .split(',')
            .filter(|i| !i.is_empty())
        {
            resources.push((id.to_owned(), verdict));
        }
    }
    Some(Claim::Resources(resources))
}

/// A rule's own verdict from its findings (fail wins over unknown over pass).
fn verdict_of<'f>(findings: impl Iterator<Item = &'f Finding>) -> Verdict {
    let mut verdict = Verdict::NotEvaluated;
    for f in findings {
        let v = match f.status {
            Status::Fail | Status::Suppressed => Verdict::Fail,
            Status::Unknown => Verdict::Unknown,
            Status::Pass => Verdict::Pass,
        };
        verdict = verdict.min(v);
    }
    verdict
}

/// One comparison of a rule with checkov.
struct Comparison {
    rule: &'static str,
    check: String,
    file: String,
    /// The logical ID, or `None` for a whole-file verdict.
    resource: Option<String>,
    checkov: Verdict,
    ours: Verdict,
}

fn compare(linted: &[Linted]) -> Vec<Comparison> {
    let mut out = Vec::new();
    for item in linted {
        let Ok(report) = &item.report else {
            continue;
        };
        for (check, claim) in checkov_claims(&item.entry.expectations) {
            for rule in REGISTRY
                .iter()
                .filter(|r| r.meta.checkov.contains(&check.as_str()))
            {
                out.extend(compare_claim(rule, &check, &claim, item, report));
            }
        }
    }
    out
}

fn compare_claim(
    rule: &Rule,
    check: &str,
    claim: &Claim,
    item: &Linted,
    report: &Report,
) -> Vec<Comparison> {
    let of_rule = || report.findings.iter().filter(|f| f.rule == rule.meta.id);
    let row = |resource: Option<&str>, checkov: Verdict, ours: Verdict| Comparison {
        rule: rule.meta.id,
        check: check.to_owned(),
        file: item.entry.local_name.clone(),
        resource: resource.map(str::to_owned),
        checkov,
        ours,
    };
    match claim {
        Claim::File(checkov) => vec![row(None, *checkov, verdict_of(of_rule()))],
        Claim::Resources(claims) => claims
            .iter()
            .map(|(id, checkov)| {
                let ours = verdict_of(of_rule().filter(|f| f.resource == *id));
                row(Some(id), *checkov, ours)
            })
            .collect(),
    }
}

/// The agreement table and the list of every comparison that did not agree.
fn agreement_markdown(comparisons: &[Comparison]) -> String {
    let mut per_rule: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for c in comparisons {
        let counts = per_rule.entry(c.rule).or_default();
        let slot = match c.ours {
            _ if c.ours == c.checkov => 0,
            Verdict::Unknown => 2,
            Verdict::NotEvaluated => 3,
            _ => 1,
        };
        counts[slot] += 1;
    }
    let mut md = [
        "# Agreement with checkov on the public corpus",
        "",
        "Generated by `STACKWRIGHT_BLESS=1 cargo test -p policy-lint --test corpus_lint`.",
        "checkov's verdicts come from its own test suite, as the corpus manifest records them: \
         per resource, or per file where the fixture's name says PASSED or FAILED.",
        "A rule is compared on the checkov checks its metadata names.",
        "*Not evaluated* means the rule gave no finding there: a resource type or format the \
         adapters do not read yet (such as SAM's `AWS::Serverless::*`), or a rule that reports \
         only what it finds (SEC001 records nothing for a resource without candidate values).",
        "",
        "| rule | checkov checks | compared | agree | disagree | ours unknown | not evaluated |",
        "|---|---|---|---|---|---|---|",
        "",
    ]
    .join("\n");
    for (rule, [agree, disagree, unknown, missing]) in &per_rule {
        let checks =
            policy_lint::rules::find(rule).map_or(String::new(), |r| r.meta.checkov.join(", "));
        let total = agree + disagree + unknown + missing;
        let _ = writeln!(
            md,
            "| {rule} | {checks} | {total} | {agree} | {disagree} | {unknown} | {missing} |"
        );
    }
    md.push_str(
        &[
            "",
            "## Every comparison that does not agree",
            "",
            "Each is either our bug (fix the rule) or a deliberate difference (explain it in the \
             rule's limitations); [corpus-disagreements.md](corpus-disagreements.md) says which.",
            "",
            "| rule | check | file | resource | checkov | ours |",
            "|---|---|---|---|---|---|",
            "",
        ]
        .join("\n"),
    );
    for c in comparisons.iter().filter(|c| c.ours != c.checkov) {
        let resource = c.resource.as_deref().unwrap_or("(whole file)");
        let _ = writeln!(
            md,
            "| {} | {} | `{}` | {resource} | {} | {} |",
            c.rule,
            c.check,
            c.file,
            c.checkov.as_str(),
            c.ours.as_str()
        );
    }
    md
}

// ---------------------------------------------------------------------------
// Tests

#[test]
fn every_corpus_file_is_linted_without_a_panic() {
    let linted = lint_corpus();
    assert!(
        linted.len() > 200,
        "the manifest lists only {} files",
        linted.len()
    );
    let mut problems = Vec::new();
    let mut by_rule: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    let (mut analysed, mut refused, mut input_errors) = (0, 0, 0);
    for item in linted {
        let name = &item.entry.local_name;
        let report = match &item.report {
            Ok(report) => report,
            Err(panic) => {
                problems.push(format!("{name}: panicked: {panic}"));
                continue;
            }
        };
        input_errors += report.input_errors.len();
        let path = corpus_dir().join(name);
        match (item.entry.kind.as_str(), report.input_errors.first()) {
            ("malformed", Some(_)) => refused += 1,
            ("malformed", None) => problems.push(format!("{name}: malformed but no input error")),
            (_, Some(e)) => problems.push(format!("{name}: {}", e.message)),
            (_, None) if report.sources.contains_key(&path) => analysed += 1,
            (_, None) => problems.push(format!("{name}: not analysed")),
        }
        for f in &report.findings {
            *by_rule
                .entry(f.rule)
                .or_default()
                .entry(f.status.as_str())
                .or_default() += 1;
        }
    }
    println!(
        "corpus: {} files, {analysed} analysed, {refused} refused as malformed",
        linted.len()
    );
    println!("input errors: {input_errors}");
    for (rule, statuses) in &by_rule {
        let counts: Vec<String> = statuses.iter().map(|(s, n)| format!("{s} {n}")).collect();
        println!("{rule:<8} {}", counts.join(", "));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn duplicate_keys_in_the_corpus_are_reported_as_input_problems() {
    let linted = lint_corpus();
    let duplicates: Vec<&Linted> = linted
        .iter()
        .filter(|l| l.entry.expectations.contains("duplicate mapping keys"))
        .collect();
    assert!(
        !duplicates.is_empty(),
        "the manifest names no file with duplicate keys"
    );
    for item in duplicates {
        let report = item.report.as_ref().expect("linted without a panic");
        let reported = report.findings.iter().any(|f| {
            f.rule == "TPL001" && f.status == Status::Fail && f.message.contains("duplicate")
        });
        assert!(
            reported,
            "{}: no TPL001 duplicate-key finding",
            item.entry.local_name
        );
    }
}

#[test]
fn agreement_with_checkov_is_measured_per_rule() {
    let comparisons = compare(lint_corpus());
    let markdown = agreement_markdown(&comparisons);
    println!("{markdown}");
    if std::env::var_os("STACKWRIGHT_BLESS").is_some() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/corpus-agreement.md");
        std::fs::write(&path, &markdown).expect("docs/corpus-agreement.md is writable");
    }
    assert!(
        !comparisons.is_empty(),
        "no rule names a checkov check the corpus has verdicts for"
    );
}

#[test]
fn checkov_claims_are_read_in_every_form_the_manifest_uses() {
    let cell = [
        "checkov:CKV_AWS_45(LambdaEnvironmentCredentials)=fail[Secret] pass[NoEnv,NoSecret]",
        "checkov:CKV_AWS_62(IAMAdminPolicyDocument)=fail(from filename; dir-summary passed=4)",
        "checkov:CKV_AWS_18(S3AccessLogs)=see-dir(dir-summary passed=2 failed=4)",
        "checkov:CKV_AWS_149(SecretManagerSecretEncrypted)=fail[aws_secretsmanager_secret.x] x=0",
    ]
    .join("; ");
    let claims = checkov_claims(&cell);
    let ids: Vec<&str> = claims.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["CKV_AWS_45", "CKV_AWS_62", "CKV_AWS_149"]);
    assert_eq!(
        claims[0].1,
        Claim::Resources(vec![
            ("Secret".to_owned(), Verdict::Fail),
            ("NoEnv".to_owned(), Verdict::Pass),
            ("NoSecret".to_owned(), Verdict::Pass),
        ])
    );
    assert_eq!(claims[1].1, Claim::File(Verdict::Fail));
    assert_eq!(
        claims[2].1,
        Claim::Resources(vec![(
            "aws_secretsmanager_secret.x".to_owned(),
            Verdict::Fail
        )])
    );
}
