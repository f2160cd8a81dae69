//! Terraform HCL (`*.tf`). The `.tf` files of one directory are one module:
//! they are parsed with hcl-edit and merged into the tree that a `*.tf.json`
//! file of the same configuration gives, so the Terraform resolver, adapter
//! and rules read HCL unchanged.
//!
//! Literals become values; every other expression (a reference, a function
//! call, a conditional) becomes the `${…}` string Terraform's JSON syntax
//! would hold, which the resolver reads as far as it can and otherwise
//! reports as unknown. A string template keeps its text, as in JSON.
//!
//! Locations: the files are laid end to end, each starting on the line after
//! the previous one ends, and [`Part`]s record where each file starts, so a
//! location in the merged tree maps back to a file, line and column.

use std::path::{Path, PathBuf};

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};
use hcl_edit::{Span, template::StringTemplate};

use super::{Document, Format, Limits, LoadError, Part};
use crate::tree::{Key, Loc, Map, Node, Value};

/// Parses the `.tf` files of one module (sorted by the caller) into one
/// document named `dir`.
pub(crate) fn parse_module(
    dir: &Path,
    files: &[(PathBuf, String)],
    limits: &Limits,
) -> Result<Document, LoadError> {
    let mut merged = Merged::default();
    let mut parts = Vec::new();
    let mut first_line = 1u32;
    for (path, text) in files {
        check_depth(path, text, limits.max_depth)?;
        let body = hcl_edit::parser::parse_body(text).map_err(|e| syntax_error(path, &e))?;
        let source = Source::new(text, first_line);
        merged.add(&body, &source);
        parts.push(Part {
            path: path.clone(),
            first_line,
        });
        first_line = first_line.saturating_add(source.line_count());
    }
    Ok(Document {
        path: dir.to_path_buf(),
        format: Format::TerraformHcl,
        root: merged.into_node(),
        diagnostics: Vec::new(),
        parts,
    })
}

/// Refuses brackets nested deeper than `limit` before the recursive parser
/// sees them, so no input can overflow the stack. Brackets inside strings
/// count too: a real file never comes near the limit either way.
fn check_depth(path: &Path, text: &str, limit: usize) -> Result<(), LoadError> {
    let mut depth = 0usize;
    for (offset, c) in text.char_indices() {
        match c {
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => continue,
        }
        if depth > limit {
            let loc = Source::new(text, 1).loc(offset);
            return Err(LoadError::TooDeep {
                path: path.to_path_buf(),
                loc,
                limit,
            });
        }
    }
    Ok(())
}

fn syntax_error(path: &Path, e: &hcl_edit::parser::Error) -> LoadError {
    let loc = e.location();
    let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    LoadError::Syntax {
        path: path.to_path_buf(),
        loc: Loc::new(narrow(loc.line()), narrow(loc.column())),
        message: e.message().trim_end_matches('.').to_owned(),
    }
}

/// One file's text and where its first line lands in the merged tree.
struct Source<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    first_line: u32,
}

impl<'a> Source<'a> {
    fn new(text: &'a str, first_line: u32) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        Self {
            text,
            line_starts,
            first_line,
        }
    }

    fn line_count(&self) -> u32 {
        u32::try_from(self.line_starts.len()).unwrap_or(u32::MAX)
    }

    /// The merged-tree location of a byte offset.
    fn loc(&self, offset: usize) -> Loc {
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1)
            - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Loc::new(self.first_line.saturating_add(narrow(line)), narrow(column))
    }

    fn loc_of(&self, item: &impl Span) -> Loc {
        item.span().map_or_else(Loc::default, |s| self.loc(s.start))
    }

    fn slice(&self, item: &impl Span) -> &'a str {
        item.span()
            .and_then(|s| self.text.get(s))
            .unwrap_or_default()
    }
}

/// The top-level blocks of every file, in the JSON syntax's shape: each
/// labelled block is one element of its kind's array
/// (`"resource": [{"aws_s3_bucket": {"site": {…}}}]`), which the Terraform
/// JSON reader accepts like the object spelling.
#[derive(Default)]
struct Merged {
    kinds: Vec<(Key, Vec<Node>)>,
    /// `locals` blocks merge into one object.
    locals: Map,
    locals_loc: Option<Loc>,
}

impl Merged {
    fn add(&mut self, body: &Body, source: &Source<'_>) {
        for structure in body.iter() {
            let Structure::Block(block) = structure else {
                continue;
            };
            let kind = block.ident.value().as_str();
            if kind == "locals" {
                self.locals_loc.get_or_insert(source.loc_of(&block.ident));
                for (key, value) in body_entries(&block.body, source) {
                    self.locals.insert(key, value);
                }
                continue;
            }
            let node = labelled(block, source);
            let key = Key {
                name: kind.to_owned(),
                loc: source.loc_of(&block.ident),
            };
            match self.kinds.iter_mut().find(|(k, _)| k.name == kind) {
                Some((_, nodes)) => nodes.push(node),
                None => self.kinds.push((key, vec![node])),
            }
        }
    }

    fn into_node(self) -> Node {
        let mut root = Map::default();
        for (key, nodes) in self.kinds {
            let loc = key.loc;
            root.insert(key, Node::new(Value::Array(nodes), loc));
        }
        if let Some(loc) = self.locals_loc {
            let key = Key {
                name: "locals".to_owned(),
                loc,
            };
            root.insert(key, Node::new(Value::Object(self.locals), loc));
        }
        Node::new(Value::Object(root), Loc::new(1, 1))
    }
}

/// A block's body wrapped in one object per label:
/// `resource "a" "b" {…}` gives `{"a": {"b": {…}}}`.
fn labelled(block: &Block, source: &Source<'_>) -> Node {
    let mut node = body_node(&block.body, source.loc_of(&block.ident), source);
    for label in block.labels.iter().rev() {
        let (name, loc) = match label {
            BlockLabel::Ident(ident) => (ident.value().as_str().to_owned(), source.loc_of(ident)),
            BlockLabel::String(text) => (text.value().clone(), source.loc_of(text)),
        };
        let mut map = Map::default();
        map.insert(Key { name, loc }, node);
        node = Node::new(Value::Object(map), loc);
    }
    node
}

/// A body as an object: attributes by name; nested blocks by type, an
/// object when the type appears once and an array when it repeats.
fn body_node(body: &Body, loc: Loc, source: &Source<'_>) -> Node {
    let mut map = Map::default();
    for (key, value) in body_entries(body, source) {
        map.insert(key, value);
    }
    Node::new(Value::Object(map), loc)
}

fn body_entries(body: &Body, source: &Source<'_>) -> Vec<(Key, Node)> {
    let mut entries: Vec<(Key, Node)> = Vec::new();
    for structure in body.iter() {
        let (key, node) = match structure {
            Structure::Attribute(attr) => {
                let key = Key {
                    name: attr.key.value().as_str().to_owned(),
                    loc: source.loc_of(&attr.key),
                };
                (key, expression(&attr.value, source))
            }
            Structure::Block(block) => {
                let key = Key {
                    name: block.ident.value().as_str().to_owned(),
                    loc: source.loc_of(&block.ident),
                };
                (key, labelled(block, source))
            }
        };
        let repeated = matches!(structure, Structure::Block(_))
            .then(|| entries.iter_mut().find(|(k, _)| k.name == key.name))
            .flatten();
        match repeated {
            Some((_, existing)) => append(existing, node),
            None => entries.push((key, node)),
        }
    }
    entries
}

/// Turns a repeated nested block's entry into an array of its occurrences.
fn append(existing: &mut Node, node: Node) {
    if let Value::Array(items) = &mut existing.value {
        items.push(node);
        return;
    }
    let loc = existing.loc;
    let first = std::mem::replace(existing, Node::new(Value::Null, loc));
    *existing = Node::new(Value::Array(vec![first, node]), loc);
}

fn expression(expr: &Expression, source: &Source<'_>) -> Node {
    let loc = source.loc_of(expr);
    let value = match expr {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => Value::Number(n.value().to_string()),
        Expression::String(s) => Value::String(s.value().clone()),
        Expression::Array(items) => {
            Value::Array(items.iter().map(|e| expression(e, source)).collect())
        }
        Expression::Object(object) => {
            let mut map = Map::default();
            for (key, value) in object.iter() {
                map.insert(object_key(key, source), expression(value.expr(), source));
            }
            Value::Object(map)
        }
        Expression::StringTemplate(template) => Value::String(template_text(template, source)),
        Expression::HeredocTemplate(heredoc) => Value::String(heredoc_text(source.slice(heredoc))),
        Expression::Parenthesis(inner) => return expression(inner.inner(), source),
        _ => Value::String(format!("${{{}}}", source.slice(expr).trim())),
    };
    Node::new(value, loc)
}

fn object_key(key: &ObjectKey, source: &Source<'_>) -> Key {
    let loc = source.loc_of(key);
    let name = match key {
        ObjectKey::Ident(ident) => ident.value().as_str().to_owned(),
        ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
        ObjectKey::Expression(other) => match expression(other, source).value {
            Value::String(text) => text,
            _ => source.slice(other).to_owned(),
        },
    };
    Key { name, loc }
}

/// A quoted template's text as the JSON syntax would hold it: the quotes
/// removed and HCL's escapes decoded (`$${` and `%%{` stay, as in JSON).
fn template_text(template: &StringTemplate, source: &Source<'_>) -> String {
    let quoted = source.slice(template);
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(quoted);
    unescape(inner)
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// A heredoc's body: the lines between the opening `<<EOT` and the closing
/// delimiter, with the common indentation removed for `<<-EOT`.
fn heredoc_text(raw: &str) -> String {
    let indented = raw.starts_with("<<-");
    let mut lines: Vec<&str> = raw.lines().skip(1).collect();
    lines.pop();
    if !indented {
        return lines.iter().map(|l| format!("{l}\n")).collect();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| format!("{}\n", l.get(indent..).unwrap_or_default()))
        .collect()
}
