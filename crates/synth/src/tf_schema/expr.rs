//! Finds the references (traversals like `aws_s3_bucket.site.arn`) in Terraform expressions
//! and string templates.
//!
//! Not a full HCL parser: a tokenizer plus the few rules that tell a reference from the
//! other identifiers an expression holds: function names (followed by `(`), attribute
//! accesses on another value (after `.`), object keys (`{ Key = … }`), literals, keywords and
//! the variables a `for` binds.

use super::template::{Part, parts, quoted_end};

/// One step after a reference's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// `.name`
    Attr(String),
    /// `[…]`, `.0` or a splat.
    Index,
}

/// A reference: `root.step.step…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Traversal {
    pub(crate) root: String,
    pub(crate) steps: Vec<Step>,
}

impl Traversal {
    /// The attribute name at step `n`, if that step is an attribute access.
    pub(crate) fn attr(&self, n: usize) -> Option<&str> {
        match self.steps.get(n) {
            Some(Step::Attr(name)) => Some(name),
            _ => None,
        }
    }

    /// The reference as written, indexes shown as `[…]`.
    pub(crate) fn render(&self) -> String {
        let mut out = self.root.clone();
        for step in &self.steps {
            match step {
                Step::Attr(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                Step::Index => out.push_str("[…]"),
            }
        }
        out
    }
}

/// The references in a JSON string, read as a Terraform template.
pub(crate) fn template_references(text: &str) -> Vec<Traversal> {
    let mut scanner = Scanner::default();
    scanner.template(text);
    scanner.found
}

/// The references in a bare expression (a JSON `depends_on` entry, a `count` string …).
pub(crate) fn expression_references(expr: &str) -> Vec<Traversal> {
    let mut scanner = Scanner::default();
    scanner.expression(expr);
    scanner.found
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Number,
    /// A quoted string, with the templates nested inside it.
    Quoted(String),
    Op(&'static str),
    Punct(char),
    Newline,
}

#[derive(Default)]
struct Scanner {
    /// Names bound by `for` expressions and directives: not references.
    bound: Vec<String>,
    found: Vec<Traversal>,
}

const KEYWORDS: &[&str] = &[
    "true", "false", "null", "in", "if", "else", "endif", "endfor",
];

impl Scanner {
    fn template(&mut self, text: &str) {
        let Ok(parts) = parts(text) else { return };
        for part in parts {
            match part {
                Part::Literal => {}
                Part::Interpolation(expr) => self.expression(expr),
                Part::Directive(body) => self.directive(body),
            }
        }
    }

    fn directive(&mut self, body: &str) {
        if let Some(rest) = body.strip_prefix("for ") {
            let (names, source) = rest.split_once(" in ").unwrap_or(("", rest));
            self.bound
                .extend(names.split(',').map(|n| n.trim().to_owned()));
            self.expression(source);
        } else if let Some(cond) = body.strip_prefix("if ") {
            self.expression(cond);
        }
    }

    fn expression(&mut self, expr: &str) {
        let toks = tokenize(expr);
        let mut brackets: Vec<char> = Vec::new();
        for i in 0..toks.len() {
            match &toks[i] {
                Tok::Punct(c @ ('{' | '[' | '(')) => brackets.push(*c),
                Tok::Punct('}' | ']' | ')') => {
                    brackets.pop();
                }
                Tok::Quoted(inner) => self.template(inner),
                Tok::Ident(name) if name == "for" && opens_for(&toks, i) => self.bind(&toks, i),
                Tok::Ident(name) if self.is_reference(&toks, i, name, brackets.last()) => {
                    let traversal = traversal_at(&toks, i, name);
                    self.found.push(traversal);
                }
                _ => {}
            }
        }
    }

    fn bind(&mut self, toks: &[Tok], at: usize) {
        for tok in &toks[at + 1..] {
            match tok {
                Tok::Ident(name) if name == "in" => break,
                Tok::Ident(name) => self.bound.push(name.clone()),
                _ => {}
            }
        }
    }

    fn is_reference(&self, toks: &[Tok], i: usize, name: &str, open: Option<&char>) -> bool {
        let prev = prev_tok(toks, i);
        let next = next_tok(toks, i);
        let is_key = open == Some(&'{')
            && matches!(
                i.checked_sub(1).map(|p| &toks[p]),
                Some(Tok::Punct('{' | ',') | Tok::Newline)
            )
            && matches!(next, Some(Tok::Punct('=' | ':')));
        !(KEYWORDS.contains(&name)
            || name == "for"
            || is_key
            || self.bound.iter().any(|b| b == name)
            || matches!(prev, Some(Tok::Punct('.') | Tok::Op("::")))
            || matches!(next, Some(Tok::Punct('(') | Tok::Op("::"))))
    }
}

fn opens_for(toks: &[Tok], i: usize) -> bool {
    matches!(prev_tok(toks, i), Some(Tok::Punct('[' | '{')))
}

fn prev_tok(toks: &[Tok], i: usize) -> Option<&Tok> {
    toks[..i].iter().rev().find(|t| **t != Tok::Newline)
}

fn next_tok(toks: &[Tok], i: usize) -> Option<&Tok> {
    toks[i + 1..].iter().find(|t| **t != Tok::Newline)
}

/// The traversal rooted at `toks[at]`: attribute and index steps until anything else.
fn traversal_at(toks: &[Tok], at: usize, root: &str) -> Traversal {
    let mut steps = Vec::new();
    let mut i = at + 1;
    loop {
        match (toks.get(i), toks.get(i + 1)) {
            (Some(Tok::Punct('.')), Some(Tok::Ident(name))) => steps.push(Step::Attr(name.clone())),
            (Some(Tok::Punct('.')), Some(Tok::Number | Tok::Punct('*'))) => steps.push(Step::Index),
            (Some(Tok::Punct('[')), _) => {
                steps.push(Step::Index);
                i = matching_close(toks, i);
                i += 1;
                continue;
            }
            _ => break,
        }
        i += 2;
    }
    Traversal {
        root: root.to_owned(),
        steps,
    }
}

fn matching_close(toks: &[Tok], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, tok) in toks.iter().enumerate().skip(open) {
        match tok {
            Tok::Punct('[' | '(' | '{') => depth += 1,
            Tok::Punct(']' | ')' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

const OPERATORS: &[&str] = &["...", "==", "!=", "<=", ">=", "&&", "||", "=>", "::"];

fn tokenize(expr: &str) -> Vec<Tok> {
    let bytes = expr.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let rest = &expr[i..];
        if c == b'\n' {
            toks.push(Tok::Newline);
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if rest.starts_with(|ch: char| ch.is_alphabetic() || ch == '_') {
            let len = rest
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '-'))
                .unwrap_or(rest.len());
            toks.push(Tok::Ident(rest[..len].to_owned()));
            i += len;
        } else if c.is_ascii_digit() {
            i += number_len(bytes, i);
            toks.push(Tok::Number);
        } else if c == b'"' {
            let end = quoted_end(bytes, i + 1).unwrap_or(bytes.len());
            toks.push(Tok::Quoted(expr[i + 1..end.min(bytes.len())].to_owned()));
            i = end + 1;
        } else if let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(**op)) {
            toks.push(Tok::Op(op));
            i += op.len();
        } else {
            let ch = rest.chars().next().unwrap_or(' ');
            toks.push(Tok::Punct(ch));
            i += ch.len_utf8();
        }
    }
    toks
}

/// Digits with an optional fraction (only when a digit follows the dot, so `x.0.y` keeps its
/// dots) and exponent.
fn number_len(bytes: &[u8], start: usize) -> usize {
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut i = start + digits(start);
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1 + digits(i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
        i += 1 + sign + digits(i + 1 + sign);
    }
    i - start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> Vec<String> {
        template_references(text)
            .iter()
            .map(Traversal::render)
            .collect()
    }

    #[test]
    fn plain_and_indexed_references() {
        assert_eq!(
            refs("${aws_s3_bucket.site.arn}/*"),
            ["aws_s3_bucket.site.arn"]
        );
        assert_eq!(refs("${aws_x.a[0].id}"), ["aws_x.a[…].id"]);
        assert_eq!(
            refs("${aws_x.a[count.index].id}"),
            ["aws_x.a[…].id", "count.index"]
        );
        assert_eq!(
            refs("${var.a == \"x\" ? local.b : data.t.n.attr}"),
            ["var.a", "local.b", "data.t.n.attr"]
        );
    }

    #[test]
    fn functions_keys_and_nested_templates() {
        let text = r#"${jsonencode({Version = "2012-10-17", Statement = [{Resource = [aws_t.b.arn, "${aws_t.b.arn}/*"], Condition = {Bool = {"aws:SecureTransport" = false}}}]})}"#;
        assert_eq!(refs(text), ["aws_t.b.arn", "aws_t.b.arn"]);
        assert_eq!(
            refs("${provider::aws::arn_parse(var.arn).region}"),
            ["var.arn"]
        );
        assert_eq!(refs("${lookup(var.m, \"k\", null)}"), ["var.m"]);
    }

    #[test]
    fn for_bound_names_are_not_references() {
        assert_eq!(refs("${[for s in var.list : \"${s}/*\"]}"), ["var.list"]);
        assert_eq!(refs("${{for k, v in local.m : k => v.id}}"), ["local.m"]);
        assert_eq!(refs("%{ for x in var.xs }${x}%{ endfor }"), ["var.xs"]);
    }

    #[test]
    fn odd_input_ends() {
        assert_eq!(refs("${→ var.a}"), ["var.a"]);
        assert_eq!(refs("${var.ä.b}"), ["var.ä.b"]);
        assert_eq!(refs("${\"unterminated}"), Vec::<String>::new());
        assert_eq!(refs("${a[}"), ["a[…]"]);
    }
}
