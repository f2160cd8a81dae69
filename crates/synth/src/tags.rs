//! Stack-wide tags: the required keys, their validation, and how they land on each resource.
//!
//! Tags are an aspect of the stack, not of each construct: every taggable resource receives the
//! stack's tags at render time in the shape its type expects (a `Key`/`Value` list, a map, or a
//! type-specific property such as `UserPoolTags`). A resource's own tags win over the stack's
//! for the same key. A required key missing on any taggable resource is a synth error, so a
//! template that reaches disk always satisfies control OPS-3.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::cfn::TagStyle;
use crate::error::{Result, SynthError};

/// The tag keys every stack requires unless it names its own list.
pub const DEFAULT_REQUIRED_TAGS: [&str; 4] = ["project", "environment", "owner", "cost-center"];

/// An ordered set of tags (sorted by key, so output is deterministic).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(BTreeMap<String, String>);

impl Tags {
    /// No tags.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a tag.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.0.insert(key.into(), value.into());
        self
    }

    /// Builder form of [`Tags::insert`].
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.insert(key, value);
        self
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Iterates over the tags in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// True when no tag is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks every key and value against the AWS tagging rules.
    ///
    /// # Errors
    /// [`SynthError::InvalidTag`] naming the stack and the key.
    pub fn validate(&self, stack: &str) -> Result<()> {
        self.iter().try_for_each(|(key, value)| {
            tag_problem(key, value).map_or(Ok(()), |reason| {
                Err(SynthError::InvalidTag {
                    stack: stack.to_owned(),
                    key: key.to_owned(),
                    reason,
                })
            })
        })
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Tags {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

fn tag_problem(key: &str, value: &str) -> Option<&'static str> {
    if key.is_empty() || key.chars().count() > 128 {
        Some("key must be 1 to 128 characters")
    } else if key.to_ascii_lowercase().starts_with("aws:") {
        Some("the `aws:` prefix is reserved for AWS")
    } else if value.is_empty() {
        Some("value must not be empty")
    } else if value.chars().count() > 256 {
        Some("value must be at most 256 characters")
    } else {
        None
    }
}

/// Merges `stack` tags into the resource's properties in `format`, then checks `required`.
///
/// # Errors
/// [`SynthError::MissingTag`] when a required key is absent after the merge.
pub(crate) fn apply(
    properties: &mut Map<String, Value>,
    format: TagStyle,
    stack: &Tags,
    required: &[String],
    path: &str,
) -> Result<()> {
    let merged = match format {
        TagStyle::None => return Ok(()),
        TagStyle::List(name) => merge_list(properties, name, stack),
        TagStyle::Map(name) => merge_map(properties, name, stack),
    };
    match required
        .iter()
        .find(|key| merged.get(key.as_str()).is_none())
    {
        Some(key) => Err(SynthError::MissingTag {
            path: path.to_owned(),
            key: key.clone(),
        }),
        None => Ok(()),
    }
}

fn merge_list(properties: &mut Map<String, Value>, name: &str, stack: &Tags) -> Tags {
    let mut merged = stack.clone();
    if let Some(Value::Array(own)) = properties.get(name) {
        for tag in own {
            if let (Some(Value::String(k)), Some(Value::String(v))) =
                (tag.get("Key"), tag.get("Value"))
            {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
    if !merged.is_empty() {
        let list = merged.iter().map(|(k, v)| json!({"Key": k, "Value": v}));
        properties.insert(name.to_owned(), Value::Array(list.collect()));
    }
    merged
}

fn merge_map(properties: &mut Map<String, Value>, name: &str, stack: &Tags) -> Tags {
    let mut merged = stack.clone();
    if let Some(Value::Object(own)) = properties.get(name) {
        for (k, v) in own {
            if let Value::String(v) = v {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
    if !merged.is_empty() {
        let map = merged.iter().map(|(k, v)| (k.to_owned(), Value::from(v)));
        properties.insert(name.to_owned(), Value::Object(map.collect()));
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn required() -> Vec<String> {
        DEFAULT_REQUIRED_TAGS
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    }

    fn full() -> Tags {
        DEFAULT_REQUIRED_TAGS.iter().map(|k| (*k, "x")).collect()
    }

    #[test]
    fn list_format_merges_sorted_and_resource_tags_win() {
        let mut props = Map::new();
        props.insert("Tags".into(), json!([{"Key": "owner", "Value": "me"}]));
        apply(
            &mut props,
            TagStyle::List("Tags"),
            &full(),
            &required(),
            "T",
        )
        .unwrap();
        let keys: Vec<_> = props["Tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| &t["Key"])
            .collect();
        assert_eq!(keys, ["cost-center", "environment", "owner", "project"]);
        assert_eq!(props["Tags"][2]["Value"], "me");
    }

    #[test]
    fn map_format_uses_the_named_property() {
        let mut props = Map::new();
        apply(
            &mut props,
            TagStyle::Map("UserPoolTags"),
            &full(),
            &required(),
            "P",
        )
        .unwrap();
        assert_eq!(props["UserPoolTags"]["project"], "x");
        assert!(!props.contains_key("Tags"));
    }

    #[test]
    fn untaggable_resources_are_left_alone_and_never_fail() {
        let mut props = Map::new();
        apply(&mut props, TagStyle::None, &Tags::new(), &required(), "N").unwrap();
        assert!(props.is_empty());
    }

    #[test]
    fn a_missing_required_tag_names_path_and_key() {
        let tags = Tags::new()
            .with("project", "p")
            .with("environment", "e")
            .with("owner", "o");
        let mut props = Map::new();
        let err = apply(
            &mut props,
            TagStyle::List("Tags"),
            &tags,
            &required(),
            "Api/Stage",
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "`Api/Stage` is missing required tag `cost-center`"
        );
    }

    #[test]
    fn validation_rejects_reserved_prefix_and_empty_values() {
        assert!(Tags::new().with("aws:foo", "x").validate("S").is_err());
        assert!(Tags::new().with("k", "").validate("S").is_err());
        assert!(Tags::new().with("k", "v").validate("S").is_ok());
    }
}
