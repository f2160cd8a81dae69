//! Strict JSON with a location for every key and value.
//!
//! Parsing is done by `jsonc-parser` (dprint's parser, maintained, keeps
//! byte ranges for every value and key) with every JSONC/JSON5 extension
//! turned off, so comments, trailing commas, single quotes and hex numbers
//! are syntax errors, as they are for CloudFormation. Number literals keep
//! their source text. Duplicate keys keep the last value, as CloudFormation
//! does, and are reported as [`DiagnosticKind::DuplicateKey`].
//!
//! `jsonc-parser` recurses once per nesting level and builds its whole tree
//! before we see it, so a cheap byte scan first enforces the depth and
//! value-count limits; only input within them reaches the parser.
//!
//! Known leniency: raw control characters inside strings (a literal tab)
//! are accepted, as most template tools accept them.

use std::path::Path;

use jsonc_parser::ast::{self, ObjectPropName};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::text::Positions;
use super::{Diagnostic, DiagnosticKind, Limits, LoadError};
use crate::tree::{Key, Loc, Map, Node, Value};

/// Parses JSON text into a located tree plus duplicate-key diagnostics.
pub(crate) fn parse(
    path: &Path,
    text: &str,
    limits: &Limits,
) -> Result<(Node, Vec<Diagnostic>), LoadError> {
    prescan(path, text, limits)?;
    let parsed = parse_to_ast(text, &CollectOptions::default(), &strict()).map_err(|e| {
        LoadError::Syntax {
            path: path.to_owned(),
            loc: Loc::new(to_u32(e.line_display()), to_u32(e.column_display())),
            message: format!("invalid json: {}", e.kind()),
        }
    })?;
    let value = parsed.value.ok_or_else(|| LoadError::Empty {
        path: path.to_owned(),
    })?;
    let mut cx = Convert {
        positions: Positions::new(text),
        diagnostics: Vec::new(),
    };
    let root = cx.value(&value);
    Ok((root, cx.diagnostics))
}

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Enforces the depth and value-count limits without parsing. Every value
/// but the first in a container follows a comma, so commas plus containers
/// plus one bounds the number of values from above.
fn prescan(path: &Path, text: &str, limits: &Limits) -> Result<(), LoadError> {
    let (mut depth, mut values) = (0usize, 1usize);
    let (mut in_string, mut escaped) = (false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            (in_string, escaped) = string_byte(b, escaped);
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                values += 1;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => values += 1,
            _ => continue,
        }
        check_bounds(path, text, i, (depth, values), limits)?;
    }
    Ok(())
}

/// Steps through one byte inside a string: returns (still in string, escaped).
fn string_byte(b: u8, escaped: bool) -> (bool, bool) {
    match (escaped, b) {
        (true, _) => (true, false),
        (false, b'\\') => (true, true),
        (false, b'"') => (false, false),
        _ => (true, false),
    }
}

fn check_bounds(
    path: &Path,
    text: &str,
    at: usize,
    (depth, values): (usize, usize),
    limits: &Limits,
) -> Result<(), LoadError> {
    if depth > limits.max_depth {
        return Err(LoadError::TooDeep {
            path: path.to_owned(),
            loc: Positions::new(text).loc(at),
            limit: limits.max_depth,
        });
    }
    if values > limits.max_nodes {
        return Err(LoadError::TooManyNodes {
            path: path.to_owned(),
            loc: Positions::new(text).loc(at),
            limit: limits.max_nodes,
        });
    }
    Ok(())
}

struct Convert<'a> {
    positions: Positions<'a>,
    diagnostics: Vec<Diagnostic>,
}

impl Convert<'_> {
    fn value(&mut self, v: &ast::Value<'_>) -> Node {
        let loc = self.positions.loc(v.start());
        let value = match v {
            ast::Value::NullKeyword(_) => Value::Null,
            ast::Value::BooleanLit(b) => Value::Bool(b.value),
            ast::Value::NumberLit(n) => Value::Number(n.value.to_owned()),
            ast::Value::StringLit(s) => Value::String(s.value.clone().into_owned()),
            ast::Value::Array(a) => {
                Value::Array(a.elements.iter().map(|e| self.value(e)).collect())
            }
            ast::Value::Object(o) => Value::Object(self.object(o)),
        };
        Node::new(value, loc)
    }

    fn object(&mut self, object: &ast::Object<'_>) -> Map {
        let mut map = Map::new();
        for prop in &object.properties {
            let key = self.key(&prop.name);
            let value = self.value(&prop.value);
            let (name, loc) = (key.name.clone(), key.loc);
            if let Some((first, _)) = map.insert(key, value) {
                self.diagnostics.push(duplicate_key(&name, first.loc, loc));
            }
        }
        map
    }

    fn key(&mut self, name: &ObjectPropName<'_>) -> Key {
        let (text, start) = match name {
            ObjectPropName::String(s) => (s.value.clone().into_owned(), s.start()),
            ObjectPropName::Word(w) => (w.value.to_owned(), w.start()),
        };
        Key {
            name: text,
            loc: self.positions.loc(start),
        }
    }
}

/// The diagnostic for a key written twice; shared with the YAML loader.
pub(crate) fn duplicate_key(name: &str, first: Loc, again: Loc) -> Diagnostic {
    Diagnostic::new(
        DiagnosticKind::DuplicateKey,
        format!("duplicate key `{name}` (first at {first}); the last value is used"),
        again,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> (Node, Vec<Diagnostic>) {
        parse(Path::new("t.json"), text, &Limits::default()).unwrap()
    }

    fn parse_err(text: &str) -> String {
        parse(Path::new("t.json"), text, &Limits::default())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn every_key_and_value_has_a_location() {
        let (root, diags) = parse_ok("{\n  \"Resources\": {\n    \"B\": {\"Type\": \"x\"}\n  }\n}");
        assert!(diags.is_empty());
        let (key, b) = root
            .get("Resources")
            .unwrap()
            .as_object()
            .unwrap()
            .get_entry("B")
            .unwrap();
        assert_eq!(key.loc, Loc::new(3, 5));
        assert_eq!(b.loc, Loc::new(3, 10));
        assert_eq!(b.get("Type").unwrap().loc, Loc::new(3, 19));
    }

    #[test]
    fn duplicate_keys_keep_the_last_and_are_reported() {
        let (root, diags) = parse_ok("{\"a\": 1,\n \"a\": 2}");
        assert_eq!(root.get("a").unwrap().as_i64(), Some(2));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].kind, DiagnosticKind::DuplicateKey);
        assert_eq!(diags[0].loc, Loc::new(2, 2));
        assert!(
            diags[0].message.contains("first at 1:2"),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn numbers_keep_their_text() {
        let (root, _) = parse_ok("{\"n\": 123456789012345678901234567890e999, \"f\": 1.50}");
        assert_eq!(
            root.get("n").unwrap().value,
            Value::Number("123456789012345678901234567890e999".into())
        );
        assert_eq!(root.get("f").unwrap().value, Value::Number("1.50".into()));
    }

    #[test]
    fn extensions_are_syntax_errors() {
        assert_eq!(
            parse_err("{\"a\": 1,}"),
            "t.json:1:8: invalid json: Trailing commas are not allowed"
        );
        assert!(parse_err("{\"a\": 1 // c\n}").starts_with("t.json:1:9: invalid json"));
        assert!(parse_err("{'a': 1}").starts_with("t.json:1:2: invalid json"));
        assert!(parse_err("{\"a\": 0x1}").contains("invalid json"));
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let text = "[".repeat(100_000);
        assert_eq!(
            parse_err(&text),
            "t.json:1:257: nesting deeper than 256 levels (`max-depth`)"
        );
        let inside_string = format!("{{\"a\": \"{}\"}}", "[".repeat(1000));
        assert!(parse_ok(&inside_string).1.is_empty());
    }

    #[test]
    fn too_many_values_is_refused() {
        let limits = Limits {
            max_nodes: 10,
            ..Limits::default()
        };
        let text = format!("[{}]", vec!["0"; 20].join(","));
        let err = parse(Path::new("t.json"), &text, &limits).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.json:1:19: more than 10 values (`max-values`)"
        );
    }
}
