//! Terraform JSON `${…}` interpolations as [`Sym`]s.
//!
//! In Terraform's JSON syntax every string is a template: literal text with
//! `${ expression }` interpolations (`$${` is a literal `${`, `%{ … }`
//! directives are not evaluated). [`TfResolver::sym`] reads one:
//!
//! * `${aws_s3_bucket.site.arn}` → `Ref { target: "aws_s3_bucket.site",
//!   attribute: Some("arn") }` (an index such as `[0]` is dropped: the
//!   target is the configuration block);
//! * `${var.x}` → the variable's default; without one, an opaque single name when a
//!   `validation` of the form `can(regex("^…$", var.x))` keeps every value free of IAM
//!   wildcards (as a CloudFormation parameter's `AllowedPattern` does), else unknown;
//!   `${local.x}` → the local's value, itself read as a template;
//! * `${data.…}`, `${module.…}`, `${each.…}`, `${count.…}`, function calls
//!   and operators → unknown, with the reason.
//!
//! [`TfResolver::document`] turns a policy-like attribute into a tree: a
//! JSON string is parsed, and `${jsonencode({ … })}` of an HCL object or
//! tuple literal is read structurally. String leaves of such a tree are
//! templates again (a reference stays `${aws_s3_bucket.site.arn}`, an IAM
//! policy variable stays `$${aws:username}`): read them with
//! [`TfResolver::sym`].

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use crate::load::Document;
use crate::load::terraform::{locals, variables};
use crate::sym::{Part, Sym};
use crate::tree::{Key, Map, Node, Value};

/// How deeply locals may refer to locals before a value is called unknown.
const MAX_DEPTH: usize = 64;

/// Reads the `${…}` strings of one Terraform JSON file.
pub struct TfResolver {
    variables: HashMap<String, Option<Node>>,
    /// Variables without a default whose validation proves them one wildcard-free name.
    fixed: HashSet<String>,
    locals: HashMap<String, Node>,
    depth: Cell<usize>,
}

impl TfResolver {
    pub fn new(doc: &Document) -> Self {
        let blocks = variables(&doc.root);
        let fixed = blocks
            .iter()
            .filter(|b| {
                b.body
                    .get("validation")
                    .is_some_and(|v| validates_name(v, b.name))
            })
            .map(|b| b.name.to_owned())
            .collect();
        let variables = blocks
            .into_iter()
            .map(|b| (b.name.to_owned(), b.body.get("default").cloned()))
            .collect();
        let locals = locals(&doc.root)
            .into_iter()
            .map(|b| (b.name.to_owned(), b.body.clone()))
            .collect();
        Self {
            variables,
            fixed,
            locals,
            depth: Cell::new(0),
        }
    }

    /// The string a value stands for (see the module doc).
    pub fn sym(&self, node: &Node) -> Sym {
        match &node.value {
            Value::String(s) => self.template(s),
            Value::Number(n) => Sym::text(n.as_str()),
            Value::Bool(b) => Sym::text(b.to_string()),
            Value::Null => Sym::unknown("null"),
            Value::Unknown(reason) => Sym::unknown(reason.as_str()),
            Value::Array(_) | Value::Object(_) => {
                Sym::unknown("a collection where a string is expected")
            }
        }
    }

    fn template(&self, text: &str) -> Sym {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Sym::unknown("locals that refer back to themselves");
        }
        self.depth.set(depth + 1);
        let mut out = Sym::default();
        for part in template_parts(text) {
            match part {
                TemplatePart::Text(t) => out.push(Part::Text(t)),
                TemplatePart::Expr(e) => out.extend(self.expression(e.trim())),
                TemplatePart::Directive => out.push(Part::Unknown {
                    reason: "template directives are not evaluated".into(),
                }),
            }
        }
        self.depth.set(depth);
        out
    }

    fn expression(&self, expr: &str) -> Sym {
        if let Some(inner) = quoted(expr) {
            return self.template(&unescape(inner));
        }
        let Some(path) = indexed_traversal(expr) else {
            return Sym::unknown(match expr.split_once('(') {
                Some((name, _)) if is_identifier(name.trim()) => {
                    format!("function `{}` is not evaluated", name.trim())
                }
                _ => format!("expression `{expr}` is not evaluated"),
            });
        };
        self.traverse(&path)
    }

    fn traverse(&self, indexed: &[(String, bool)]) -> Sym {
        let path: Vec<String> = indexed.iter().map(|(s, _)| s.clone()).collect();
        // `aws_x.y[0].arn`: the index picks an instance of block `aws_x.y`.
        let attrs = |from: usize| {
            let rest = indexed.get(from..).unwrap_or_default();
            let skip = rest.iter().take_while(|(_, index)| *index).count();
            let names: Vec<&str> = rest[skip..].iter().map(|(s, _)| s.as_str()).collect();
            names.join(".")
        };
        match path.as_slice() {
            [root, name, rest @ ..] if root == "var" => match self.variables.get(name.as_str()) {
                Some(Some(default)) => {
                    self.literal_at(default, rest, &format!("variable `{name}`"))
                }
                Some(None) if rest.is_empty() && self.fixed.contains(name.as_str()) => {
                    Sym::from_parts([Part::Pseudo(format!("var.{name}"))])
                }
                Some(None) => Sym::unknown(format!("variable `{name}` has no default")),
                None => Sym::unknown(format!("variable `{name}` is not declared in this file")),
            },
            [root, name, rest @ ..] if root == "local" => match self.locals.get(name.as_str()) {
                Some(value) => match lookup(value, rest) {
                    Some(node) => self.sym(node),
                    None => Sym::unknown(format!("local `{name}` has no `{}`", rest.join("."))),
                },
                None => Sym::unknown(format!("local `{name}` is not defined in this file")),
            },
            [root, kind, name, ..] if root == "data" => Sym::unknown(format!(
                "data source `data.{kind}.{name}` is read at plan time"
            )),
            [root, name, ..] if root == "module" => {
                Sym::unknown(format!("output of module `{name}`"))
            }
            [root, ..]
                if matches!(
                    root.as_str(),
                    "each" | "count" | "self" | "path" | "terraform"
                ) =>
            {
                Sym::unknown(format!(
                    "`{}` depends on where it is evaluated",
                    path.join(".")
                ))
            }
            [kind, name, ..] => match attrs(2) {
                a if a.is_empty() => Sym::reference(format!("{kind}.{name}"), None),
                a => Sym::reference(format!("{kind}.{name}"), Some(&a)),
            },
            _ => Sym::unknown(format!("`{}` is not a reference", path.join("."))),
        }
    }

    /// A variable default is a value, not a template.
    fn literal_at(&self, value: &Node, path: &[String], what: &str) -> Sym {
        match lookup(value, path).map(|n| &n.value) {
            Some(Value::String(s)) => Sym::text(s.as_str()),
            Some(Value::Number(n)) => Sym::text(n.as_str()),
            Some(Value::Bool(b)) => Sym::text(b.to_string()),
            Some(_) => Sym::unknown(format!("{what} is not a string")),
            None => Sym::unknown(format!("{what} has no `{}`", path.join("."))),
        }
    }

    /// A policy-like value as a tree (see the module doc), or `None` when
    /// it is not a JSON string, a `jsonencode` of a literal, or a local
    /// holding one of those.
    pub fn document(&self, node: &Node) -> Option<Node> {
        let text = node.as_str()?;
        let parts = template_parts(text);
        if let [TemplatePart::Expr(expr)] = parts.as_slice() {
            return self.expression_document(expr.trim(), node);
        }
        let json: serde_json::Value = serde_json::from_str(text).ok()?;
        json.is_object().then(|| Node::from_json(&json, node.loc))
    }

    fn expression_document(&self, expr: &str, node: &Node) -> Option<Node> {
        if let Some(arg) = expr
            .strip_prefix("jsonencode(")
            .and_then(|e| e.strip_suffix(')'))
        {
            let mut parser = Hcl {
                text: arg,
                pos: 0,
                loc: node,
            };
            let value = parser.value()?;
            parser.skip_space();
            return (parser.pos == arg.len()).then_some(value);
        }
        match traversal(expr)?.as_slice() {
            [root, name] if root == "local" => {
                let local = self.locals.get(name.as_str())?;
                match &local.value {
                    Value::Object(_) => Some(local.clone()),
                    Value::String(_) => self.document(local),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

fn lookup<'a>(node: &'a Node, path: &[String]) -> Option<&'a Node> {
    path.iter()
        .try_fold(node, |n, key| match key.parse::<usize>() {
            Ok(i) => n.as_array()?.get(i),
            Err(_) => n.get(key),
        })
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum TemplatePart<'a> {
    Text(String),
    Expr(&'a str),
    Directive,
}

/// Splits a template into text and interpolations.
fn template_parts(text: &str) -> Vec<TemplatePart<'_>> {
    let mut out = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("$${") || rest.starts_with("%%{") {
            literal.push_str(&rest[1..3]);
            i += 3;
        } else if rest.starts_with("${") || rest.starts_with("%{") {
            let Some(end) = closing_brace(rest, 2) else {
                literal.push_str(rest);
                break;
            };
            if !literal.is_empty() {
                out.push(TemplatePart::Text(std::mem::take(&mut literal)));
            }
            out.push(match rest.starts_with('$') {
                true => TemplatePart::Expr(&rest[2..end]),
                false => TemplatePart::Directive,
            });
            i += end + 1;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            literal.push(c);
            i += c.len_utf8();
        }
    }
    if !literal.is_empty() {
        out.push(TemplatePart::Text(literal));
    }
    out
}

/// The byte index of the `}` closing a brace opened before `from`, skipping
/// nested braces and quoted strings.
fn closing_brace(text: &str, from: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate().skip(from) {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'{') => depth += 1,
            (false, _, b'}') if depth == 0 => return Some(i),
            (false, _, b'}') => depth -= 1,
            _ => {}
        }
    }
    None
}

fn quoted(expr: &str) -> Option<&str> {
    let inner = expr.strip_prefix('"')?.strip_suffix('"')?;
    (closing_quote(expr, 1) == Some(expr.len() - 1)).then_some(inner)
}

/// The byte index of the `"` closing a string opened before `from`.
fn closing_quote(text: &str, from: usize) -> Option<usize> {
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate().skip(from) {
        match (escaped, b) {
            (true, _) => escaped = false,
            (false, b'\\') => escaped = true,
            (false, b'"') => return Some(i),
            _ => {}
        }
    }
    None
}

/// HCL string escapes; `${…}` is kept for the template reader.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
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

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `a.b[0]["c"].d` → `["a", "b", "0", "c", "d"]`; `None` for anything that
/// is not a plain traversal (a splat, a call, an operator).
fn traversal(expr: &str) -> Option<Vec<String>> {
    Some(
        indexed_traversal(expr)?
            .into_iter()
            .map(|(s, _)| s)
            .collect(),
    )
}

/// Like [`traversal`], flagging the segments written as `[index]`.
fn indexed_traversal(expr: &str) -> Option<Vec<(String, bool)>> {
    let mut out = Vec::new();
    let mut rest = expr;
    loop {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let (segment, after) = rest.split_at(end);
        if !segment.is_empty() {
            is_identifier(segment).then_some(())?;
            out.push((segment.to_owned(), false));
        }
        if after.is_empty() {
            break;
        }
        if let Some(next) = after.strip_prefix('.') {
            rest = next;
            continue;
        }
        let close = after.find(']')?;
        let index = after[1..close].trim();
        let index = quoted(index)
            .map(str::to_owned)
            .unwrap_or_else(|| index.to_owned());
        (index.chars().all(|c| c.is_ascii_digit()) || !index.contains('*')).then_some(())?;
        out.push((index, true));
        rest = &after[close + 1..];
    }
    (!out.is_empty()).then_some(out)
}

/// Reads HCL object and tuple literals (the argument of `jsonencode`).
/// Any other expression becomes the string `${expression}`, so that
/// [`TfResolver::sym`] can read it later.
struct Hcl<'a> {
    text: &'a str,
    pos: usize,
    loc: &'a Node,
}

impl<'a> Hcl<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn skip_space(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with('#') || trimmed.starts_with("//") {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else if trimmed.starts_with("/*") {
                self.pos += trimmed.find("*/").map_or(trimmed.len(), |e| e + 2);
            } else {
                return;
            }
        }
    }

    fn node(&self, value: Value) -> Node {
        Node::new(value, self.loc.loc)
    }

    fn value(&mut self) -> Option<Node> {
        self.skip_space();
        match self.rest().chars().next()? {
            '{' => self.object(),
            '[' => self.tuple(),
            '"' => {
                let end = closing_quote(self.rest(), 1)?;
                let inner = unescape(&self.rest()[1..end]);
                self.pos += end + 1;
                Some(self.node(Value::String(inner)))
            }
            _ => self.other(),
        }
    }

    fn object(&mut self) -> Option<Node> {
        self.pos += 1;
        let mut map = Map::new();
        loop {
            self.skip_separators();
            if self.rest().starts_with('}') {
                self.pos += 1;
                return Some(self.node(Value::Object(map)));
            }
            let key = self.key()?;
            self.skip_space();
            self.pos += usize::from(self.rest().starts_with(['=', ':']));
            let value = self.value()?;
            map.insert(
                Key {
                    name: key,
                    loc: self.loc.loc,
                },
                value,
            );
        }
    }

    fn key(&mut self) -> Option<String> {
        if self.rest().starts_with('"') {
            let end = closing_quote(self.rest(), 1)?;
            let key = unescape(&self.rest()[1..end]);
            self.pos += end + 1;
            return Some(key);
        }
        let end = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
        (end > 0).then_some(())?;
        let key = self.rest()[..end].to_owned();
        self.pos += end;
        Some(key)
    }

    fn tuple(&mut self) -> Option<Node> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_separators();
            if self.rest().starts_with(']') {
                self.pos += 1;
                return Some(self.node(Value::Array(items)));
            }
            items.push(self.value()?);
        }
    }

    fn skip_separators(&mut self) {
        loop {
            self.skip_space();
            if !self.rest().starts_with(',') {
                return;
            }
            self.pos += 1;
        }
    }

    /// A literal number, bool or null, or any other expression up to the
    /// next separator at its own nesting level, kept as `${expression}`.
    fn other(&mut self) -> Option<Node> {
        let rest = self.rest();
        let end = expression_end(rest);
        (end > 0).then_some(())?;
        let expr = rest[..end].trim();
        self.pos += end;
        let value = match expr {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            n if crate::load::is_json_number(n) => Value::Number(n.to_owned()),
            e => Value::String(format!("${{{e}}}")),
        };
        Some(self.node(value))
    }
}

fn is_comment(text: &str) -> bool {
    text.starts_with("//") || text.starts_with("/*")
}

/// Where an expression inside an object or tuple ends.
fn expression_end(text: &str) -> usize {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, ..) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'(' | b'[' | b'{') => depth += 1,
            (false, _, b')' | b']' | b'}') if depth == 0 => return i,
            (false, _, b')' | b']' | b'}') => depth -= 1,
            (false, _, b',' | b'\n' | b'#') if depth == 0 => return i,
            (false, _, b'/') if depth == 0 && is_comment(&text[i..]) => return i,
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
#[path = "terraform_tests.rs"]
mod tests;

/// True when `validation` (one block or a list) holds a condition
/// `${can(regex("PATTERN", var.NAME))}` whose pattern admits no IAM wildcard.
pub(crate) fn validates_name(validation: &Node, name: &str) -> bool {
    let blocks: Vec<&Node> = match &validation.value {
        Value::Array(items) => items.iter().collect(),
        _ => vec![validation],
    };
    blocks.iter().any(|block| {
        let Value::Object(map) = &block.value else {
            return false;
        };
        map.get("condition")
            .and_then(Node::as_str)
            .and_then(|condition| regex_of(condition, name))
            .is_some_and(|pattern| super::wildcard_free_pattern(&pattern))
    })
}

/// The pattern of `${can(regex("PATTERN", var.NAME))}`, unescaped.
fn regex_of(condition: &str, name: &str) -> Option<String> {
    let literal = condition
        .trim()
        .strip_prefix("${can(regex(\"")?
        .strip_suffix(&format!("\", var.{name}))}}"))?;
    let mut out = String::new();
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return None,
            _ => out.push(c),
        }
    }
    Some(out.replace("$${", "${").replace("%%{", "%{"))
}
