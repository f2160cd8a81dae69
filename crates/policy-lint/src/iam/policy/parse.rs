//! Builds a [`Policy`] from a located tree, recording problems as it goes.

use std::borrow::Cow;

use crate::sym::Sym;
use crate::tree::{Key, Loc, Map, Node, Value};

use super::super::values::{Branch, Expansion, Guard, Values};
use super::{
    Condition, Effect, Elements, Item, Operator, Policy, Principal, PrincipalKind, Principals,
    Problem, Statement,
};

/// How deep `Fn::If` arms may nest before the reader gives up on a value; a
/// resolver that keeps returning intrinsics must not loop forever.
const MAX_EXPANSION_DEPTH: u32 = 32;

const DOCUMENT_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

type Alternative<'a> = (Cow<'a, Node>, Vec<Guard>);

struct Reader<'v> {
    values: &'v dyn Values,
    problems: Vec<Problem>,
    unknowns: Vec<Item<String>>,
    statements: Vec<Statement>,
    version: Option<Item<Sym>>,
}

pub(super) fn policy(node: &Node, values: &dyn Values) -> Policy {
    let mut reader = Reader {
        values,
        problems: Vec::new(),
        unknowns: Vec::new(),
        statements: Vec::new(),
        version: None,
    };
    for (doc, guards) in reader.alternatives(node, &[]) {
        reader.document(&doc, &guards);
    }
    Policy {
        version: reader.version,
        statements: reader.statements,
        unknowns: reader.unknowns,
        problems: reader.problems,
        loc: node.loc,
    }
}

impl Reader<'_> {
    /// What `node` may stand for, each with the guards it needs.
    fn alternatives<'a>(&self, node: &'a Node, guards: &[Guard]) -> Vec<Alternative<'a>> {
        let mut out = Vec::new();
        self.expand_into(Cow::Borrowed(node), guards.to_vec(), 0, &mut out);
        out
    }

    fn expand_into<'a>(
        &self,
        node: Cow<'a, Node>,
        guards: Vec<Guard>,
        depth: u32,
        out: &mut Vec<Alternative<'a>>,
    ) {
        let branches: Option<Vec<Branch<'a>>> = match &node {
            Cow::Borrowed(n) => match self.values.expand(n) {
                Expansion::AsIs => None,
                Expansion::Replaced(b) => Some(b),
            },
            Cow::Owned(n) => match self.values.expand(n) {
                Expansion::AsIs => None,
                Expansion::Replaced(b) => Some(owned(b)),
            },
        };
        let Some(branches) = branches.filter(|_| depth < MAX_EXPANSION_DEPTH) else {
            out.push((node, guards));
            return;
        };
        for branch in branches {
            let mut inner = guards.clone();
            inner.extend(branch.guard);
            self.expand_into(branch.node, inner, depth + 1, out);
        }
    }

    fn document(&mut self, node: &Node, guards: &[Guard]) {
        let Some(map) = node.as_object().filter(|_| node.intrinsic().is_none()) else {
            self.structural(node, "policy document", || Problem::NotAnObject {
                loc: node.loc,
            });
            return;
        };
        let elements = self.elements(map, &DOCUMENT_ELEMENTS);
        if let Some(version) = find(&elements, "Version") {
            self.version(version, guards);
        }
        match find(&elements, "Statement") {
            Some(statements) => self.statements(statements, guards),
            None => self
                .problems
                .push(Problem::MissingStatement { loc: node.loc }),
        }
    }

    fn version(&mut self, node: &Node, guards: &[Guard]) {
        let Some(version) = self.scalar(node, "Version", guards) else {
            return;
        };
        if let Some(found) = version.value.as_literal().filter(|v| *v != "2012-10-17") {
            let found = found.to_owned();
            self.problems.push(Problem::OldVersion {
                found,
                loc: node.loc,
            });
        }
        self.version = Some(version);
    }

    fn statements(&mut self, node: &Node, guards: &[Guard]) {
        for (alt, guards) in self.alternatives(node, guards) {
            match &alt.value {
                Value::Array(items) => {
                    for item in items {
                        for (stmt, guards) in self.alternatives(item, &guards) {
                            self.statement(&stmt, guards);
                        }
                    }
                }
                _ => self.statement(&alt, guards),
            }
        }
    }

    /// Reports a node that should have been an object or list: unknown when
    /// the resolver says it cannot be known, a problem otherwise.
    fn structural(&mut self, node: &Node, what: &str, problem: impl FnOnce() -> Problem) {
        let is_value = matches!(node.value, Value::Unknown(_)) || node.intrinsic().is_some();
        let sym = is_value.then(|| self.values.sym(node));
        match sym.as_ref().and_then(Sym::unknown_reason) {
            Some(reason) => self.unknowns.push(Item {
                value: format!("{what}: {reason}"),
                loc: node.loc,
                guards: Vec::new(),
            }),
            None => self.problems.push(problem()),
        }
    }

    fn statement(&mut self, node: &Node, guards: Vec<Guard>) {
        let Some(map) = node.as_object().filter(|_| node.intrinsic().is_none()) else {
            self.structural(node, "statement", || Problem::StatementNotAnObject {
                loc: node.loc,
            });
            return;
        };
        let elements = self.elements(map, &STATEMENT_ELEMENTS);
        let loc = node.loc;
        let statement = Statement {
            index: self.statements.len(),
            sid: find(&elements, "Sid").and_then(|n| self.scalar(n, "Sid", &guards)),
            effect: self.effect(find(&elements, "Effect"), loc, &guards),
            actions: self.pair(&elements, ("Action", "NotAction"), loc, &guards, true),
            resources: self.pair(&elements, ("Resource", "NotResource"), loc, &guards, false),
            principals: self.principals(&elements, loc, &guards),
            conditions: find(&elements, "Condition")
                .map_or_else(Vec::new, |c| self.conditions(c, &guards)),
            guards,
            loc,
        };
        self.statements.push(statement);
    }

    /// Looks up each key against the element names IAM defines, ignoring
    /// case but reporting unusual spelling, and reports unknown keys.
    fn elements<'m>(
        &mut self,
        map: &'m Map,
        names: &[&'static str],
    ) -> Vec<(&'static str, &'m Node)> {
        let mut found = Vec::new();
        for (key, node) in map.iter() {
            match names.iter().find(|n| n.eq_ignore_ascii_case(&key.name)) {
                Some(name) => {
                    if *name != key.name {
                        self.problems.push(element_case(key, name));
                    }
                    found.push((*name, node));
                }
                None => self.problems.push(Problem::UnknownElement {
                    name: key.name.clone(),
                    loc: key.loc,
                }),
            }
        }
        found
    }

    fn effect(&mut self, node: Option<&Node>, loc: Loc, guards: &[Guard]) -> Item<Effect> {
        let Some(node) = node else {
            self.problems.push(Problem::MissingEffect { loc });
            return item(
                Effect::Unknown("statement has no `Effect`".into()),
                loc,
                guards,
            );
        };
        let alternatives = self.strings(node, "Effect", guards);
        let value = match alternatives.as_slice() {
            [only] => self.effect_value(&only.value, node.loc),
            _ => Effect::Unknown("`Effect` depends on a template condition".into()),
        };
        item(value, node.loc, guards)
    }

    fn effect_value(&mut self, sym: &Sym, loc: Loc) -> Effect {
        match sym.as_literal() {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            Some(found) => {
                let found = found.to_owned();
                let reason = format!("`Effect` is `{found}`");
                self.problems.push(Problem::InvalidEffect { found, loc });
                Effect::Unknown(reason)
            }
            None => Effect::Unknown(
                sym.unknown_reason()
                    .unwrap_or("`Effect` is not literal text")
                    .into(),
            ),
        }
    }

    /// Reads `Action`/`NotAction` or `Resource`/`NotResource`.
    fn pair(
        &mut self,
        elements: &[(&'static str, &Node)],
        (plain, negated): (&'static str, &'static str),
        loc: Loc,
        guards: &[Guard],
        required: bool,
    ) -> Option<Elements> {
        let (name, node, is_negated) = match (find(elements, plain), find(elements, negated)) {
            (Some(node), None) => (plain, node, false),
            (None, Some(node)) => (negated, node, true),
            (Some(node), Some(_)) => {
                self.problems.push(Problem::Conflicting {
                    first: plain,
                    second: negated,
                    loc,
                });
                (plain, node, false)
            }
            (None, None) => {
                if required {
                    self.problems.push(Problem::MissingAction { loc });
                }
                return None;
            }
        };
        let items = self.strings(node, name, guards);
        if items.is_empty() && !self.value_is_unknown(node) {
            self.problems.push(Problem::Empty {
                element: name,
                loc: node.loc,
            });
        }
        Some(Elements {
            negated: is_negated,
            items,
            loc: node.loc,
        })
    }

    fn value_is_unknown(&self, node: &Node) -> bool {
        matches!(node.value, Value::Unknown(_))
    }

    fn principals(
        &mut self,
        elements: &[(&'static str, &Node)],
        loc: Loc,
        guards: &[Guard],
    ) -> Option<Principals> {
        let (node, negated) = match (find(elements, "Principal"), find(elements, "NotPrincipal")) {
            (Some(node), None) => (node, false),
            (None, Some(node)) => (node, true),
            (Some(node), Some(_)) => {
                let problem = Problem::Conflicting {
                    first: "Principal",
                    second: "NotPrincipal",
                    loc,
                };
                self.problems.push(problem);
                (node, false)
            }
            (None, None) => return None,
        };
        let mut entries = Vec::new();
        for (alt, guards) in self.alternatives(node, guards) {
            self.principal_entries(&alt, &guards, &mut entries);
        }
        Some(Principals {
            negated,
            entries,
            loc: node.loc,
        })
    }

    fn principal_entries(&mut self, node: &Node, guards: &[Guard], out: &mut Vec<Principal>) {
        let Some(map) = node.as_object().filter(|_| node.intrinsic().is_none()) else {
            let Some(value) = self.scalar(node, "Principal", guards) else {
                return;
            };
            let kind = match value.value.as_literal() {
                Some("*") => PrincipalKind::Everyone,
                Some(_) => {
                    self.problems.push(Problem::BadPrincipal { loc: node.loc });
                    PrincipalKind::Other(String::new())
                }
                None => PrincipalKind::Unresolved,
            };
            out.push(Principal { kind, value });
            return;
        };
        for (key, values) in map.iter() {
            let kind = self.principal_kind(key);
            for value in self.strings(values, "Principal", guards) {
                out.push(Principal {
                    kind: kind.clone(),
                    value,
                });
            }
        }
    }

    fn principal_kind(&mut self, key: &Key) -> PrincipalKind {
        const KINDS: [(&str, PrincipalKind); 4] = [
            ("AWS", PrincipalKind::Aws),
            ("Service", PrincipalKind::Service),
            ("Federated", PrincipalKind::Federated),
            ("CanonicalUser", PrincipalKind::CanonicalUser),
        ];
        match KINDS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&key.name))
        {
            Some((name, kind)) => {
                if *name != key.name {
                    self.problems.push(element_case(key, name));
                }
                kind.clone()
            }
            None => {
                let name = key.name.clone();
                self.problems.push(Problem::UnknownPrincipalType {
                    name: name.clone(),
                    loc: key.loc,
                });
                PrincipalKind::Other(name)
            }
        }
    }

    fn conditions(&mut self, node: &Node, guards: &[Guard]) -> Vec<Condition> {
        let mut out = Vec::new();
        for (alt, guards) in self.alternatives(node, guards) {
            let Some(operators) = alt.as_object().filter(|_| alt.intrinsic().is_none()) else {
                self.structural(&alt, "`Condition`", || Problem::BadCondition {
                    loc: alt.loc,
                });
                continue;
            };
            for (op_key, keys) in operators.iter() {
                self.operator(op_key, keys, &guards, &mut out);
            }
        }
        out
    }

    fn operator(&mut self, op_key: &Key, keys: &Node, guards: &[Guard], out: &mut Vec<Condition>) {
        let operator = Operator::parse(&op_key.name);
        if !operator.is_known() {
            let problem = Problem::UnknownOperator {
                operator: op_key.name.clone(),
                loc: op_key.loc,
            };
            self.problems.push(problem);
        }
        for (alt, guards) in self.alternatives(keys, guards) {
            let Some(map) = alt.as_object().filter(|_| alt.intrinsic().is_none()) else {
                self.structural(&alt, "`Condition`", || Problem::BadCondition {
                    loc: alt.loc,
                });
                continue;
            };
            for (key, values) in map.iter() {
                out.push(Condition {
                    operator_text: op_key.name.clone(),
                    operator: operator.clone(),
                    key: item(key.name.clone(), key.loc, &guards),
                    values: self.strings(values, "Condition", &guards),
                    loc: op_key.loc,
                });
            }
        }
    }

    /// Reads a string-or-list element into items, flattening `Fn::If` arms.
    fn strings(&mut self, node: &Node, element: &'static str, guards: &[Guard]) -> Vec<Item<Sym>> {
        let mut out = Vec::new();
        for (alt, guards) in self.alternatives(node, guards) {
            match &alt.value {
                Value::Array(items) => {
                    for entry in items {
                        for (leaf, guards) in self.alternatives(entry, &guards) {
                            out.extend(self.scalar(&leaf, element, &guards));
                        }
                    }
                }
                _ => out.extend(self.scalar(&alt, element, &guards)),
            }
        }
        out
    }

    fn scalar(
        &mut self,
        node: &Node,
        element: &'static str,
        guards: &[Guard],
    ) -> Option<Item<Sym>> {
        let sym = match &node.value {
            Value::String(_) | Value::Unknown(_) => self.values.sym(node),
            Value::Bool(b) => Sym::text(b.to_string()),
            Value::Number(n) => Sym::text(n.as_str()),
            Value::Object(_) if node.intrinsic().is_some() => self.values.sym(node),
            Value::Null | Value::Array(_) | Value::Object(_) => {
                self.problems.push(Problem::BadShape {
                    element,
                    loc: node.loc,
                });
                return None;
            }
        };
        Some(item(sym, node.loc, guards))
    }
}

/// Detaches branches from a node that is about to be dropped.
fn owned(branches: Vec<Branch<'_>>) -> Vec<Branch<'static>> {
    let into_owned = |b: Branch<'_>| Branch {
        guard: b.guard,
        node: Cow::Owned(b.node.into_owned()),
    };
    branches.into_iter().map(into_owned).collect()
}

fn find<'m>(elements: &[(&'static str, &'m Node)], name: &str) -> Option<&'m Node> {
    elements
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, node)| *node)
}

fn item<T>(value: T, loc: Loc, guards: &[Guard]) -> Item<T> {
    Item {
        value,
        loc,
        guards: guards.to_vec(),
    }
}

fn element_case(key: &Key, canonical: &'static str) -> Problem {
    Problem::ElementCase {
        found: key.name.clone(),
        canonical,
        loc: key.loc,
    }
}
