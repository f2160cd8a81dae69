//! Packaging of the Lambda functions: each declared binary built as a `bootstrap`, checked
//! to load on `provided.al2023`, zipped deterministically and named by its sha256 as
//! `assets/<sha256>.zip` in the output directory, which is also its key in the asset bucket.
//!
//! `synth --no-build` skips the release build and reuses the last bundles: those of the
//! previous output directory (verified against its manifest), else the binaries left in the
//! cargo target directory; a function with neither gets a placeholder asset and a warning.

pub mod build;
pub mod bundle;
pub mod glibc;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, bail};
use expense_lambda::functions::{self, Function};
use synth::Asset;

use crate::expense;
use crate::manifest::{self, Manifest};
use crate::output::OutputFile;

pub use build::Builder;
pub use bundle::Bundle;

/// The code bundle of each function that has one, by binary name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundles {
    by_bin: BTreeMap<String, Bundle>,
}

impl Bundles {
    /// The code asset of `function`: its bundle, or a placeholder when it has none.
    pub fn asset(&self, function: &Function) -> Asset {
        match self.by_bin.get(function.bin) {
            Some(bundle) => Asset::file(function.bin, bundle.path(), &bundle.sha256),
            None => expense::placeholder_code(function),
        }
    }

    /// The bundle of binary `bin`, if any.
    pub fn get(&self, bin: &str) -> Option<&Bundle> {
        self.by_bin.get(bin)
    }

    /// One line per bundle, by binary name: the zip's size, which is what Lambda downloads on a
    /// cold start and what counts against the 50 MB upload limit.
    pub fn size_report(&self) -> String {
        self.by_bin
            .iter()
            .map(|(bin, bundle)| {
                let mib = bundle.zip.len() as f64 / (1024.0 * 1024.0);
                format!(
                    "  {bin}: {mib:.2} MiB zipped ({} bytes)\n",
                    bundle.zip.len()
                )
            })
            .collect()
    }

    /// The zip files to write into the output directory, by name, without repeats (two
    /// identical executables share one zip).
    pub fn files(&self) -> Vec<OutputFile> {
        let mut files: Vec<OutputFile> = self
            .by_bin
            .values()
            .map(|bundle| OutputFile {
                name: bundle.path(),
                contents: bundle.zip.clone(),
            })
            .collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        files.dedup_by(|a, b| a.name == b.name);
        files
    }
}

/// Builds every function with `builder` into `target_dir` and bundles the binaries.
///
/// # Errors
/// When the build fails, a binary is missing, or one fails the glibc check.
pub fn build(builder: Builder, target_dir: &Path) -> anyhow::Result<Bundles> {
    eprintln!("building the Lambda functions: {}", builder.describe());
    let started = Instant::now();
    build::build(builder, target_dir)?;
    let paths: Vec<(&str, PathBuf)> = functions::ALL
        .iter()
        .map(|function| (function.bin, builder.binary(target_dir, function.bin)))
        .collect();
    let bundles = bundle_binaries(&paths)?;
    eprintln!(
        "built and zipped {} Lambda functions in {:.1} s",
        paths.len(),
        started.elapsed().as_secs_f64()
    );
    eprint!("{}", bundles.size_report());
    Ok(bundles)
}

/// The bundles `synth --no-build` reuses: from the previous output `out`, else from the
/// binaries in `target_dir`; a warning names the functions that have neither.
///
/// # Errors
/// When a binary in the target directory fails the glibc check or cannot be read.
pub fn reuse(out: &Path, target_dir: &Path) -> anyhow::Result<Bundles> {
    let mut bundles = previous_output(out);
    let mut from_target = Vec::new();
    let mut missing = Vec::new();
    for function in &functions::ALL {
        if bundles.by_bin.contains_key(function.bin) {
            continue;
        }
        match newest_binary(target_dir, function.bin) {
            Some(path) => from_target.push((function.bin, path)),
            None => missing.push(function.bin),
        }
    }
    bundles.by_bin.extend(bundle_binaries(&from_target)?.by_bin);
    if !missing.is_empty() {
        eprintln!(
            "warning: --no-build found no built bundle of {} (in `{}` or `{}`); their \
             templates use placeholder assets, which cannot be deployed: run synth without \
             --no-build",
            missing.join(", "),
            out.display(),
            target_dir.display()
        );
    }
    Ok(bundles)
}

/// Zips each binary after the glibc check, one thread per binary.
fn bundle_binaries(paths: &[(&str, PathBuf)]) -> anyhow::Result<Bundles> {
    let results: Vec<anyhow::Result<(String, Bundle)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .iter()
            .map(|(bin, path)| scope.spawn(move || bundle_binary(bin, path)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("zipping a Lambda bundle panicked")))
            })
            .collect()
    });
    let by_bin = results.into_iter().collect::<anyhow::Result<_>>()?;
    Ok(Bundles { by_bin })
}

fn bundle_binary(bin: &str, path: &Path) -> anyhow::Result<(String, Bundle)> {
    let executable = fs::read(path)
        .with_context(|| format!("cannot read the `{bin}` executable `{}`", path.display()))?;
    glibc::check(&executable).with_context(|| {
        format!(
            "`{}` ({bin}) cannot run on provided.al2023; install cargo-lambda (see \
             docs/cli.md) or build on a host with glibc 2.34 or older",
            path.display()
        )
    })?;
    let bundle = bundle::zip_bootstrap(&executable)
        .with_context(|| format!("cannot zip the `{bin}` executable"))?;
    Ok((bin.to_owned(), bundle))
}

/// The newer of the two places a build leaves `bin`'s executable.
fn newest_binary(target_dir: &Path, bin: &str) -> Option<PathBuf> {
    [Builder::CargoLambda, Builder::HostCargo]
        .into_iter()
        .map(|builder| builder.binary(target_dir, bin))
        .filter_map(|path| {
            let modified = fs::metadata(&path).ok()?.modified().ok()?;
            Some((modified, path))
        })
        .max()
        .map(|(_, path)| path)
}

/// The file bundles the manifest of `out` lists whose bytes still match their digests; none
/// when there is no readable manifest.
fn previous_output(out: &Path) -> Bundles {
    let Ok(bytes) = fs::read(out.join(manifest::FILE_NAME)) else {
        return Bundles::default();
    };
    let Ok(manifest) = serde_json::from_slice::<Manifest>(&bytes) else {
        return Bundles::default();
    };
    let by_bin = manifest
        .stacks
        .iter()
        .flat_map(|stack| &stack.assets)
        .filter_map(|asset| recorded_bundle(out, asset).ok())
        .collect();
    Bundles { by_bin }
}

/// One `file` asset of a previous manifest, read back and verified.
fn recorded_bundle(out: &Path, asset: &serde_json::Value) -> anyhow::Result<(String, Bundle)> {
    let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    let (Some(id), Some("file"), Some(path), Some(sha256)) = (
        text(&asset["id"]),
        asset["source"]["kind"].as_str(),
        text(&asset["source"]["path"]),
        text(&asset["source"]["sha256"]),
    ) else {
        bail!("not a file asset");
    };
    let relative = Path::new(&path);
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        bail!("asset path `{path}` leaves the output directory");
    }
    let bundle = Bundle::from_zip(fs::read(out.join(relative))?);
    if bundle.sha256 != sha256 {
        bail!("`{path}` no longer matches its recorded sha256");
    }
    Ok((id, bundle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_without_a_bundle_gets_a_placeholder() {
        let bundles = Bundles::default();
        let asset = bundles.asset(&functions::CREATE_EXPENSE);
        assert!(matches!(
            asset.source,
            synth::AssetSource::Placeholder { .. }
        ));
        assert!(bundles.files().is_empty());
    }

    #[test]
    fn identical_executables_share_one_zip_file() {
        let bundle = bundle::zip_bootstrap(b"same").unwrap();
        let other = bundle::zip_bootstrap(b"other").unwrap();
        let by_bin = [("a", &bundle), ("b", &other), ("c", &bundle)]
            .into_iter()
            .map(|(bin, bundle)| (bin.to_owned(), bundle.clone()))
            .collect();
        let names: Vec<String> = Bundles { by_bin }
            .files()
            .into_iter()
            .map(|f| f.name)
            .collect();
        let mut expected = vec![bundle.path(), other.path()];
        expected.sort();
        assert_eq!(names, expected);
    }

    #[test]
    fn the_size_report_names_every_bundle() {
        let bundle = bundle::zip_bootstrap(b"exe").unwrap();
        let by_bin = [("a-fn", &bundle), ("b-fn", &bundle)]
            .into_iter()
            .map(|(bin, bundle)| (bin.to_owned(), bundle.clone()))
            .collect();
        let report = Bundles { by_bin }.size_report();
        let size = bundle.zip.len();
        assert_eq!(
            report,
            format!(
                "  a-fn: 0.00 MiB zipped ({size} bytes)\n  b-fn: 0.00 MiB zipped ({size} bytes)\n"
            )
        );
    }

    #[test]
    fn reuse_with_nothing_built_gives_placeholders() {
        let empty = tempfile::tempdir().unwrap();
        let bundles = reuse(&empty.path().join("out"), &empty.path().join("target")).unwrap();
        assert_eq!(bundles, Bundles::default());
    }

    #[test]
    fn reuse_reads_back_the_bundles_a_manifest_lists_and_checks_them() {
        let out = tempfile::tempdir().unwrap();
        let bundle = bundle::zip_bootstrap(b"exe").unwrap();
        fs::create_dir(out.path().join("assets")).unwrap();
        fs::write(out.path().join(bundle.path()), &bundle.zip).unwrap();
        let asset = serde_json::json!({
            "id": "get-expense",
            "source": {"kind": "file", "path": bundle.path(), "sha256": bundle.sha256},
        });
        let (id, read) = recorded_bundle(out.path(), &asset).unwrap();
        assert_eq!((id.as_str(), &read), ("get-expense", &bundle));

        fs::write(out.path().join(bundle.path()), b"tampered").unwrap();
        let err = recorded_bundle(out.path(), &asset).unwrap_err();
        assert!(err.to_string().contains("no longer matches"), "{err}");

        let escape = serde_json::json!({
            "id": "x", "source": {"kind": "file", "path": "../x.zip", "sha256": "0"},
        });
        assert!(recorded_bundle(out.path(), &escape).is_err());
    }
}
