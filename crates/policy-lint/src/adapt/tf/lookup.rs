//! [`Lookup`] over a Terraform configuration: `${…}` interpolations become
//! symbolic strings, `var.x` its default, `local.x` its value, resource and
//! data source attributes references, and the provider's identity data
//! sources (`aws_caller_identity`, `aws_region`, `aws_partition`) the
//! pseudo parameters CloudFormation spells `AWS::AccountId` and friends.
//!
//! Values the lookup produces are themselves in template form: a string
//! that holds a reference stays `"${aws_s3_bucket.site.arn}"`, literal text
//! is escaped (`$${`), so reading a value twice gives the same answer.
//! Plans are brought into the same form when they are read (see
//! `source.rs`).

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use super::expr::{self, Expr, Index, Step};
use super::template::{self, Piece};
use crate::adapt::Lookup;
use crate::sym::{Part, Sym};
use crate::tree::{Key, Loc, Map, Node, Value};

/// Locals that refer to locals nest; past this depth (or in a cycle) the
/// value is unknown.
const MAX_DEPTH: usize = 32;

/// Resolves values inside one Terraform configuration or plan.
pub struct TfLookup<'a> {
    variables: BTreeMap<&'a str, Option<&'a Node>>,
    locals: BTreeMap<&'a str, &'a Node>,
    /// Every resource and data source address, for references through
    /// modules and instance keys (`module.web.aws_s3_bucket.site[0]`).
    addresses: BTreeSet<String>,
    /// Variables without a default that name one wildcard-free value (their `validation`
    /// says so): opaque, like a pseudo parameter, rather than unknown.
    one_name: BTreeSet<&'a str>,
    depth: Cell<usize>,
}

/// Leaves the nesting level on drop.
struct Nested<'l>(&'l Cell<usize>);

impl Drop for Nested<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl<'a> TfLookup<'a> {
    pub(crate) fn new(
        variables: BTreeMap<&'a str, Option<&'a Node>>,
        locals: BTreeMap<&'a str, &'a Node>,
        addresses: BTreeSet<String>,
    ) -> Self {
        Self {
            variables,
            locals,
            addresses,
            one_name: BTreeSet::new(),
            depth: Cell::new(0),
        }
    }

    /// The lookup with `names` read as one opaque value each (see [`TfLookup::one_name`]).
    pub(crate) fn with_one_name(mut self, names: BTreeSet<&'a str>) -> Self {
        self.one_name = names;
        self
    }

    fn nest(&self) -> Option<Nested<'_>> {
        let depth = self.depth.get();
        (depth < MAX_DEPTH).then(|| {
            self.depth.set(depth + 1);
            Nested(&self.depth)
        })
    }

    /// Evaluates an expression into template form.
    pub(crate) fn eval(&self, expr: &Expr<'_>, loc: Loc) -> Node {
        let Some(_nested) = self.nest() else {
            return unknown(TOO_DEEP, loc);
        };
        let value = match expr {
            Expr::Str(text) => Value::String(text.clone()),
            Expr::Num(n) => Value::Number((*n).to_owned()),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Null => Value::Null,
            Expr::Traversal(steps) => return self.traversal(steps, loc),
            Expr::Call(name, args) => return self.call(name, args, loc),
            Expr::Tuple(items) => Value::Array(items.iter().map(|e| self.eval(e, loc)).collect()),
            Expr::Object(items) => {
                let mut map = Map::new();
                for (key, e) in items {
                    map.insert(
                        Key {
                            name: key.clone(),
                            loc,
                        },
                        self.eval(e, loc),
                    );
                }
                Value::Object(map)
            }
            Expr::Other(text) => Value::Unknown(format!("`{}` is not evaluated", short(text))),
        };
        Node::new(value, loc)
    }

    /// A string node that is one interpolation, evaluated (keeping the
    /// expression's type); any other node as it is.
    pub(crate) fn expand(&self, node: &Node) -> Node {
        match node.as_str().and_then(template::single_interpolation) {
            Some(e) => {
                let mut out = self.eval(&expr::parse(e), node.loc);
                out.loc = node.loc;
                out
            }
            None => node.clone(),
        }
    }

    /// The value of a local as written, before evaluation, when `steps` is
    /// exactly `local.NAME`.
    pub(crate) fn local_as_written(&self, steps: &[Step<'_>]) -> Option<&'a Node> {
        match steps {
            [Step::Attr("local"), Step::Attr(name)] => self.locals.get(name).copied(),
            _ => None,
        }
    }

    /// The symbolic string of a template.
    pub(crate) fn template_sym(&self, text: &str, loc: Loc) -> Sym {
        let Some(_nested) = self.nest() else {
            return Sym::unknown(TOO_DEEP);
        };
        let Ok(pieces) = template::pieces(text) else {
            return Sym::unknown("an interpolation is not closed");
        };
        let mut out = Sym::default();
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.push(Part::Text(t.into_owned())),
                Piece::Directive(d) => out.extend(Sym::unknown(format!(
                    "the template directive `%{{{}}}` is not evaluated",
                    short(d)
                ))),
                Piece::Interp(e) => out.extend(self.expr_sym(&expr::parse(e), loc)),
            }
        }
        out
    }

    fn expr_sym(&self, expr: &Expr<'_>, loc: Loc) -> Sym {
        if let Expr::Traversal(steps) = expr
            && let [Step::Attr("var"), Step::Attr(name)] = steps.as_slice()
            && self.one_name.contains(name)
        {
            return Sym::from_parts([Part::Pseudo(format!("var.{name}"))]);
        }
        match expr {
            Expr::Traversal(steps) if !matches!(root(steps), Some("var" | "local")) => {
                self.reference(steps).unwrap_or_else(Sym::unknown)
            }
            _ => self.sym(&self.eval(expr, loc)),
        }
    }

    fn traversal(&self, steps: &[Step<'_>], loc: Loc) -> Node {
        let name = match steps.get(1) {
            Some(Step::Attr(name)) => *name,
            _ => "",
        };
        let rest = steps.get(2..).unwrap_or_default();
        match root(steps) {
            Some("var") => match self.variables.get(name) {
                Some(Some(default)) => index(&literal_tree(default), rest, loc),
                Some(None) => unknown(&format!("variable `{name}` has no default"), loc),
                None => unknown(&format!("variable `{name}` is not declared here"), loc),
            },
            Some("local") => match self.locals.get(name) {
                Some(value) => index(&self.expand(value), rest, loc),
                None => unknown(&format!("local `{name}` is not declared here"), loc),
            },
            _ => match self.reference(steps) {
                Ok(_) => Node::string(format!("${{{}}}", expr::render(steps)), loc),
                Err(reason) => unknown(&reason, loc),
            },
        }
    }

    /// The reference a traversal makes, or why it is not one.
    fn reference(&self, steps: &[Step<'_>]) -> Result<Sym, String> {
        if let Some(sym) = pseudo(steps) {
            return Ok(sym);
        }
        if let Some(sym) = self.known_address(steps) {
            return Ok(sym);
        }
        let text = expr::render(steps);
        match root(steps) {
            Some("data") => self
                .data_reference(steps)
                .ok_or_else(|| format!("`{text}` is incomplete")),
            Some("count" | "each") => Err(format!("`{text}` differs from instance to instance")),
            Some("self") => Err(format!("`{text}` is known only to a provisioner")),
            Some("path" | "terraform") => Err(format!("`{text}` depends on where Terraform runs")),
            Some("module") => Err(format!("`{text}` is an output of a module not read here")),
            Some(ty) if ty.contains('_') => {
                resource_reference(steps).ok_or_else(|| format!("`{text}` is incomplete"))
            }
            _ => Err(format!("`{text}` is not a reference the linter knows")),
        }
    }

    /// A traversal whose longest prefix is a known address.
    fn known_address(&self, steps: &[Step<'_>]) -> Option<Sym> {
        (1..=steps.len()).rev().find_map(|k| {
            let target = expr::render(&steps[..k]);
            self.addresses
                .contains(&target)
                .then(|| Sym::reference(target, attribute(&steps[k..]).as_deref()))
        })
    }

    fn data_reference(&self, steps: &[Step<'_>]) -> Option<Sym> {
        let [_, Step::Attr(ty), Step::Attr(name), rest @ ..] = steps else {
            return None;
        };
        Some(Sym::reference(
            format!("data.{ty}.{name}"),
            attribute(rest).as_deref(),
        ))
    }

    fn call(&self, name: &str, args: &[Expr<'_>], loc: Loc) -> Node {
        let evaluated = || args.iter().map(|a| self.eval(a, loc)).collect::<Vec<_>>();
        match (name, args) {
            ("jsonencode", [arg]) => match self.literal_json(&self.eval(arg, loc)) {
                Ok(json) => Node::string(template::escape(&json.to_string()), loc),
                Err(reason) => unknown(&format!("`jsonencode` of a value that {reason}"), loc),
            },
            ("merge", _) => merge(evaluated(), loc),
            (
                "tostring" | "tonumber" | "tobool" | "tolist" | "toset" | "tomap" | "sensitive"
                | "nonsensitive",
                [arg],
            ) => self.eval(arg, loc),
            _ => unknown(&format!("the function `{name}` is not evaluated"), loc),
        }
    }

    /// A value with no references left, as JSON; otherwise why not.
    fn literal_json(&self, node: &Node) -> Result<serde_json::Value, String> {
        use serde_json::Value as J;
        Ok(match &node.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => serde_json::from_str(n).map_err(|_| "is not a number")?,
            Value::String(s) => match self.template_sym(s, node.loc).as_literal() {
                Some(text) => J::String(text.to_owned()),
                None => return Err("is known only when Terraform runs".to_owned()),
            },
            Value::Array(items) => J::Array(
                items
                    .iter()
                    .map(|n| self.literal_json(n))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => {
                let mut out = serde_json::Map::new();
                for (key, value) in map.iter() {
                    out.insert(key.name.clone(), self.literal_json(value)?);
                }
                J::Object(out)
            }
            Value::Unknown(reason) => return Err(format!("is unknown ({reason})")),
        })
    }
}

const TOO_DEEP: &str = "values refer to each other too deeply (or in a cycle)";

fn root<'s>(steps: &[Step<'s>]) -> Option<&'s str> {
    match steps.first() {
        Some(Step::Attr(name)) => Some(name),
        _ => None,
    }
}

/// The provider's identity data sources, as the pseudo parameters
/// CloudFormation spells `AWS::AccountId` and friends, in any module.
fn pseudo(steps: &[Step<'_>]) -> Option<Sym> {
    let at = steps.iter().position(|s| *s == Step::Attr("data"))?;
    let [Step::Attr(ty), Step::Attr(_), Step::Attr(attr)] = steps.get(at + 1..at + 4)? else {
        return None;
    };
    let name = match (*ty, *attr) {
        ("aws_caller_identity", "account_id") => "AWS::AccountId",
        ("aws_region", "name" | "region" | "id") => "AWS::Region",
        ("aws_partition", "partition") => "AWS::Partition",
        ("aws_partition", "dns_suffix") => "AWS::URLSuffix",
        _ => return None,
    };
    Some(Sym::from_parts([Part::Pseudo(name.to_owned())]))
}

/// `type.name[.attribute…]`, with any instance key dropped: the model has
/// one resource per configuration block.
fn resource_reference(steps: &[Step<'_>]) -> Option<Sym> {
    let [Step::Attr(ty), Step::Attr(name), rest @ ..] = steps else {
        return None;
    };
    let rest: Vec<Step<'_>> = rest
        .iter()
        .skip_while(|s| matches!(s, Step::Index(_) | Step::Splat))
        .cloned()
        .collect();
    Some(Sym::reference(
        format!("{ty}.{name}"),
        attribute(&rest).as_deref(),
    ))
}

fn attribute(steps: &[Step<'_>]) -> Option<String> {
    let text = expr::render(steps);
    let text = text.trim_start_matches('.');
    (!text.is_empty()).then(|| text.to_owned())
}

/// Follows attribute and index steps into an evaluated value.
fn index(node: &Node, steps: &[Step<'_>], loc: Loc) -> Node {
    let mut current = node.clone();
    for step in steps {
        let next = match (step, &current.value) {
            (_, Value::Unknown(_)) => return current,
            (Step::Attr(name), Value::Object(map)) => map.get(name).cloned(),
            (Step::Index(Index::Key(key)), Value::Object(map)) => map.get(key).cloned(),
            (Step::Index(Index::Number(i)), Value::Array(items)) => items.get(*i).cloned(),
            _ => None,
        };
        match next {
            Some(n) => current = n,
            None => {
                let what = expr::render(std::slice::from_ref(step));
                return unknown(
                    &format!("the value has no `{}`", what.trim_start_matches('.')),
                    loc,
                );
            }
        }
    }
    current
}

/// A variable default: literal values, rewritten into template form.
fn literal_tree(node: &Node) -> Node {
    let value = match &node.value {
        Value::String(s) => Value::String(template::escape(s).into_owned()),
        Value::Array(items) => Value::Array(items.iter().map(literal_tree).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map.iter() {
                out.insert(key.clone(), literal_tree(value));
            }
            Value::Object(out)
        }
        other => other.clone(),
    };
    Node::new(value, node.loc)
}

fn merge(maps: Vec<Node>, loc: Loc) -> Node {
    let mut out = Map::new();
    for node in maps {
        match node.value {
            Value::Object(map) => {
                for (key, value) in map.iter() {
                    out.insert(key.clone(), value.clone());
                }
            }
            Value::Null => {}
            Value::Unknown(reason) => return unknown(&reason, loc),
            _ => return unknown("`merge` of a value that is not a map", loc),
        }
    }
    Node::new(Value::Object(out), loc)
}

fn unknown(reason: &str, loc: Loc) -> Node {
    Node::new(Value::Unknown(reason.to_owned()), loc)
}

/// An expression's text, shortened for a message.
fn short(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// Why a symbolic string is not one literal.
pub(crate) fn not_literal_reason(sym: &Sym) -> String {
    match sym.unknown_reason() {
        Some(reason) => reason.to_owned(),
        None => format!("`{sym}` is known only when Terraform runs"),
    }
}

impl Lookup for TfLookup<'_> {
    fn sym(&self, node: &Node) -> Sym {
        match &node.value {
            Value::String(s) => self.template_sym(s, node.loc),
            Value::Number(n) => Sym::text(n.clone()),
            Value::Bool(b) => Sym::text(b.to_string()),
            Value::Unknown(reason) => Sym::unknown(reason.clone()),
            Value::Null => Sym::unknown("the value is null"),
            Value::Array(_) | Value::Object(_) => {
                Sym::unknown("a list or map where a string belongs")
            }
        }
    }

    fn value(&self, node: &Node) -> Node {
        let evaluated = self.expand(node);
        let Value::String(text) = &evaluated.value else {
            return evaluated;
        };
        let sym = self.template_sym(text, node.loc);
        match sym.as_literal() {
            Some(literal) => Node::string(literal, node.loc),
            None => Node::new(Value::Unknown(not_literal_reason(&sym)), node.loc),
        }
    }

    fn condition(&self, _name: &str) -> Option<bool> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_lookup(json: serde_json::Value, check: impl FnOnce(&TfLookup<'_>)) {
        let root = Node::from_json(&json, Loc::default());
        let mut variables = BTreeMap::new();
        if let Some(vars) = root.get("variable").and_then(Node::as_object) {
            for (key, body) in vars.iter() {
                variables.insert(key.name.as_str(), body.get("default"));
            }
        }
        let mut locals = BTreeMap::new();
        if let Some(map) = root.get("locals").and_then(Node::as_object) {
            for (key, value) in map.iter() {
                locals.insert(key.name.as_str(), value);
            }
        }
        let addresses = ["module.web.aws_s3_bucket.site[0]".to_owned()].into();
        check(&TfLookup::new(variables, locals, addresses));
    }

    fn s(text: &str) -> Node {
        Node::string(text, Loc::default())
    }

    #[test]
    fn references_variables_locals_and_pseudo_parameters() {
        let config = serde_json::json!({
            "variable": {"stage": {"default": "prod"}, "free": {}},
            "locals": {"prefix": "app-${var.stage}", "loop": "${local.loop}"}
        });
        with_lookup(config, |l| {
            let sym = l.sym(&s(
                "arn:${data.aws_partition.p.partition}:s3:::${local.prefix}-${aws_s3_bucket.b.id}/*",
            ));
            assert_eq!(
                sym.to_string(),
                "arn:${AWS::Partition}:s3:::app-prod-${aws_s3_bucket.b.id}/*"
            );
            assert_eq!(
                l.sym(&s("${aws_s3_bucket.b[count.index].arn}")),
                Sym::reference("aws_s3_bucket.b", Some("arn"))
            );
            assert_eq!(
                l.sym(&s("${module.web.aws_s3_bucket.site[0].id}")),
                Sym::reference("module.web.aws_s3_bucket.site[0]", Some("id"))
            );
            assert_eq!(
                l.sym(&s("${data.aws_iam_policy_document.p.json}")),
                Sym::reference("data.aws_iam_policy_document.p", Some("json"))
            );
            assert_eq!(
                l.sym(&s("${var.free}")).unknown_reason(),
                Some("variable `free` has no default")
            );
            assert_eq!(l.sym(&s("${local.loop}")).unknown_reason(), Some(TOO_DEEP));
            assert_eq!(
                l.sym(&s("$${aws:username}")).as_literal(),
                Some("${aws:username}")
            );
        });
    }

    #[test]
    fn values_keep_their_type_and_unknowns_say_why() {
        let config = serde_json::json!({
            "variable": {"days": {"default": 30}, "tags": {"default": {"a": "1"}}},
            "locals": {"on": true}
        });
        with_lookup(config, |l| {
            assert_eq!(l.value(&s("${var.days}")).as_i64(), Some(30));
            assert_eq!(l.value(&s("${local.on}")).as_bool(), Some(true));
            let merged = l.value(&s("${merge(var.tags, {b = \"2\"})}"));
            assert_eq!(merged.to_json(), serde_json::json!({"a": "1", "b": "2"}));
            let json = l.value(&s("${jsonencode({requestId = \"$context.requestId\"})}"));
            assert_eq!(json.as_str(), Some(r#"{"requestId":"$context.requestId"}"#));
            let reason = |n: Node| match n.value {
                Value::Unknown(r) => r,
                other => panic!("not unknown: {other:?}"),
            };
            assert_eq!(
                reason(l.value(&s("${aws_kms_key.k.arn}"))),
                "`${aws_kms_key.k.arn}` is known only when Terraform runs"
            );
            assert_eq!(
                reason(l.value(&s("${var.days > 1 ? 1 : 2}"))),
                "`var.days > 1 ? 1 : 2` is not evaluated"
            );
            assert_eq!(
                reason(l.value(&s("${lower(\"A\")}"))),
                "the function `lower` is not evaluated"
            );
            assert_eq!(
                reason(l.value(&s("${each.key}"))),
                "`each.key` differs from instance to instance"
            );
        });
    }
}
