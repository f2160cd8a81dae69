//! The user-facing side of [`Limits`]: the `[limits]` table of
//! `policy-lint.toml`, the `--max-*` flags, human sizes (`50MiB`), and the
//! bounds every value must keep.
//!
//! Each setting is checked where it is read, so a zero or absurd value is
//! refused with the file, line and key (config) or the flag (command line)
//! before any file is linted. The upper bounds keep the promise of
//! `docs/limits.md`: even the most generous accepted limits cannot make one
//! file exhaust the stack, and memory stays in the low GiB.

use std::borrow::Cow;

use clap::Args;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};

use crate::load::Limits;

/// The largest `max-file-size` accepted: 1 GiB. A file this size already
/// needs several GiB of tree.
pub const MAX_FILE_SIZE: u64 = 1 << 30;
/// The largest `max-depth` accepted: the JSON parser's own ceiling. Resolving
/// and the rules walk the tree recursively; this depth is tested to pass
/// through the whole linter on the main thread's stack.
pub const MAX_DEPTH: u64 = 512;
/// The largest `max-values` and `max-alias-values` accepted: about 1.5 GiB
/// of tree.
pub const MAX_VALUES: u64 = 20_000_000;

/// The `[limits]` table: every key optional, an absent key keeps the
/// default (or the value of a flag).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitSettings {
    /// Largest file read, as bytes (an integer) or a size such as `"50MiB"`
    /// or `"2MB"`. Default: `"64MiB"`; at most `"1GiB"`.
    pub max_file_size: Option<FileSize>,
    /// Deepest nesting of arrays and objects. Default: 256; at most 512.
    pub max_depth: Option<Bounded<1, MAX_DEPTH>>,
    /// Most values in one file, counting those YAML aliases produce.
    /// Default: 2000000; at most 20000000.
    pub max_values: Option<Bounded<1, MAX_VALUES>>,
    /// Most values YAML aliases may copy in one file. Default: 100000; at
    /// most 20000000.
    pub max_alias_values: Option<Bounded<1, MAX_VALUES>>,
}

impl LimitSettings {
    /// `limits` with every setting given here replacing its field.
    pub fn apply_to(&self, limits: &mut Limits) {
        if let Some(FileSize(bytes)) = self.max_file_size {
            limits.max_file_bytes = bytes;
        }
        if let Some(depth) = self.max_depth {
            limits.max_depth = depth.as_usize();
        }
        if let Some(values) = self.max_values {
            limits.max_nodes = values.as_usize();
        }
        if let Some(values) = self.max_alias_values {
            limits.max_alias_nodes = values.as_usize();
        }
    }
}

/// The `--max-*` flags; each overrides the config file's `[limits]` key of
/// the same name.
#[derive(Args, Clone, Debug, Default, PartialEq, Eq)]
pub struct LimitArgs {
    /// Largest file read: bytes, or a size such as 50MiB or 2MB (default
    /// 64MiB, at most 1GiB). A larger file is an input error (exit 2).
    #[arg(long, value_name = "SIZE", value_parser = parse_file_size)]
    pub max_file_size: Option<FileSize>,
    /// Deepest nesting of arrays and objects (default 256, at most 512).
    #[arg(long, value_name = "N", value_parser = parse_bounded::<1, MAX_DEPTH>)]
    pub max_depth: Option<Bounded<1, MAX_DEPTH>>,
    /// Most values in one file, YAML alias copies included (default
    /// 2000000).
    #[arg(long, value_name = "N", value_parser = parse_bounded::<1, MAX_VALUES>)]
    pub max_values: Option<Bounded<1, MAX_VALUES>>,
    /// Most values YAML aliases may copy in one file (default 100000).
    #[arg(long, value_name = "N", value_parser = parse_bounded::<1, MAX_VALUES>)]
    pub max_alias_values: Option<Bounded<1, MAX_VALUES>>,
}

impl LimitArgs {
    /// `limits` with every flag given replacing its field.
    pub fn apply_to(&self, limits: &mut Limits) {
        LimitSettings {
            max_file_size: self.max_file_size,
            max_depth: self.max_depth,
            max_values: self.max_values,
            max_alias_values: self.max_alias_values,
        }
        .apply_to(limits);
    }
}

/// A count that must lie in `MIN..=MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounded<const MIN: u64, const MAX: u64>(u64);

impl<const MIN: u64, const MAX: u64> Bounded<MIN, MAX> {
    /// `value` when it lies within the bounds, else why not.
    pub fn new(value: u64) -> Result<Self, String> {
        if (MIN..=MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(format!("{value} is out of range: must be {MIN} to {MAX}"))
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }

    fn as_usize(self) -> usize {
        usize::try_from(self.0).unwrap_or(usize::MAX)
    }
}

fn parse_bounded<const MIN: u64, const MAX: u64>(text: &str) -> Result<Bounded<MIN, MAX>, String> {
    let value = text
        .trim()
        .replace('_', "")
        .parse::<u64>()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    Bounded::new(value)
}

impl<'de, const MIN: u64, const MAX: u64> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        let value = u64::try_from(value)
            .map_err(|_| format!("{value} is out of range: must be {MIN} to {MAX}"))
            .and_then(Self::new);
        value.map_err(serde::de::Error::custom)
    }
}

impl<const MIN: u64, const MAX: u64> JsonSchema for Bounded<MIN, MAX> {
    fn schema_name() -> Cow<'static, str> {
        format!("Count{MIN}To{MAX}").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "minimum": MIN, "maximum": MAX })
    }
}

/// A file size in bytes, 1 byte to [`MAX_FILE_SIZE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSize(u64);

impl FileSize {
    pub fn bytes(self) -> u64 {
        self.0
    }
}

/// Units a size may carry, matched without regard to case: binary ones and
/// their SI look-alikes, which mean powers of ten, as on a disk label.
const UNITS: [(&str, u64); 9] = [
    ("b", 1),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
    ("k", 1 << 10),
    ("m", 1 << 20),
];

/// Parses `4096`, `512KiB`, `50 MiB`, `2MB` or `1GiB` into a [`FileSize`].
pub fn parse_file_size(text: &str) -> Result<FileSize, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let number = digits
        .replace('_', "")
        .parse::<u64>()
        .map_err(|_| format!("`{text}` is not a size: expected bytes or e.g. 50MiB, 2MB"))?;
    let unit = unit.trim().to_ascii_lowercase();
    let scale = match unit.as_str() {
        "" => 1,
        _ => UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, scale)| *scale)
            .ok_or_else(|| {
                format!("`{text}`: unknown unit, expected B, KiB, MiB, GiB, kB, MB or GB")
            })?,
    };
    let bytes = number.saturating_mul(scale);
    size_in_range(bytes).map_err(|e| format!("`{text}` {e}"))
}

fn size_in_range(bytes: u64) -> Result<FileSize, String> {
    if bytes == 0 {
        Err("is zero: a file size limit must be at least 1 byte".to_owned())
    } else if bytes > MAX_FILE_SIZE {
        Err(format!(
            "is {bytes} bytes, over the most allowed, 1GiB ({MAX_FILE_SIZE} bytes)"
        ))
    } else {
        Ok(FileSize(bytes))
    }
}

impl<'de> Deserialize<'de> for FileSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "a size in bytes or a string such as \"50MiB\"")]
        enum Raw {
            Bytes(i64),
            Text(String),
        }
        let parsed = match Raw::deserialize(deserializer)? {
            Raw::Bytes(n) => u64::try_from(n)
                .map_err(|_| format!("{n} is negative"))
                .and_then(|n| size_in_range(n).map_err(|e| format!("{n} {e}"))),
            Raw::Text(text) => parse_file_size(&text),
        };
        parsed.map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for FileSize {
    fn schema_name() -> Cow<'static, str> {
        "FileSize".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Bytes, or a size with a unit: B, KiB, MiB, GiB (powers of two) \
                            or kB, MB, GB (powers of ten). At least 1 byte, at most 1GiB.",
            "oneOf": [
                { "type": "integer", "minimum": 1, "maximum": MAX_FILE_SIZE },
                { "type": "string", "pattern": "^\\s*[0-9_]+\\s*([kKmMgG][iI]?[bB]|[bB]|[kKmM])?\\s*$" }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_and_decimal_units() {
        let bytes = |text| parse_file_size(text).map(FileSize::bytes);
        assert_eq!(bytes("4096"), Ok(4096));
        assert_eq!(bytes("512KiB"), Ok(512 * 1024));
        assert_eq!(bytes("50 MiB"), Ok(50 << 20));
        assert_eq!(bytes("50mib"), Ok(50 << 20));
        assert_eq!(bytes("2MB"), Ok(2_000_000));
        assert_eq!(bytes("1GiB"), Ok(1 << 30));
        assert_eq!(bytes("64M"), Ok(64 << 20));
        assert_eq!(bytes("1_000B"), Ok(1000));
    }

    #[test]
    fn zero_absurd_and_malformed_sizes_are_refused() {
        let err = |text| parse_file_size(text).expect_err(text);
        assert!(err("0").contains("is zero"), "{}", err("0"));
        assert!(err("0MiB").contains("is zero"));
        assert!(err("2GiB").contains("over the most allowed, 1GiB"));
        assert!(err("99999999999999999999").contains("not a size"));
        assert!(err("18446744073709551615GiB").contains("over the most allowed"));
        assert!(err("5 parsecs").contains("unknown unit"));
        assert!(err("-1").contains("not a size"));
        assert!(err("").contains("not a size"));
        assert!(err("1.5MiB").contains("unknown unit"));
    }

    #[test]
    fn counts_are_bounded() {
        assert_eq!(parse_bounded::<1, 1024>("1024").map(Bounded::get), Ok(1024));
        assert!(
            parse_bounded::<1, 1024>("0")
                .unwrap_err()
                .contains("must be 1 to 1024")
        );
        assert!(parse_bounded::<1, 1024>("1025").is_err());
        assert!(
            parse_bounded::<1, 1024>("ten")
                .unwrap_err()
                .contains("not a whole number")
        );
    }

    #[test]
    fn settings_replace_only_what_they_name() {
        let mut limits = Limits::default();
        LimitSettings {
            max_depth: Some(Bounded::new(8).unwrap()),
            ..LimitSettings::default()
        }
        .apply_to(&mut limits);
        assert_eq!(limits.max_depth, 8);
        assert_eq!(limits.max_file_bytes, Limits::default().max_file_bytes);
    }
}
