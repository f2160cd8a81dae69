//! CloudFormation YAML with a location for every key and value.
//!
//! Built on the event API of `saphyr-parser` (a maintained, YAML 1.2
//! compliant, non-recursive parser that reports spans and tags; serde_yaml
//! is archived). Events are folded into a [`Node`] tree here, which is
//! where the CloudFormation-specific decisions live:
//!
//! * Short-form tags become their long form (`!Ref X` → `{"Ref": "X"}`,
//!   `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`); see [`super::tags`].
//!   The argument of a tagged scalar is always a string, as in cfn-lint.
//!   Unknown tags are a [`DiagnosticKind::UnknownTag`] and the value is kept.
//! * Plain scalars are typed the way CloudFormation's YAML 1.1 reader types
//!   them: `true/false/yes/no/on/off` (in lower, Title and UPPER case) are
//!   booleans, `~`/`null`/empty are null. Numbers are recognised only in
//!   JSON's number grammar and keep their text, so account ids such as
//!   `012345678901` and versions such as `1.10` stay exactly as written
//!   (`012…` as a string).
//! * Anchors, aliases and merge keys (`<<`) are resolved, with every copied
//!   value charged to [`Limits::max_alias_nodes`], and reported once as
//!   [`DiagnosticKind::YamlAlias`] because the CloudFormation service itself
//!   rejects them.
//! * Duplicate keys keep the last value and are reported; a key overriding
//!   one that came from a merge key is not a duplicate.
//! * A template is one YAML document; a second one is an error.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, StrInput, Tag};

use super::json::{duplicate_key, to_u32};
use super::tags::{TagMeaning, classify, is_non_specific};
use super::{Diagnostic, DiagnosticKind, Limits, LoadError};
use crate::tree::{Key, Loc, Map, Node, Value};

/// How many under-indented closing brackets [`parse`] re-indents before
/// giving up.
const MAX_RELAXED_LINES: usize = 64;

/// Parses YAML text into a located tree plus diagnostics.
///
/// YAML 1.2 requires the lines of a flow collection inside a block mapping
/// to be indented more than the mapping; PyYAML and CloudFormation accept
/// a closing `]` or `}` at the mapping's own column, and real templates rely
/// on it. When the parser stops at such a line, and the line holds nothing
/// but closing brackets, it is indented like the line before it and parsing
/// starts again. No value sits on that line, so every location is kept.
pub(crate) fn parse(
    path: &Path,
    text: &str,
    limits: &Limits,
) -> Result<(Node, Vec<Diagnostic>), LoadError> {
    let mut relaxed: Option<String> = None;
    for _ in 0..MAX_RELAXED_LINES {
        let current = relaxed.as_deref().unwrap_or(text);
        match parse_once(path, current, limits) {
            Err(LoadError::Syntax { loc, message, .. })
                if message.ends_with("invalid indentation") =>
            {
                match reindent_closer(current, loc.line) {
                    Some(fixed) => relaxed = Some(fixed),
                    None => {
                        return Err(LoadError::Syntax {
                            path: path.to_owned(),
                            loc,
                            message,
                        });
                    }
                }
            }
            other => return other,
        }
    }
    parse_once(path, relaxed.as_deref().unwrap_or(text), limits)
}

/// Re-indents line `line` (1-based) like the previous non-blank line when it
/// holds only closing brackets and commas.
fn reindent_closer(text: &str, line: u32) -> Option<String> {
    let index = usize::try_from(line).ok()?.checked_sub(1)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let target = lines.get(index)?;
    let body = target.trim();
    if body.is_empty() || !body.chars().all(|c| matches!(c, ']' | '}' | ',')) {
        return None;
    }
    let indent_of = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let previous = lines[..index].iter().rev().find(|l| !l.trim().is_empty())?;
    if indent_of(previous) <= indent_of(target) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + indent_of(previous));
    for (i, l) in lines.iter().enumerate() {
        if i == index {
            out.push_str(&" ".repeat(indent_of(previous)));
            out.push_str(l.trim_start_matches(' '));
        } else {
            out.push_str(l);
        }
    }
    Some(out)
}

fn parse_once(
    path: &Path,
    text: &str,
    limits: &Limits,
) -> Result<(Node, Vec<Diagnostic>), LoadError> {
    let mut builder = Builder {
        path,
        events: Parser::new_from_str(text),
        limits,
        anchors: HashMap::new(),
        nodes: 0,
        aliased: 0,
        alias_reported: false,
        diagnostics: Vec::new(),
    };
    let root = builder.stream()?;
    Ok((root, builder.diagnostics))
}

struct Builder<'a> {
    path: &'a Path,
    events: Parser<'a, StrInput<'a>>,
    limits: &'a Limits,
    /// Anchored values with the number of values each contains.
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    aliased: usize,
    alias_reported: bool,
    diagnostics: Vec<Diagnostic>,
}

fn loc_of(span: &Span) -> Loc {
    Loc::new(to_u32(span.start.line()), to_u32(span.start.col() + 1))
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Loc), LoadError> {
        match self.events.next() {
            Some(Ok((event, span))) => Ok((event, loc_of(&span))),
            Some(Err(e)) => Err(self.scan_error(&e)),
            None => Err(self.syntax(Loc::default(), "unexpected end of yaml")),
        }
    }

    fn scan_error(&self, e: &ScanError) -> LoadError {
        let m = e.marker();
        let loc = Loc::new(to_u32(m.line()), to_u32(m.col() + 1));
        self.syntax(loc, &format!("invalid yaml: {}", e.info()))
    }

    fn syntax(&self, loc: Loc, message: &str) -> LoadError {
        LoadError::Syntax {
            path: self.path.to_owned(),
            loc,
            message: message.to_owned(),
        }
    }

    /// A stream holding exactly one document.
    fn stream(&mut self) -> Result<Node, LoadError> {
        let mut event = self.next()?;
        if matches!(event.0, Event::StreamStart) {
            event = self.next()?;
        }
        let root = match event {
            (Event::DocumentStart(_), _) => {
                let (first, loc) = self.next()?;
                self.node(first, loc, 0)?
            }
            _ => {
                return Err(LoadError::Empty {
                    path: self.path.to_owned(),
                });
            }
        };
        self.end_of_stream()?;
        Ok(root)
    }

    fn end_of_stream(&mut self) -> Result<(), LoadError> {
        loop {
            match self.next()? {
                (Event::DocumentEnd, _) => {}
                (Event::StreamEnd, _) => return Ok(()),
                (_, loc) => {
                    return Err(self.syntax(loc, "more than one yaml document in a template"));
                }
            }
        }
    }

    fn node(&mut self, event: Event<'a>, loc: Loc, depth: usize) -> Result<Node, LoadError> {
        if depth > self.limits.max_depth {
            return Err(LoadError::TooDeep {
                path: self.path.to_owned(),
                loc,
                limit: self.limits.max_depth,
            });
        }
        self.count(1, loc)?;
        let before = self.nodes;
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                (self.scalar(&text, style, tag.as_deref(), loc), anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                (self.sequence(tag.as_deref(), loc, depth)?, anchor)
            }
            Event::MappingStart(anchor, tag) => (self.mapping(tag.as_deref(), loc, depth)?, anchor),
            Event::Alias(id) => return self.alias(id, loc),
            _ => return Err(self.syntax(loc, "unexpected yaml event")),
        };
        if anchor != 0 {
            let count = self.nodes - before + 1;
            self.anchors.insert(anchor, (node.clone(), count));
        }
        Ok(node)
    }

    fn count(&mut self, n: usize, loc: Loc) -> Result<(), LoadError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(LoadError::TooManyNodes {
                path: self.path.to_owned(),
                loc,
                limit: self.limits.max_nodes,
            });
        }
        Ok(())
    }

    fn alias(&mut self, id: usize, loc: Loc) -> Result<Node, LoadError> {
        self.report_alias(loc);
        let Some((node, count)) = self.anchors.get(&id) else {
            return Err(self.syntax(loc, "alias to an undefined or enclosing anchor"));
        };
        let count = *count;
        self.aliased = self.aliased.saturating_add(count);
        if self.aliased > self.limits.max_alias_nodes {
            return Err(LoadError::AliasBudget {
                path: self.path.to_owned(),
                loc,
                limit: self.limits.max_alias_nodes,
            });
        }
        let mut copy = node.clone();
        copy.loc = loc;
        self.count(count.saturating_sub(1), loc)?;
        Ok(copy)
    }

    fn report_alias(&mut self, loc: Loc) {
        if !self.alias_reported {
            self.alias_reported = true;
            self.diagnostics.push(Diagnostic::new(
                DiagnosticKind::YamlAlias,
                "yaml aliases or merge keys are resolved here, but CloudFormation rejects them \
                 unless a packaging step expands them first",
                loc,
            ));
        }
    }

    fn scalar(&mut self, text: &str, style: ScalarStyle, tag: Option<&Tag>, loc: Loc) -> Node {
        let untagged = || match style {
            ScalarStyle::Plain => plain(text),
            _ => Value::String(text.to_owned()),
        };
        let Some(tag) = tag else {
            return Node::new(untagged(), loc);
        };
        match classify(tag) {
            TagMeaning::Intrinsic(name) => wrap(name, Node::string(text, loc)),
            TagMeaning::GetAtt => wrap("Fn::GetAtt".into(), get_att(text, loc)),
            TagMeaning::Core(core) => Node::new(core_scalar(&core, text, untagged()), loc),
            TagMeaning::Unknown(name) => {
                self.unknown_tag(&name, loc);
                Node::new(untagged(), loc)
            }
        }
    }

    fn unknown_tag(&mut self, name: &str, loc: Loc) {
        self.diagnostics.push(Diagnostic::new(
            DiagnosticKind::UnknownTag,
            format!("unknown yaml tag `{name}`; the value is read without it"),
            loc,
        ));
    }

    /// Wraps a collection in the intrinsic its tag names.
    fn tagged(&mut self, tag: Option<&Tag>, node: Node) -> Node {
        let Some(tag) = tag else { return node };
        match classify(tag) {
            TagMeaning::Intrinsic(name) => wrap(name, node),
            TagMeaning::GetAtt => wrap("Fn::GetAtt".into(), node),
            TagMeaning::Core(_) => node,
            TagMeaning::Unknown(name) => {
                self.unknown_tag(&name, node.loc);
                node
            }
        }
    }

    fn sequence(&mut self, tag: Option<&Tag>, loc: Loc, depth: usize) -> Result<Node, LoadError> {
        let mut items = Vec::new();
        loop {
            match self.next()? {
                (Event::SequenceEnd, _) => break,
                (event, at) => items.push(self.node(event, at, depth + 1)?),
            }
        }
        Ok(self.tagged(tag, Node::new(Value::Array(items), loc)))
    }

    fn mapping(&mut self, tag: Option<&Tag>, loc: Loc, depth: usize) -> Result<Node, LoadError> {
        let mut map = Map::new();
        let mut merged = HashSet::new();
        loop {
            let (event, key_loc) = self.next()?;
            let key = match event {
                Event::MappingEnd => break,
                Event::Scalar(_, _, _, Some(tag)) if !is_non_specific(&tag) => {
                    let tag = format!("{}{}", tag.handle, tag.suffix);
                    let message = format!("a mapping key cannot carry a tag (`{tag}`)");
                    return Err(self.syntax(key_loc, &message));
                }
                Event::Scalar(text, style, anchor, _) => {
                    self.key_anchor(anchor, &text, key_loc);
                    (text.into_owned(), style)
                }
                _ => return Err(self.syntax(key_loc, "mapping keys must be plain strings")),
            };
            let (event, at) = self.next()?;
            let value = self.node(event, at, depth + 1)?;
            if key.0 == "<<" && key.1 == ScalarStyle::Plain {
                self.merge(&mut map, &mut merged, value, key_loc)?;
            } else {
                self.insert(
                    &mut map,
                    &mut merged,
                    Key {
                        name: key.0,
                        loc: key_loc,
                    },
                    value,
                );
            }
        }
        Ok(self.tagged(tag, Node::new(Value::Object(map), loc)))
    }

    fn key_anchor(&mut self, anchor: usize, text: &str, loc: Loc) {
        if anchor != 0 {
            self.anchors.insert(anchor, (Node::string(text, loc), 1));
        }
    }

    fn insert(&mut self, map: &mut Map, merged: &mut HashSet<String>, key: Key, value: Node) {
        let (name, loc) = (key.name.clone(), key.loc);
        if let Some((first, _)) = map.insert(key, value) {
            if !merged.remove(&name) {
                self.diagnostics.push(duplicate_key(&name, first.loc, loc));
            }
        }
    }

    /// Applies a merge key: its keys are added unless the mapping already
    /// has them; later explicit keys override them without a duplicate
    /// report. In a list of mappings the first one to define a key wins.
    fn merge(
        &mut self,
        map: &mut Map,
        merged: &mut HashSet<String>,
        value: Node,
        loc: Loc,
    ) -> Result<(), LoadError> {
        self.report_alias(loc);
        let sources = match value.value {
            Value::Object(m) => vec![m],
            Value::Array(items) => items
                .into_iter()
                .map(|n| match n.value {
                    Value::Object(m) => Ok(m),
                    _ => Err(()),
                })
                .collect::<Result<_, _>>()
                .map_err(|()| self.syntax(loc, "merge key `<<` needs mappings"))?,
            _ => {
                return Err(
                    self.syntax(loc, "merge key `<<` needs a mapping or a list of mappings")
                );
            }
        };
        for source in sources {
            for (key, node) in source.iter() {
                if map.get(&key.name).is_none() {
                    merged.insert(key.name.clone());
                    map.insert(key.clone(), node.clone());
                }
            }
        }
        Ok(())
    }
}

fn wrap(name: String, arg: Node) -> Node {
    let loc = arg.loc;
    let mut map = Map::new();
    map.insert(Key { name, loc }, arg);
    Node::new(Value::Object(map), loc)
}

/// `A.B.C` → `["A", "B.C"]`: the logical id never contains a dot, nested
/// attribute names (`Endpoint.Address`) do.
fn get_att(text: &str, loc: Loc) -> Node {
    match text.split_once('.') {
        Some((resource, attribute)) => Node::new(
            Value::Array(vec![
                Node::string(resource, loc),
                Node::string(attribute, loc),
            ]),
            loc,
        ),
        None => Node::string(text, loc),
    }
}

fn core_scalar(core: &str, text: &str, untagged: Value) -> Value {
    match (core, plain(text)) {
        ("str", _) => Value::String(text.to_owned()),
        ("int" | "float", n @ Value::Number(_)) => n,
        ("bool", b @ Value::Bool(_)) => b,
        ("null", n @ Value::Null) => n,
        _ => untagged,
    }
}

/// Types a plain scalar (see the module doc for the choices).
pub(crate) fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Value::Bool(true),
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            Value::Bool(false)
        }
        _ if is_json_number(text) => Value::Number(text.to_owned()),
        _ => Value::String(text.to_owned()),
    }
}

/// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub(crate) fn is_json_number(text: &str) -> bool {
    let s = text.strip_prefix('-').unwrap_or(text);
    let (int, rest) = split_digits(s);
    if int.is_empty() || (int.len() > 1 && int.starts_with('0')) {
        return false;
    }
    let rest = match rest.strip_prefix('.') {
        Some(frac) => match split_digits(frac) {
            ("", _) => return false,
            (_, rest) => rest,
        },
        None => rest,
    };
    match rest.strip_prefix(['e', 'E']) {
        Some(exp) => {
            let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            matches!(split_digits(exp), (d, "") if !d.is_empty())
        }
        None => rest.is_empty(),
    }
}

fn split_digits(s: &str) -> (&str, &str) {
    s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()))
}

#[cfg(test)]
#[path = "yaml_tests.rs"]
mod tests;
