//! Evaluating the `Conditions` section.
//!
//! Two modes: with parameter defaults as known values
//! ([`Resolver::condition`], used for values and `decode --resolve`), and
//! "free", where every parameter and pseudo parameter may take any value at
//! deploy time and only assumed condition values are known (used by
//! [`Resolver::branches`]). Cycles between conditions evaluate to unknown
//! (and are reported by the checks).

use std::collections::HashMap;

use super::sub::{Segment, segments};
use super::{Resolver, Tri};
use crate::tree::{Node, Value};

impl Resolver {
    /// The value of condition `name` with parameter defaults; unknown for a
    /// condition that depends on a parameter without a default, a pseudo
    /// parameter, or that is not defined.
    pub fn condition(&self, name: &str) -> Tri {
        if let Some(tri) = self.condition_cache.borrow().get(name) {
            return *tri;
        }
        // A placeholder first: a condition whose evaluation comes back to
        // itself (through an `Fn::If` inside an `Fn::Equals`) sees unknown.
        self.condition_cache
            .borrow_mut()
            .insert(name.to_owned(), Tri::Unknown);
        let tri = Eval::new(self, false, &[]).condition(name);
        self.condition_cache
            .borrow_mut()
            .insert(name.to_owned(), tri);
        tri
    }

    /// The names in the `Conditions` section, in template order.
    pub fn condition_names(&self) -> impl Iterator<Item = &str> {
        self.section("Conditions")
            .into_iter()
            .flat_map(|m| m.keys())
    }

    /// The value of `name` when parameters are free and `assumptions` hold.
    pub(crate) fn condition_assuming(&self, name: &str, assumptions: &[(String, bool)]) -> Tri {
        Eval::new(self, true, assumptions).condition(name)
    }

    /// False when some assumed value contradicts what its definition gives
    /// under the other assumptions (`IsDev: !Not [!Condition IsProd]` with
    /// both assumed true).
    pub(crate) fn consistent(&self, assumptions: &[(String, bool)]) -> bool {
        assumptions.iter().all(|(name, value)| {
            let others: Vec<(String, bool)> = assumptions
                .iter()
                .filter(|(n, _)| n != name)
                .cloned()
                .collect();
            let Some(definition) = self.section("Conditions").and_then(|c| c.get(name)) else {
                return true;
            };
            let got = Eval::new(self, true, &others).expr(definition);
            got.known().is_none_or(|b| b == *value)
        })
    }

    /// True when `node` reads a parameter or pseudo parameter, whose value
    /// is free at deploy time.
    pub(crate) fn mentions_input(&self, node: &Node) -> bool {
        if let Some((name, arg)) = node.intrinsic() {
            match name {
                "Ref" => return arg.as_str().is_some_and(|t| self.is_input(t)),
                "Fn::Sub" => return self.sub_mentions_input(arg),
                _ => {}
            }
        }
        match &node.value {
            Value::Array(items) => items.iter().any(|n| self.mentions_input(n)),
            Value::Object(map) => map.iter().any(|(_, v)| self.mentions_input(v)),
            _ => false,
        }
    }

    fn sub_mentions_input(&self, arg: &Node) -> bool {
        let Some((template, vars)) = super::strings::sub_parts(arg) else {
            return true;
        };
        let var_mentions = vars.is_some_and(|v| v.iter().any(|(_, n)| self.mentions_input(n)));
        var_mentions
            || segments(template).iter().any(|s| match s {
                Segment::Var(name) => {
                    vars.and_then(|v| v.get(name)).is_none() && self.is_input(name)
                }
                Segment::Text(_) => false,
            })
    }

    fn is_input(&self, name: &str) -> bool {
        name.starts_with("AWS::") || self.parameter(name).is_some()
    }
}

struct Eval<'a> {
    resolver: &'a Resolver,
    free: bool,
    assumptions: &'a [(String, bool)],
    stack: Vec<String>,
    memo: HashMap<String, Tri>,
}

impl<'a> Eval<'a> {
    fn new(resolver: &'a Resolver, free: bool, assumptions: &'a [(String, bool)]) -> Self {
        Self {
            resolver,
            free,
            assumptions,
            stack: Vec::new(),
            memo: HashMap::new(),
        }
    }

    fn condition(&mut self, name: &str) -> Tri {
        if let Some((_, value)) = self.assumptions.iter().find(|(n, _)| n == name) {
            return Tri::from_bool(*value);
        }
        if let Some(tri) = self.memo.get(name) {
            return *tri;
        }
        if self.stack.iter().any(|n| n == name) {
            return Tri::Unknown;
        }
        let conditions = self.resolver.section("Conditions");
        let Some(definition) = conditions.and_then(|c| c.get(name)) else {
            return Tri::Unknown;
        };
        self.stack.push(name.to_owned());
        let tri = self.expr(definition);
        self.stack.pop();
        self.memo.insert(name.to_owned(), tri);
        tri
    }

    fn expr(&mut self, node: &Node) -> Tri {
        if let Some(b) = node.as_bool() {
            return Tri::from_bool(b);
        }
        let Some((name, arg)) = node.intrinsic() else {
            return Tri::Unknown;
        };
        let args = arg.as_array().unwrap_or_default();
        match (name, args) {
            ("Fn::Equals", [a, b]) => self.equals(a, b),
            ("Fn::Not", [c]) => !self.expr(c),
            ("Fn::And", items) if !items.is_empty() => {
                items.iter().fold(Tri::True, |acc, c| acc.and(self.expr(c)))
            }
            ("Fn::Or", items) if !items.is_empty() => {
                items.iter().fold(Tri::False, |acc, c| acc.or(self.expr(c)))
            }
            ("Condition", _) => match arg.as_str() {
                Some(other) => self.condition(other),
                None => Tri::Unknown,
            },
            _ => Tri::Unknown,
        }
    }

    fn equals(&self, a: &Node, b: &Node) -> Tri {
        let r = self.resolver;
        if self.free && (r.mentions_input(a) || r.mentions_input(b)) {
            return Tri::Unknown;
        }
        if let (Some(_), Some(_)) = (a.as_array(), b.as_array()) {
            let (a, b) = (r.resolve_tree(a), r.resolve_tree(b));
            if super::strings::has_intrinsic(&a) || super::strings::has_intrinsic(&b) {
                return Tri::Unknown;
            }
            return Tri::from_bool(a.to_json() == b.to_json());
        }
        let (a, b) = (r.sym(a), r.sym(b));
        match (a.as_literal(), b.as_literal()) {
            (Some(x), Some(y)) => Tri::from_bool(x == y),
            _ if a == b && a.unknown_reason().is_none() => Tri::True,
            _ => Tri::Unknown,
        }
    }
}
