//! Reading `policy-lint.toml`: finding it, parsing it into a [`Config`],
//! and turning every parse or type error into one message that names the
//! file, line, column and dotted key, so a user can jump to the mistake.
//!
//! Unknown keys are errors (a misspelt `disabled-rule` must not silently
//! switch nothing off), and so are unknown rule IDs.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::Config;

/// The name looked for in the current directory.
pub const FILE_NAME: &str = "policy-lint.toml";

/// A config file that cannot be read or does not fit [`Config`].
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    #[error("cannot read config `{}`: {cause}", .path.display())]
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
        /// The dotted key (`severity.S3001`), when the error sits in a value.
        key: Option<String>,
        message: String,
    },
}

pub(crate) struct Position(pub(crate) Option<(usize, usize)>);

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some((line, column)) => write!(f, ":{line}:{column}"),
            None => Ok(()),
        }
    }
}

pub(crate) struct Key<'a>(pub(crate) Option<&'a str>);

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(key) => write!(f, "key `{key}`: "),
            None => Ok(()),
        }
    }
}

/// The config to use: `explicit` when given (it must exist), else
/// `policy-lint.toml` in `dir` when present, else the defaults. Returns the
/// file it read, if any.
pub fn discover(
    explicit: Option<&Path>,
    dir: &Path,
) -> Result<(Config, Option<PathBuf>), ConfigFileError> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let found = dir.join(FILE_NAME);
            if !found.is_file() {
                return Ok((Config::default(), None));
            }
            found
        }
    };
    let config = load(&path)?;
    Ok((config, Some(path)))
}

/// Reads and parses the config file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigFileError> {
    let text = std::fs::read_to_string(path).map_err(|cause| ConfigFileError::Unreadable {
        path: path.to_path_buf(),
        cause,
    })?;
    parse(path, &text)
}

/// Parses config text already read from `path` (named in errors).
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigFileError> {
    let invalid = |err: &toml::de::Error, key: Option<String>| ConfigFileError::Invalid {
        file: path.to_path_buf(),
        position: err.span().map(|span| line_column(text, span.start)),
        key,
        message: tidy(err.message()),
    };
    let document = toml::Deserializer::parse(text).map_err(|err| invalid(&err, None))?;
    serde_path_to_error::deserialize(document).map_err(|err| {
        let rendered = err.path().to_string();
        // `.` is serde_path_to_error's name for the root, which is no key.
        let key = (rendered != ".").then_some(rendered);
        invalid(err.inner(), key)
    })
}

/// The JSON Schema of the config file, pretty-printed.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Config);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Parser messages may span lines or end in a period; ours are one line
/// without.
pub(crate) fn tidy(message: &str) -> String {
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.trim_end_matches('.').to_owned()
}

/// 1-based line and column (in characters) of a byte offset into `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}
