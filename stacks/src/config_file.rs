//! Loads a config file, TOML or JSON by extension, into a typed value.
//!
//! Every parse and type error becomes one [`ConfigError`] naming the file, the line and column,
//! the dotted key and what was expected, so a user can jump straight to the mistake. Semantic
//! checks (a throttle rate that is too low, say) are not done here: they belong to the stack that
//! reads the config.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::de::DeserializeOwned;

/// Reads and deserializes the config file at `path`.
///
/// A missing or unreadable file is an IO error with the path as context; anything wrong inside
/// the file is a [`ConfigError`].
pub fn load<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let format = Format::of(path)?;
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read config `{}`", path.display()))?;
    Ok(parse(path, &text, format)?)
}

/// The file formats a config may be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

impl Format {
    /// Picks the format from the file extension; anything else is refused rather than guessed.
    pub fn of(path: &Path) -> anyhow::Result<Self> {
        match path.extension().and_then(|ext| ext.to_str()) {
            Some("toml") => Ok(Self::Toml),
            Some("json") => Ok(Self::Json),
            _ => anyhow::bail!(
                "unsupported config file `{}`: expected a `.toml` or `.json` file",
                path.display()
            ),
        }
    }
}

/// Deserializes `text`, already read from `path`, as `format`.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    format: Format,
) -> Result<T, ConfigError> {
    let located = match format {
        Format::Toml => parse_toml(text),
        Format::Json => parse_json(text),
    };
    located.map_err(|problem| ConfigError::new(path, text, problem))
}

/// A config file that does not parse or does not fit the config types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based line and column of the offending text, when the parser knows it.
    pub position: Option<(usize, usize)>,
    /// The dotted key path (`api.throttle.rate_limit`, `alarms.emails[0]`), when inside a value.
    pub key: Option<String>,
    /// What the parser found and what it expected.
    pub message: String,
}

impl ConfigError {
    fn new(path: &Path, text: &str, problem: Problem) -> Self {
        let position = match problem.at {
            At::Offset(offset) => Some(line_column(text, offset)),
            At::LineColumn(line, column) => Some((line, column)),
            At::Unknown => None,
        };
        Self {
            file: path.to_path_buf(),
            position,
            key: problem.key,
            message: problem.message,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// A value that parsed but that the app refuses (a rate of zero, a missing required tag),
    /// located at `key` in the file when the format keeps positions (TOML does, JSON does not).
    /// Should `key` be absent from the file, the nearest enclosing table is pointed at instead.
    pub fn invalid_value(
        path: &Path,
        text: &str,
        format: Format,
        key: &str,
        expected: &str,
    ) -> Self {
        let position = match format {
            Format::Toml => locate_toml_key(text, key).map(|offset| line_column(text, offset)),
            Format::Json => None,
        };
        Self {
            file: path.to_path_buf(),
            position,
            key: Some(key.to_owned()),
            message: format!("invalid value: expected {}", tidy_message(expected)),
        }
    }
}

/// Byte offset of the deepest part of a dotted key (`api.cors_origins[1]`) present in `text`.
fn locate_toml_key(text: &str, key: &str) -> Option<usize> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut offset = None;
    for segment in key.split('.') {
        let (name, indices) = split_indices(segment);
        let Some((_, mut node)) = table.iter().find(|(k, _)| k.get_ref() == name) else {
            return offset;
        };
        offset = Some(node.span().start);
        for index in indices {
            let Some(child) = node.get_ref().get(index) else {
                return offset;
            };
            node = child;
            offset = Some(node.span().start);
        }
        let Some(inner) = node.get_ref().as_table() else {
            return offset;
        };
        table = inner;
    }
    offset
}

/// `emails[0][2]` into `emails` and `[0, 2]`; unparsable indices are dropped.
fn split_indices(segment: &str) -> (&str, Vec<usize>) {
    let Some((name, rest)) = segment.split_once('[') else {
        return (segment, Vec::new());
    };
    let indices = rest
        .split('[')
        .filter_map(|index| index.trim_end_matches(']').parse().ok())
        .collect();
    (name, indices)
}

/// A problem found by a parser, before it is tied to the file it came from.
struct Problem {
    at: At,
    key: Option<String>,
    message: String,
}

enum At {
    Offset(usize),
    LineColumn(usize, usize),
    Unknown,
}

fn parse_toml<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    let document = toml::Deserializer::parse(text).map_err(|err| toml_problem(&err, None))?;
    serde_path_to_error::deserialize(document).map_err(|err| {
        let key = key_path(err.path());
        toml_problem(err.inner(), key)
    })
}

fn toml_problem(err: &toml::de::Error, key: Option<String>) -> Problem {
    let at = err
        .span()
        .map_or(At::Unknown, |span| At::Offset(span.start));
    Problem {
        at,
        key,
        message: tidy_message(err.message()),
    }
}

fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    let mut document = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut document).map_err(|err| {
        let key = key_path(err.path());
        json_problem(err.inner(), key)
    })?;
    document.end().map_err(|err| json_problem(&err, None))?;
    Ok(value)
}

fn json_problem(err: &serde_json::Error, key: Option<String>) -> Problem {
    // serde_json appends " at line L column C" to its message; the position goes in front
    // of the message instead, like every other position we print.
    let full = err.to_string();
    let message = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(head, _)| head);
    let at = match err.line() {
        0 => At::Unknown,
        line => At::LineColumn(line, err.column().max(1)),
    };
    Problem {
        at,
        key,
        message: tidy_message(message),
    }
}

/// `.` is serde_path_to_error's name for the document root, which is no key at all.
fn key_path(path: &serde_path_to_error::Path) -> Option<String> {
    let rendered = path.to_string();
    (rendered != ".").then_some(rendered)
}

/// Parser messages may run over several lines or end in a period; ours are one line without.
fn tidy_message(message: &str) -> String {
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.trim_end_matches('.').to_owned()
}

/// 1-based line and column (in characters) of a byte offset into `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Config {
        name: String,
        api: Api,
        #[serde(default)]
        emails: Vec<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Api {
        rate_limit: u32,
    }

    fn toml_err(text: &str) -> ConfigError {
        parse::<Config>(Path::new("dev.toml"), text, Format::Toml).unwrap_err()
    }

    fn json_err(text: &str) -> ConfigError {
        parse::<Config>(Path::new("dev.json"), text, Format::Json).unwrap_err()
    }

    #[test]
    fn reads_a_valid_toml_file() {
        let text = "name = \"x\"\nemails = [\"a@example.com\"]\n[api]\nrate_limit = 5\n";
        let config: Config = parse(Path::new("dev.toml"), text, Format::Toml).unwrap();
        assert_eq!(config.api.rate_limit, 5);
        assert_eq!(config.emails, ["a@example.com"]);
    }

    #[test]
    fn toml_wrong_type_names_key_position_and_expectation() {
        let err = toml_err("name = \"x\"\n[api]\nrate_limit = \"fast\"\n");
        assert_eq!(err.key.as_deref(), Some("api.rate_limit"));
        assert_eq!(err.position, Some((3, 14)));
        assert!(err.message.contains("expected u32"), "{}", err.message);
        assert_eq!(
            err.to_string(),
            format!("dev.toml:3:14: key `api.rate_limit`: {}", err.message)
        );
    }

    #[test]
    fn toml_unknown_key_points_at_the_key() {
        let err = toml_err("name = \"x\"\n[api]\nrate_limit = 1\nburst = 2\n");
        assert_eq!(err.position, Some((4, 1)));
        assert_eq!(err.key.as_deref(), Some("api.burst"));
        assert!(
            err.message.contains("unknown field `burst`"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("expected `rate_limit`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn toml_missing_key_names_the_table() {
        let err = toml_err("name = \"x\"\n[api]\n");
        assert_eq!(err.key.as_deref(), Some("api"));
        assert!(
            err.message.contains("missing field `rate_limit`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn toml_array_element_key_has_an_index() {
        let err = toml_err("name = \"x\"\nemails = [\"a\", 3]\n[api]\nrate_limit = 1\n");
        assert_eq!(err.key.as_deref(), Some("emails[1]"));
        assert_eq!(err.position, Some((2, 16)));
    }

    #[test]
    fn toml_syntax_error_has_position_and_no_key() {
        let err = toml_err("name = \"x\n");
        assert_eq!(err.key, None);
        assert_eq!(err.position.map(|(line, _)| line), Some(1));
        assert!(!err.message.contains('\n'));
    }

    #[test]
    fn json_wrong_type_names_key_and_position() {
        let err = json_err("{\"name\": \"x\",\n \"api\": {\"rate_limit\": true}}");
        assert_eq!(err.key.as_deref(), Some("api.rate_limit"));
        assert_eq!(err.position.map(|(line, _)| line), Some(2));
        assert!(
            err.message
                .starts_with("invalid type: boolean `true`, expected u32")
        );
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn json_trailing_garbage_is_an_error() {
        let err = json_err("{\"name\": \"x\", \"api\": {\"rate_limit\": 1}} x");
        assert_eq!(err.key, None);
        assert!(
            err.message.contains("trailing characters"),
            "{}",
            err.message
        );
    }

    #[test]
    fn unknown_extension_is_refused() {
        let err = Format::of(Path::new("dev.yaml")).unwrap_err();
        assert!(err.to_string().contains("`dev.yaml`"));
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = load::<Config>(Path::new("does/not/exist.toml")).unwrap_err();
        assert!(format!("{err:#}").starts_with("cannot read config `does/not/exist.toml`"));
    }

    #[test]
    fn invalid_value_points_at_the_key() {
        let text = "name = \"x\"\n[api]\nrate_limit = 0\n";
        let err = ConfigError::invalid_value(
            Path::new("dev.toml"),
            text,
            Format::Toml,
            "api.rate_limit",
            "a rate above 0.",
        );
        assert_eq!(
            err.to_string(),
            "dev.toml:3:14: key `api.rate_limit`: invalid value: expected a rate above 0"
        );
    }

    #[test]
    fn invalid_value_of_a_missing_key_points_at_its_table() {
        let text = "[tags]\nproject = \"p\"\n";
        assert_eq!(
            locate_toml_key(text, "tags.owner").map(|o| line_column(text, o)),
            Some((1, 1))
        );
        assert_eq!(locate_toml_key(text, "nothing.here"), None);
    }

    #[test]
    fn invalid_value_follows_array_indices() {
        let text = "origins = [\n  \"https://a\",\n  \"*\",\n]\n";
        let offset = locate_toml_key(text, "origins[1]").unwrap();
        assert_eq!(line_column(text, offset), (3, 3));
    }

    #[test]
    fn invalid_value_in_json_has_no_position() {
        let err = ConfigError::invalid_value(Path::new("c.json"), "{}", Format::Json, "a", "b");
        assert_eq!(
            err.to_string(),
            "c.json: key `a`: invalid value: expected b"
        );
    }

    #[test]
    fn line_column_counts_characters_not_bytes() {
        assert_eq!(line_column("ab\nçd", 5), (2, 2));
        assert_eq!(line_column("", 0), (1, 1));
    }
}
