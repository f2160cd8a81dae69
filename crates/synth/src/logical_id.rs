//! Construct paths and the logical ids derived from them.
//!
//! A construct path names a node of the tree below a stack, e.g. `Api/expenses/GET`. A
//! resource's CloudFormation logical id is a pure function of that path:
//!
//! 1. **Readable prefix**: the path's segments, each stripped to ASCII letters and digits, joined
//!    without separators. The segments `Resource` and `Default` are left out of the prefix (a
//!    construct calls its main resource `Resource`), and a segment equal to the one before it is
//!    dropped, so `Table/Resource` reads `Table`. A prefix that would be empty or start with a
//!    digit is prefixed with `R`. The prefix is cut to 247 characters.
//! 2. **Hash**: the first 8 hexadecimal digits (upper case) of the SHA-256 of the whole path
//!    below the stack, segments joined by `/` and including the segments left out of the
//!    prefix.
//!
//! The id is prefix + hash: alphanumeric, at most 255 characters, readable, and unique in
//! practice because two paths that strip to the same prefix still hash differently.
//!
//! **Stability.** The id depends on the resource's own path and nothing else: adding, removing
//! or reordering other constructs never renames a resource, so CloudFormation never replaces it
//! for an unrelated change. The stack name is not part of the hash, so the same construct gets
//! the same id in the `dev` and `prod` stacks. Renaming or moving a construct does change its id;
//! [`crate::Stack::override_logical_id`] pins an id when that must not happen. A collision
//! (possible only through overrides or a 32-bit hash clash) is a synth error, never a silent
//! overwrite.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::error::{Result, SynthError};

/// The longest logical id CloudFormation accepts.
pub const MAX_LOGICAL_ID_LEN: usize = 255;

/// Hex digits of the path hash appended to every derived id.
const HASH_LEN: usize = 8;

/// The longest construct id (one path segment) we accept.
const MAX_SEGMENT_LEN: usize = 128;

/// Path segments that name a construct's main resource and are left out of the prefix.
const HIDDEN_SEGMENTS: [&str; 2] = ["Resource", "Default"];

/// The path of a construct below its stack, e.g. `Api/expenses/GET`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ConstructPath {
    segments: Vec<String>,
}

impl ConstructPath {
    /// The empty path: the stack itself.
    pub fn root() -> Self {
        Self::default()
    }

    /// The path of a child construct named `id`.
    ///
    /// # Errors
    /// [`SynthError::InvalidId`] when `id` is empty, longer than 128 characters, or contains
    /// `/` or a control character.
    pub fn child(&self, id: &str) -> Result<Self> {
        validate_segment(self, id)?;
        let mut segments = self.segments.clone();
        segments.push(id.to_owned());
        Ok(Self { segments })
    }

    /// The segments of the path, outermost first.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The last segment (the construct's own id), or `""` for the root.
    pub fn id(&self) -> &str {
        self.segments.last().map_or("", String::as_str)
    }

    /// The logical id this path derives, per the scheme in the module docs.
    pub fn logical_id(&self) -> LogicalId {
        let mut id = readable_prefix(&self.segments);
        id.push_str(&path_hash(&self.to_string()));
        LogicalId(id)
    }
}

impl fmt::Display for ConstructPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments.join("/"))
    }
}

fn validate_segment(parent: &ConstructPath, id: &str) -> Result<()> {
    let reason = if id.is_empty() {
        Some("must not be empty")
    } else if id.contains('/') {
        Some("must not contain `/`")
    } else if id.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else if id.len() > MAX_SEGMENT_LEN {
        Some("must be at most 128 bytes")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(SynthError::InvalidId {
            parent: parent.to_string(),
            id: id.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

fn readable_prefix(segments: &[String]) -> String {
    let mut prefix = String::new();
    let mut previous: Option<&str> = None;
    for segment in segments {
        let hidden = HIDDEN_SEGMENTS.contains(&segment.as_str());
        if !hidden && previous != Some(segment.as_str()) {
            prefix.extend(segment.chars().filter(char::is_ascii_alphanumeric));
        }
        previous = Some(segment);
    }
    if prefix.is_empty() || prefix.starts_with(|c: char| c.is_ascii_digit()) {
        prefix.insert(0, 'R');
    }
    prefix.truncate(MAX_LOGICAL_ID_LEN - HASH_LEN);
    prefix
}

fn path_hash(path: &str) -> String {
    let digest = Sha256::digest(path.as_bytes());
    digest[..HASH_LEN / 2]
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect()
}

/// A CloudFormation logical id: ASCII alphanumeric, 1 to 255 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogicalId(String);

impl LogicalId {
    /// Checks a hand-chosen logical id (for overrides).
    ///
    /// # Errors
    /// The reason the id is not a valid logical id.
    pub fn parse(id: &str) -> Result<Self, &'static str> {
        if id.is_empty() {
            Err("must not be empty")
        } else if id.len() > MAX_LOGICAL_ID_LEN {
            Err("must be at most 255 characters")
        } else if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            Err("must contain only ASCII letters and digits")
        } else {
            Ok(Self(id.to_owned()))
        }
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogicalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<LogicalId> for String {
    fn from(id: LogicalId) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segments: &[&str]) -> ConstructPath {
        segments
            .iter()
            .try_fold(ConstructPath::root(), |path, id| path.child(id))
            .unwrap()
    }

    #[test]
    fn readable_prefix_drops_resource_and_repeats() {
        let id = path(&["Expenses", "Resource"]).logical_id();
        assert!(id.as_str().starts_with("Expenses"), "{id}");
        assert_eq!(id.as_str().len(), "Expenses".len() + 8);
        let id = path(&["Api", "Api", "expenses", "{id}", "GET"]).logical_id();
        assert!(id.as_str().starts_with("ApiexpensesidGET"), "{id}");
    }

    #[test]
    fn same_path_same_id_and_hash_covers_hidden_segments() {
        let a = path(&["Table", "Resource"]).logical_id();
        assert_eq!(a, path(&["Table", "Resource"]).logical_id());
        let b = path(&["Table", "Default"]).logical_id();
        assert_ne!(a, b, "paths that strip alike still differ by hash");
        assert_eq!(a.as_str()[..5], b.as_str()[..5]);
    }

    #[test]
    fn known_vector_pins_the_scheme() {
        // Pinning one id guards against an accidental change of the scheme, which would rename
        // (and so replace) every resource of every deployed stack.
        let id = path(&["Expenses", "Resource"]).logical_id();
        let hash = path_hash("Expenses/Resource");
        assert_eq!(id.as_str(), format!("Expenses{hash}"));
        assert_eq!(hash, "2D79C075");
    }

    #[test]
    fn ids_are_alphanumeric_bounded_and_start_with_a_letter() {
        let long = "x".repeat(128);
        let cases = [
            path(&["9lives", "Resource"]),
            path(&["Resource"]),
            path(&["--", "***"]),
            path(&[&long, &long, &long]),
            path(&["Ümlaut Name", "with spaces.and-dots"]),
        ];
        for case in cases {
            let id = case.logical_id();
            assert!(id.as_str().len() <= MAX_LOGICAL_ID_LEN, "{id}");
            assert!(
                id.as_str().chars().all(|c| c.is_ascii_alphanumeric()),
                "{id}"
            );
            assert!(
                id.as_str().starts_with(|c: char| c.is_ascii_alphabetic()),
                "{id}"
            );
            assert!(LogicalId::parse(id.as_str()).is_ok());
        }
    }

    #[test]
    fn distinct_paths_that_strip_alike_get_distinct_ids() {
        let a = path(&["my-table"]).logical_id();
        let b = path(&["my_table"]).logical_id();
        let c = path(&["my", "table"]).logical_id();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_ne!(b, c);
    }

    #[test]
    fn bad_segments_are_rejected_with_the_parent_named() {
        let parent = path(&["Api"]);
        for bad in ["", "a/b", "tab\there", &"x".repeat(129)] {
            let err = parent.child(bad).unwrap_err();
            assert!(matches!(err, SynthError::InvalidId { ref parent, .. } if parent == "Api"));
        }
    }

    #[test]
    fn parse_rejects_non_alphanumeric_and_long_ids() {
        assert!(LogicalId::parse("Good1").is_ok());
        assert!(LogicalId::parse("").is_err());
        assert!(LogicalId::parse("has-dash").is_err());
        assert!(LogicalId::parse(&"a".repeat(256)).is_err());
    }
}
