//! The site's built files (the React app's output folder): refused when they would leak
//! something, else fingerprinted into the manifest so `deploy` can sync the site bucket.
//!
//! The check runs before anything is written. It refuses an empty folder (a sync would empty
//! the bucket), source maps (`*.map` in any case, or inlined as a `sourceMappingURL=data:`
//! URL: they publish the original source), `.env*` files (build-time settings, often
//! secrets) and any file
//! holding a credential by shape, found by the detector of control SEC-1
//! ([`policy_lint::secrets::credentials_in_text`]). A hit stops the synth naming the file
//! (and line for a credential) unless the config waives that file with a reason.
//!
//! Each file then gets its relative path (`/`-separated), sha256, size, a `Content-Type` from
//! its extension and a `Cache-Control`: long-lived and immutable for content-hashed names
//! (`index-BdQq_4o5.js`, `main.3f2a1b9c.css`), `no-cache` for HTML (so `index.html` always
//! names the latest bundles), five minutes for any other unhashed file. Files are listed in
//! byte order of their paths, so the same folder gives the same manifest.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// `Cache-Control` of a content-hashed file: a new build gives it a new name.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` of HTML: revalidated on every load.
pub const NO_CACHE: &str = "no-cache";

/// `Cache-Control` of other unhashed files (`favicon.ico`, `robots.txt`).
pub const SHORT: &str = "public, max-age=300";

/// Why the build folder cannot be published.
#[derive(Debug, Error)]
pub enum SiteFilesError {
    /// The folder or one of its files cannot be read.
    #[error("cannot read site build folder `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A symbolic link: following it could publish files from outside the folder.
    #[error("site build folder holds a symbolic link `{path}`; copy the file in instead")]
    Symlink { path: PathBuf },
    /// A file name that is not UTF-8 cannot become an S3 key reliably.
    #[error("site build folder holds a file name that is not UTF-8: `{path}`")]
    NotUtf8 { path: PathBuf },
    /// Nothing to publish: syncing an empty folder would delete every object of the site.
    #[error(
        "site build folder `{path}` holds no files; syncing it would empty the site bucket (build the site first)"
    )]
    Empty { path: PathBuf },
    /// Files that must not be published, none of them waived.
    #[error("{}", refused_message(.0))]
    Refused(Vec<Refusal>),
}

/// A file the check refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Relative path in the build folder.
    pub path: String,
    /// Line of the credential, for a credential.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

fn refused_message(refusals: &[Refusal]) -> String {
    let lines: Vec<String> = refusals
        .iter()
        .map(|r| match r.line {
            Some(line) => format!("  {}:{line}: {}", r.path, r.reason),
            None => format!("  {}: {}", r.path, r.reason),
        })
        .collect();
    format!(
        "the site build folder holds {} file(s) that must not be published \
         (waive one with `[[site.waivers]]` file + reason):\n{}",
        refusals.len(),
        lines.join("\n")
    )
}

/// A config waiver: publish this file although the check refuses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteWaiver {
    /// The file's path relative to the build folder, `/`-separated.
    pub file: String,
    /// Why publishing it is acceptable (at least 10 characters).
    pub reason: String,
}

/// The `site` part of a stack's manifest `release` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SiteFiles {
    /// The build folder as the config names it.
    pub build_dir: String,
    /// The stack output naming the bucket to upload to.
    pub bucket_output: String,
    /// The stack output naming the CloudFront distribution to invalidate.
    pub distribution_output: String,
    /// Every file, in byte order of its path.
    pub files: Vec<SiteFile>,
    /// Files published although the check refused them, with the config's reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waived: Vec<WaivedFile>,
}

/// One file of the build folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SiteFile {
    /// Relative path, `/`-separated: the object key.
    pub path: String,
    /// Lower-case hex sha256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// `Content-Type` to upload with.
    pub content_type: String,
    /// `Cache-Control` to upload with.
    pub cache_control: String,
}

/// A refused file published under a waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WaivedFile {
    pub path: String,
    pub finding: String,
    pub reason: String,
}

/// Checks and fingerprints the build folder `dir` (named `shown` in the manifest).
///
/// # Errors
/// [`SiteFilesError::Refused`] listing every unwaived refusal, or a read error.
pub fn fingerprint(
    dir: &Path,
    shown: &str,
    waivers: &[SiteWaiver],
) -> Result<SiteFiles, SiteFilesError> {
    let mut paths = Vec::new();
    walk(dir, dir, &mut paths)?;
    if paths.is_empty() {
        return Err(SiteFilesError::Empty {
            path: dir.to_path_buf(),
        });
    }
    paths.sort();
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let mut waived = Vec::new();
    for relative in paths {
        let full = dir.join(&relative);
        let bytes = fs::read(&full).map_err(|source| SiteFilesError::Read {
            path: full.clone(),
            source,
        })?;
        for refusal in refusals(&relative, &bytes) {
            match waivers.iter().find(|w| w.file == relative) {
                Some(waiver) => waived.push(WaivedFile {
                    path: relative.clone(),
                    finding: refusal.reason,
                    reason: waiver.reason.clone(),
                }),
                None => refused.push(refusal),
            }
        }
        files.push(describe(relative, &bytes));
    }
    if !refused.is_empty() {
        return Err(SiteFilesError::Refused(refused));
    }
    Ok(SiteFiles {
        build_dir: shown.to_owned(),
        bucket_output: "SiteBucketName".to_owned(),
        distribution_output: "SiteDistributionId".to_owned(),
        files,
        waived,
    })
}

/// Collects the relative paths of the regular files below `dir`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), SiteFilesError> {
    let read = |path: &Path, source| SiteFilesError::Read {
        path: path.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(dir).map_err(|e| read(dir, e))? {
        let path = entry.map_err(|e| read(dir, e))?.path();
        let kind = fs::symlink_metadata(&path).map_err(|e| read(&path, e))?;
        if kind.file_type().is_symlink() {
            return Err(SiteFilesError::Symlink { path });
        }
        if kind.is_dir() {
            walk(root, &path, out)?;
            continue;
        }
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let parts: Option<Vec<&str>> = relative.iter().map(|p| p.to_str()).collect();
        match parts {
            Some(parts) => out.push(parts.join("/")),
            None => return Err(SiteFilesError::NotUtf8 { path }),
        }
    }
    Ok(())
}

fn refusals(path: &str, bytes: &[u8]) -> Vec<Refusal> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let refusal = |line, reason: String| Refusal {
        path: path.to_owned(),
        line,
        reason,
    };
    // File systems and servers differ on case: `.ENV` and `app.js.MAP` are the same files.
    let name = name.to_ascii_lowercase();
    let mut found = Vec::new();
    if name.ends_with(".map") {
        found.push(refusal(
            None,
            "a source map publishes the original source".into(),
        ));
    }
    if name.starts_with(".env") {
        found.push(refusal(
            None,
            "an `.env` file holds build settings, often secrets".into(),
        ));
    }
    let text = String::from_utf8_lossy(bytes);
    // A map inlined as a data URL publishes the source just as a `.map` file does.
    for (index, line) in text.lines().enumerate() {
        if line.contains("sourceMappingURL=data:") {
            found.push(refusal(
                Some(index + 1),
                "an inline source map (`sourceMappingURL=data:`) publishes the original source"
                    .into(),
            ));
        }
    }
    for hit in policy_lint::secrets::credentials_in_text(&text) {
        found.push(refusal(
            Some(hit.line),
            format!(
                "holds {} (column {}; control SEC-1)",
                hit.reason, hit.column
            ),
        ));
    }
    found
}

fn describe(path: String, bytes: &[u8]) -> SiteFile {
    let content_type = mime_guess::from_path(&path)
        .first_raw()
        .unwrap_or("application/octet-stream");
    let content_type = if content_type.starts_with("text/") && !content_type.contains("charset") {
        format!("{content_type}; charset=utf-8")
    } else {
        content_type.to_owned()
    };
    SiteFile {
        sha256: crate::manifest::sha256_hex(bytes),
        size: bytes.len() as u64,
        cache_control: cache_control(&path).to_owned(),
        content_type,
        path,
    }
}

/// The `Cache-Control` of a file, from its name.
pub fn cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.ends_with(".html") || name.ends_with(".htm") {
        NO_CACHE
    } else if is_content_hashed(name) {
        IMMUTABLE
    } else {
        SHORT
    }
}

/// True when a part of the name after the first, split at `.` and `-`, looks like a
/// bundler's content hash: 8 or more letters, digits or `_`, at least one a digit.
pub fn is_content_hashed(name: &str) -> bool {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    stem.split(['.', '-']).skip(1).any(|part| {
        part.len() >= 8
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && part.chars().any(|c| c.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        for hashed in [
            "index-BdQq_4o5.js",
            "main.3f2a1b9c.css",
            "logo.a1b2c3d4e5.svg",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
            assert_eq!(cache_control(&format!("assets/{hashed}")), IMMUTABLE);
        }
        for plain in [
            "favicon.ico",
            "logo192.png",
            "robots.txt",
            "my-component.js",
        ] {
            assert!(!is_content_hashed(plain), "{plain}");
            assert_eq!(cache_control(plain), SHORT);
        }
        assert_eq!(cache_control("index.html"), NO_CACHE);
        assert_eq!(cache_control("docs/page-3f2a1b9c.html"), NO_CACHE);
    }

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/site")
            .join(name)
    }

    #[test]
    fn a_clean_build_is_listed_deterministically() {
        let files = fingerprint(&fixture("clean"), "site/clean", &[]).unwrap();
        assert_eq!(
            files,
            fingerprint(&fixture("clean"), "site/clean", &[]).unwrap()
        );
        insta::assert_json_snapshot!("clean_site_files", files);
    }

    #[test]
    fn a_planted_key_and_a_source_map_are_refused_with_file_and_line() {
        let err = fingerprint(&fixture("leaky"), "site/leaky", &[]).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("assets/index-BdQq_4o5.js:2: holds an AWS access key ID"),
            "{message}"
        );
        assert!(
            message.contains("assets/index-BdQq_4o5.js.map: a source map"),
            "{message}"
        );
        let SiteFilesError::Refused(refusals) = err else {
            panic!("not a refusal: {message}");
        };
        assert_eq!(refusals.len(), 2);
    }

    #[test]
    fn waived_files_pass_and_the_waiver_is_recorded() {
        let waiver = |file: &str| SiteWaiver {
            file: file.to_owned(),
            reason: "the key is AWS's documented example, not a credential".to_owned(),
        };
        let waivers = [
            waiver("assets/index-BdQq_4o5.js"),
            waiver("assets/index-BdQq_4o5.js.map"),
        ];
        let files = fingerprint(&fixture("leaky"), "site/leaky", &waivers).unwrap();
        assert_eq!(files.files.len(), 3);
        assert_eq!(files.waived.len(), 2);
        assert!(files.waived[0].finding.contains("AWS access key ID"));
        let only_one = fingerprint(&fixture("leaky"), "site/leaky", &waivers[..1]).unwrap_err();
        assert!(only_one.to_string().contains(".js.map"), "{only_one}");
    }

    #[test]
    fn env_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".env.production"), "VITE_API=https://x\n").unwrap();
        let err = fingerprint(dir.path(), "d", &[]).unwrap_err().to_string();
        assert!(err.contains(".env.production: an `.env` file"), "{err}");
    }

    #[test]
    fn refusals_ignore_case_and_catch_inline_maps() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".ENV"), "X=1\n").unwrap();
        fs::write(dir.path().join("app.js.MAP"), "{}").unwrap();
        let inline = "let a=1;\n//# sourceMappingURL=data:application/json;base64,e30=\n";
        fs::write(dir.path().join("app.js"), inline).unwrap();
        let err = fingerprint(dir.path(), "d", &[]).unwrap_err().to_string();
        assert!(err.contains(".ENV: an `.env` file"), "{err}");
        assert!(err.contains("app.js.MAP: a source map"), "{err}");
        assert!(err.contains("app.js:2: an inline source map"), "{err}");
    }

    #[test]
    fn an_empty_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("assets")).unwrap();
        let err = fingerprint(dir.path(), "d", &[]).unwrap_err();
        assert!(matches!(err, SiteFilesError::Empty { .. }), "{err}");
    }
}
