//! A bounded, seeded random-mutation run in stable Rust, so CI keeps some
//! of what the cargo-fuzz targets (`fuzz/`, nightly only) check: fixture
//! bytes are mutated a few thousand times and pushed through every loader
//! and the whole linter; a panic anywhere fails the test. Seeded, so a
//! failure reproduces; the failing input is printed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use policy_lint::lint::{Options, lint_bytes};
use policy_lint::output::{render_human, render_json};

const ITERATIONS: usize = 3000;

/// The seeds and the file names that pick their loader.
const SEEDS: &[(&str, &str)] = &[
    ("cases/CASE-023.json", "t.template.json"),
    ("cases/CASE-012.yaml", "t.yaml"),
    ("cases/CASE-010.yaml", "t.yaml"),
    ("cases/CASE-025.yaml", "t.yaml"),
    ("cases/CASE-006.tf.json", "t.tf.json"),
    ("cases/CASE-008.tfplan.json", "plan.json"),
    ("tf/iam.tf.json", "t.tf.json"),
];

/// Tokens that are likely to matter to a parser when spliced in.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "'",
    "\n",
    "\t",
    " ",
    "- ",
    "&a ",
    "*a",
    "!Ref ",
    "!Sub ",
    "!If ",
    "!GetAtt ",
    "!Join ",
    "!Select ",
    "!FindInMap ",
    "Fn::ForEach::L",
    "${",
    "}$",
    "\\u",
    "\\",
    "null",
    "true",
    "1e999",
    "-0",
    "99999999999999999999",
    "\u{feff}",
    "\u{0}",
    "#",
    "|",
    ">-",
    "---",
    "...",
    "? ",
    "Ref",
    "Condition",
    "Fn::If",
    "Fn::Sub",
    "*",
    "?",
    "arn:aws:",
    "Effect",
    "Allow",
    "Deny",
    "Action",
    "NotAction",
    "Principal",
    "Statement",
    "after_unknown",
    "${aws_s3_bucket.b.arn}",
    "%{",
    "<<",
    "AWS::NoValue",
];

/// xorshift64*: tiny, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
            1 if at < bytes.len() => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            2 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            3 if at < bytes.len() => {
                let end = (at + rng.below(256)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, copy);
            }
            4 => bytes.truncate(at),
            _ if at < bytes.len() => bytes[at] = rng.next() as u8,
            _ => {}
        }
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let seeds: Vec<(Vec<u8>, &str)> = SEEDS
        .iter()
        .map(|(file, name)| (std::fs::read(fixtures.join(file)).expect("seed"), *name))
        .collect();
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let options = Options::default();
    let mut loaded = 0;
    for i in 0..ITERATIONS {
        let (seed, name) = &seeds[i % seeds.len()];
        let mut bytes = seed.clone();
        mutate(&mut rng, &mut bytes);
        let run = catch_unwind(AssertUnwindSafe(|| {
            lint_bytes(Path::new(name), &bytes, &options).map(|report| {
                render_human(&report);
                render_json(&report);
            })
        }));
        match run {
            Ok(result) => loaded += usize::from(result.is_ok()),
            Err(_) => panic!(
                "iteration {i} ({name}) panicked on:\n{}",
                String::from_utf8_lossy(&bytes)
            ),
        }
    }
    // The mutations must leave many inputs loadable, or the rules are
    // never reached and the test checks only the parsers' error paths.
    assert!(
        loaded > ITERATIONS / 5,
        "only {loaded} of {ITERATIONS} mutants loaded"
    );
}
