//! The facts of a report's header that do not come from the findings: the
//! stacks, the generation time, the git commit, the rule-set version and the
//! digests of the inputs.
//!
//! The time honours `SOURCE_DATE_EPOCH` (reproducible-builds.org), so a
//! report built twice from the same input is the same bytes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::ReportError;
use super::model::{InputFile, Ruleset};
use crate::rules::REGISTRY;

/// What the caller knows about a report besides the findings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportMeta {
    /// The stacks the templates belong to (one per template, usually).
    pub stacks: Vec<String>,
    /// The commit of the repository the inputs sit in, if any.
    pub git_commit: Option<String>,
    /// Seconds since the Unix epoch.
    pub generated_at: u64,
}

impl ReportMeta {
    /// The header for reports on inputs under `near`: the time from
    /// `SOURCE_DATE_EPOCH` (or the clock), and the commit of the git
    /// repository holding `near`, when `git` is installed and there is one.
    pub fn detect(stacks: Vec<String>, near: &Path) -> Result<Self, ReportError> {
        Ok(Self {
            stacks,
            git_commit: git_commit(near),
            generated_at: generation_time()?,
        })
    }
}

impl InputFile {
    /// Records an input from the exact bytes that were checked.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: &[u8]) -> Self {
        Self {
            path: path.into(),
            sha256: sha256_hex(bytes),
        }
    }
}

/// The generation time: `SOURCE_DATE_EPOCH` when set, else the clock.
/// A set but malformed value is an error, as the specification asks, so a
/// reproducible build cannot silently stop being reproducible.
pub fn generation_time() -> Result<u64, ReportError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse()
            .map_err(|_| ReportError::SourceDateEpoch { value }),
        Err(std::env::VarError::NotPresent) => Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())),
        Err(std::env::VarError::NotUnicode(raw)) => Err(ReportError::SourceDateEpoch {
            value: raw.to_string_lossy().into_owned(),
        }),
    }
}

/// Seconds since the epoch as RFC 3339 UTC (`2026-01-31T12:00:00Z`).
pub fn rfc3339(seconds: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(seconds)).to_string()
}

/// `git rev-parse HEAD` in the nearest existing directory holding `near`
/// (which need not exist yet); `None` when git is missing, `near` is outside
/// a repository, or the repository has no commit.
pub fn git_commit(near: &Path) -> Option<String> {
    let dir = near
        .ancestors()
        .find(|p| p.is_dir())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let commit = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    let is_hash = !commit.is_empty() && commit.chars().all(|c| c.is_ascii_hexdigit());
    (output.status.success() && is_hash).then_some(commit)
}

/// The version of the rule set: a digest of every rule's metadata, so two
/// reports name the same version only when the same rules, with the same
/// controls, severities and wording, judged them.
pub fn ruleset() -> Ruleset {
    let mut hasher = Sha256::new();
    for rule in REGISTRY {
        let m = &rule.meta;
        let fields = [
            m.id,
            m.name,
            m.title,
            m.control,
            m.severity.as_str(),
            &m.cdk_nag.join(","),
            &m.checkov.join(","),
            &m.security_hub.join(","),
            m.rationale,
            m.remediation,
            m.limitations,
        ];
        for field in fields {
            hasher.update(field.as_bytes());
            hasher.update([0]);
        }
        hasher.update([b'\n']);
    }
    let digest = hex(&hasher.finalize());
    Ruleset {
        version: format!("sha256:{}", &digest[..16]),
        rules: REGISTRY.len(),
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
