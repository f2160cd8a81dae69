//! Reviewed waiver files (`policy-lint.waivers.toml`): waivers kept apart
//! from the templates, where a security reviewer approves them in one place.
//!
//! ```toml
//! [[waiver]]
//! rule = "IAM004"                            # a policy-lint rule ID
//! resource = "AppRole"                       # logical ID or Terraform address
//! template = "stacks/app.template.json"      # optional, relative to this file
//! detail = "Action::s3:*"                    # optional: one part of the finding
//! reason = "the export job reads every key"  # required
//! approver = "security@example.com"          # optional
//! ticket = "SEC-123"                         # optional
//! expires = 2026-12-31                       # optional: applies through that day
//! ```
//!
//! Every mistake is an error naming the file, line, column and key: an
//! unknown key or rule, an empty reason, a date that does not exist.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};

use super::Date;
use crate::config::RuleId;
use crate::config_file::{Key, Position, line_column, tidy};

/// The name of the waiver file in documentation and examples.
pub const FILE_NAME: &str = "policy-lint.waivers.toml";

/// A waiver file that cannot be read or does not fit the format.
#[derive(Debug, thiserror::Error)]
pub enum WaiverFileError {
    #[error("cannot read waiver file `{}`: {cause}", .path.display())]
    Unreadable {
        path: PathBuf,
        /// In the message, not a `source`: a chain printout names it once.
        cause: std::io::Error,
    },
    #[error("{}{}: {}{message}", .file.display(), Position(*.position), Key(.key.as_deref()))]
    Invalid {
        file: PathBuf,
        /// 1-based line and column, when the parser knows them.
        position: Option<(usize, usize)>,
        /// The dotted key (`waiver[2].reason`), when the error sits in a value.
        key: Option<String>,
        message: String,
    },
}

/// The whole file.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "policy-lint.waivers.toml")]
struct Document {
    /// The waivers, one `[[waiver]]` table each.
    #[serde(default)]
    #[schemars(with = "Vec<Entry>")]
    waiver: Vec<toml::Spanned<Entry>>,
}

/// One waiver as written.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// The rule waived, by its policy-lint ID.
    rule: RuleId,
    /// The CloudFormation logical ID or Terraform address of the resource.
    resource: Text,
    /// The template (or Terraform file) the resource is in, relative to the
    /// waiver file; without it the waiver applies in every template.
    #[serde(default)]
    template: Option<Text>,
    /// One part of a multi-part finding, as findings name it in `detail`
    /// (`Action::s3:*`, `Principal::*`, `BlockPublicAcls`); a trailing `*`
    /// matches any ending. Without it the waiver covers every finding of
    /// the rule on the resource.
    #[serde(default)]
    detail: Option<Text>,
    /// Why the finding is accepted.
    reason: Text,
    /// Who accepted it.
    #[serde(default)]
    approver: Option<Text>,
    /// The ticket that tracks it.
    #[serde(default)]
    ticket: Option<Text>,
    /// The last day the waiver applies; from the next day the finding fails
    /// again and the output says the waiver expired.
    #[serde(default)]
    expires: Option<Date>,
}

/// A string with something in it besides whitespace, stored trimmed.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(serde::de::Error::custom("must not be empty"));
        }
        Ok(Self(trimmed.to_owned()))
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": "\\S"})
    }
}

/// A waiver read from a waiver file, with where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileWaiver {
    pub rule: String,
    pub resource: String,
    /// The template it is limited to, joined to the waiver file's directory.
    pub template: Option<PathBuf>,
    pub detail: Option<String>,
    pub reason: String,
    pub approver: Option<String>,
    pub ticket: Option<String>,
    pub expires: Option<Date>,
    /// The waiver file.
    pub source: PathBuf,
    /// Where the entry's `[[waiver]]` header is.
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for FileWaiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on `{}`", self.rule, self.resource)?;
        if let Some(detail) = &self.detail {
            write!(f, " for `{detail}`")?;
        }
        Ok(())
    }
}

/// Reads and parses the waiver file at `path`.
pub fn load(path: &Path) -> Result<Vec<FileWaiver>, WaiverFileError> {
    let text = std::fs::read_to_string(path).map_err(|cause| WaiverFileError::Unreadable {
        path: path.to_path_buf(),
        cause,
    })?;
    parse(path, &text)
}

/// Parses waiver-file text already read from `path` (named in errors and
/// in every waiver, and the directory `template` paths are relative to).
pub fn parse(path: &Path, text: &str) -> Result<Vec<FileWaiver>, WaiverFileError> {
    let invalid = |err: &toml::de::Error, key: Option<String>| WaiverFileError::Invalid {
        file: path.to_path_buf(),
        position: err.span().map(|span| line_column(text, span.start)),
        key,
        message: tidy(err.message()),
    };
    let document = toml::Deserializer::parse(text).map_err(|err| invalid(&err, None))?;
    let document: Document = serde_path_to_error::deserialize(document).map_err(|err| {
        // `Spanned` wraps each entry in a private field the user never wrote.
        let rendered = err
            .path()
            .to_string()
            .replace(".$__serde_spanned_private_value", "");
        let key = (rendered != ".").then_some(rendered);
        invalid(err.inner(), key)
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    Ok(document
        .waiver
        .into_iter()
        .map(|spanned| resolve(path, dir, text, spanned))
        .collect())
}

fn resolve(path: &Path, dir: &Path, text: &str, spanned: toml::Spanned<Entry>) -> FileWaiver {
    let (line, column) = header_position(text, spanned.span().start);
    let entry = spanned.into_inner();
    FileWaiver {
        rule: entry.rule.as_str().to_owned(),
        resource: entry.resource.0,
        template: entry.template.map(|t| dir.join(t.0)),
        detail: entry.detail.map(|t| t.0),
        reason: entry.reason.0,
        approver: entry.approver.map(|t| t.0),
        ticket: entry.ticket.map(|t| t.0),
        expires: entry.expires,
        source: path.to_path_buf(),
        line,
        column,
    }
}

/// The position of the `[[waiver]]` header an entry's table follows (its
/// span starts at its first key, or at the inline table's brace).
fn header_position(text: &str, start: usize) -> (u32, u32) {
    let before = text.get(..start).unwrap_or(text);
    let at = before.rfind("[[").filter(|at| {
        // Only a header since the previous entry's keys: no `=` between.
        !before[*at..].contains('=')
    });
    let (line, column) = line_column(text, at.unwrap_or(start));
    let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    (narrow(line), narrow(column))
}

/// The JSON Schema of the waiver file, pretty-printed.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Document);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
