//! The one test that really builds the Lambda functions: `synth` compiles them in the
//! `lambda-release` profile, checks their glibc, zips them deterministically and names each
//! zip by its sha256; `synth --no-build` then reuses them, byte for byte. Slow the first time
//! (a release build of the handlers with the AWS SDK), so everything is checked on one build.
//!
//! The build takes the path a user's machine would: `cargo lambda build --x86-64` (zig, for
//! provided.al2023) when cargo-lambda is on PATH, as it is under `scripts/test` and in CI
//! (`scripts/setup-tools` installs it into `.venv-aws`), else a host build; the test asserts
//! which one ran, and the glibc check holds either way.

use std::env;
use std::fs;
use std::io::{Cursor, Read as _};
use std::path::{Path, PathBuf};

use serde_json::Value;
use stackwright::package::{Builder, bundle, glibc};

use crate::support::{files_in, stackwright_with_target};

/// The target directory the developer's own builds use, so the release build is shared with
/// `cargo run -- synth` instead of repeated.
fn shared_target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    )
}

fn manifest_assets(out: &Path) -> Vec<Value> {
    let manifest: Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    manifest["stacks"][0]["assets"].as_array().unwrap().clone()
}

fn bootstrap_of(zip: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    assert_eq!(archive.len(), 1, "one entry");
    let mut entry = archive.by_index(0).unwrap();
    assert_eq!(entry.name(), "bootstrap");
    assert_eq!(entry.unix_mode().map(|mode| mode & 0o777), Some(0o755));
    let mut executable = Vec::new();
    entry.read_to_end(&mut executable).unwrap();
    executable
}

#[test]
fn synth_builds_checks_and_zips_each_function_deterministically() {
    let cwd = tempfile::tempdir().unwrap();
    let target = shared_target_dir();
    let built = stackwright_with_target(cwd.path(), &["synth", "--out", "built"], &target);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let expected = format!(
        "building the Lambda functions: {}",
        Builder::detect().describe()
    );
    assert!(built.stderr.contains(&expected), "{}", built.stderr);
    let sizes: Vec<&str> = built
        .stderr
        .lines()
        .filter(|line| line.contains(" MiB zipped ("))
        .collect();
    assert_eq!(
        sizes.len(),
        expense_lambda::functions::ALL.len(),
        "{}",
        built.stderr
    );
    eprintln!("{:?}:\n{}", Builder::detect(), sizes.join("\n"));
    let out = cwd.path().join("built");

    let assets = manifest_assets(&out);
    assert_eq!(assets.len(), expense_lambda::functions::ALL.len());
    let template = fs::read_to_string(out.join("expense-tracker-dev.template.json")).unwrap();
    for asset in &assets {
        let id = asset["id"].as_str().unwrap();
        assert_eq!(asset["source"]["kind"], "file", "{id}");
        let sha256 = asset["source"]["sha256"].as_str().unwrap();
        let key = format!("assets/{sha256}.zip");
        assert_eq!(asset["key"], key.as_str(), "{id}");
        assert!(
            template.contains(&format!("\"{key}\"")),
            "{id}: the template names {key}"
        );
        let zip = fs::read(out.join(&key)).unwrap();
        assert_eq!(stackwright::manifest::sha256_hex(&zip), sha256, "{id}");

        let executable = bootstrap_of(&zip);
        let newest = glibc::check(&executable).unwrap_or_else(|err| panic!("{id}: {err}"));
        assert!(
            newest.is_none_or(|v| v <= glibc::MAX_GLIBC),
            "{id}: {newest:?}"
        );
        let again = bundle::zip_bootstrap(&executable).unwrap();
        assert_eq!(
            again.zip, zip,
            "{id}: zipping the same executable again gives the same bytes"
        );
    }

    // From the target directory (a fresh output) and from the previous output: the same zips.
    for (dir, name) in [("elsewhere", "reused"), (".", "built")] {
        let reuse_cwd = cwd.path().join(dir);
        fs::create_dir_all(&reuse_cwd).unwrap();
        let reused =
            stackwright_with_target(&reuse_cwd, &["synth", "--no-build", "--out", name], &target);
        assert_eq!(reused.code, 0, "{}", reused.stderr);
        assert!(!reused.stderr.contains("building"), "{}", reused.stderr);
        assert!(!reused.stderr.contains("placeholder"), "{}", reused.stderr);
        let reused_out = reuse_cwd.join(name);
        assert_eq!(
            files_in(&reused_out.join("assets")),
            files_in(&out.join("assets"))
        );
        assert_eq!(manifest_assets(&reused_out), assets);
    }
}
