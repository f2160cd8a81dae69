//! Working out what a loaded CloudFormation template means, as far as the
//! template allows.
//!
//! A [`Resolver`] is built once per template. It expands `Fn::ForEach`
//! (`AWS::LanguageExtensions`) up front, so every other question is asked
//! of the expanded template, and records input problems (references to
//! nothing, unknown intrinsics) as [`Diagnostic`]s for control `TPL-1`.
//!
//! * [`Resolver::sym`] turns a string-ish value (`Ref`, `Fn::GetAtt`,
//!   `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::FindInMap`, `Fn::If`, …)
//!   into a [`Sym`]: literal text, references to resources, pseudo
//!   parameters, and explicit unknowns with a reason.
//! * [`Resolver::condition`] evaluates a condition to a [`Tri`].
//! * [`Resolver::branches`] lists the variants of a value under each
//!   combination of the conditions its `Fn::If`s test, so a rule can check
//!   every branch and name the condition values under which a finding holds.
//! * [`Resolver::resolve_tree`] evaluates everything that can be evaluated
//!   and leaves the rest as intrinsics (`decode --resolve`).
//!
//! Parameter defaults count as known values (a template deployed with its
//! defaults); a parameter without a default is unknown. Branch enumeration
//! is stricter: any condition that depends on a parameter may go either way
//! at deploy time, so both of its values are enumerated.
//!
//! [`terraform`] is the counterpart for Terraform JSON `${…}` strings, and
//! [`decode()`] prints a template as the linter reads it.

mod branches;
mod check;
mod conditions;
mod decode;
mod foreach;
mod strings;
mod sub;
pub mod terraform;
mod tree;
mod tri;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

pub use branches::Branch;
pub(crate) use check::unreadable_resource;
pub use decode::decode;
pub use tri::Tri;

use crate::load::{Diagnostic, Document};
use crate::sym::Sym;
use crate::tree::{Loc, Map, Node};

/// The pseudo parameters CloudFormation defines.
pub const PSEUDO_PARAMETERS: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// The transform that only adds `Fn::ForEach` and friends, which this
/// module expands itself; any other transform (SAM, macros) generates
/// resources the template does not show.
const LANGUAGE_EXTENSIONS: &str = "AWS::LanguageExtensions";

/// Bounds on the work one template can cause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveLimits {
    /// Most variants [`Resolver::branches`] returns for one value; the
    /// conditions beyond `log2` of it stay as `Fn::If`. Default 64.
    pub max_branches: usize,
    /// Most copies `Fn::ForEach` may make in one template. Default 10,000.
    pub max_foreach_items: usize,
}

impl Default for ResolveLimits {
    fn default() -> Self {
        Self {
            max_branches: 64,
            max_foreach_items: 10_000,
        }
    }
}

/// A template parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    /// `String`, `Number`, `CommaDelimitedList`, `List<…>`, `AWS::SSM::…`.
    pub type_name: String,
    pub default: Option<Node>,
    pub no_echo: bool,
    /// `AllowedPattern`, when it is a string.
    pub allowed_pattern: Option<String>,
    pub loc: Loc,
}

impl Parameter {
    /// List-typed parameters, whose value `Ref` gives as a list.
    pub fn is_list(&self) -> bool {
        self.type_name == "CommaDelimitedList"
            || self.type_name.starts_with("List<")
            || self
                .type_name
                .starts_with("AWS::SSM::Parameter::Value<List<")
            || self.type_name == "AWS::SSM::Parameter::Value<CommaDelimitedList>"
    }

    /// True when `AllowedPattern` proves every value free of the IAM wildcards `*` and `?`
    /// (see [`wildcard_free_pattern`]): the value is unknown but is one fixed name.
    pub fn admits_no_wildcard(&self) -> bool {
        self.allowed_pattern
            .as_deref()
            .is_some_and(wildcard_free_pattern)
    }

    /// An SSM-typed parameter's default names the SSM parameter, not the
    /// value, so it is never a known value.
    pub fn is_ssm(&self) -> bool {
        self.type_name.starts_with("AWS::SSM::Parameter::Value<")
    }
}

/// True for an anchored regular expression (`^…$`) built only from literal letters,
/// digits, `-`, `_`, `.`-in-a-class, `\d`, quantifiers and non-negated classes of those:
/// no string it matches can hold `*` or `?`. Anything else (`.`, `\S`, `[^…]`, groups) is
/// judged unsafe, so the answer errs towards "may hold a wildcard".
pub fn wildcard_free_pattern(pattern: &str) -> bool {
    let Some(body) = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$')) else {
        return false;
    };
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_".contains(c);
    let mut chars = body.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match (in_class, c) {
            (_, '\\') => match chars.next() {
                Some('d' | '.' | '-' | '_') => {}
                _ => return false,
            },
            (false, '[') => {
                in_class = true;
                if chars.clone().next() == Some('^') {
                    return false;
                }
            }
            (true, ']') => in_class = false,
            (true, '.') => {}
            (false, '{' | '}' | ',' | '+' | '*' | '?') => {}
            (_, c) if safe(c) => {}
            _ => return false,
        }
    }
    !in_class
}

/// A resource of the (expanded) template.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resource<'r> {
    pub id: &'r str,
    /// Its `Type`, when it is a string.
    pub type_name: Option<&'r str>,
    /// The name of its `Condition`, if it has one.
    pub condition: Option<&'r str>,
    /// The whole resource object (`Type`, `Properties`, …).
    pub node: &'r Node,
    /// Where its logical id is written.
    pub loc: Loc,
}

/// Resolves references, conditions and intrinsics of one template.
pub struct Resolver {
    root: Node,
    parameters: HashMap<String, Parameter>,
    resource_ids: HashSet<String>,
    /// True when a transform other than `AWS::LanguageExtensions` may add
    /// resources, so a reference to an unseen name is not an error.
    generated_names: bool,
    limits: ResolveLimits,
    diagnostics: Vec<Diagnostic>,
    condition_cache: RefCell<HashMap<String, Tri>>,
    /// How deep evaluation is nested right now; values that refer back to
    /// themselves through mappings, defaults or conditions stop here.
    depth: Cell<usize>,
}

/// Deepest evaluation nesting before a value is called unknown. Loaded
/// trees are at most [`crate::load::Limits::max_depth`] deep; only cycles
/// through mappings, defaults or conditions come near this.
const MAX_EVAL_DEPTH: usize = 1024;

/// Leaves one level of evaluation nesting when dropped.
pub(crate) struct DepthGuard<'a>(&'a Cell<usize>);

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl Resolver {
    pub fn new(doc: &Document) -> Self {
        Self::with_limits(doc, ResolveLimits::default())
    }

    pub fn with_limits(doc: &Document, limits: ResolveLimits) -> Self {
        let mut resolver = Self {
            root: doc.root.clone(),
            parameters: parameters(&doc.root),
            resource_ids: HashSet::new(),
            generated_names: has_generating_transform(&doc.root),
            limits,
            diagnostics: Vec::new(),
            condition_cache: RefCell::new(HashMap::new()),
            depth: Cell::new(0),
        };
        let (expanded, mut diagnostics) = foreach::expand(&resolver, &doc.root);
        resolver.root = expanded;
        resolver.resource_ids = resolver.resources().map(|r| r.id.to_owned()).collect();
        diagnostics.extend(check::check(&resolver));
        diagnostics.sort_by(|a, b| (a.loc, a.kind, &a.message).cmp(&(b.loc, b.kind, &b.message)));
        diagnostics.dedup();
        resolver.diagnostics = diagnostics;
        resolver
    }

    /// The template after `Fn::ForEach` expansion.
    pub fn template(&self) -> &Node {
        &self.root
    }

    /// Problems found while resolving (control `TPL-1`), in file order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn limits(&self) -> &ResolveLimits {
        &self.limits
    }

    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.get(name)
    }

    /// The resources of the expanded template, in template order.
    pub fn resources(&self) -> impl Iterator<Item = Resource<'_>> {
        section(&self.root, "Resources")
            .into_iter()
            .flat_map(Map::iter)
            .filter(|(key, _)| !key.name.starts_with("Fn::ForEach::"))
            .map(|(key, node)| Resource {
                id: &key.name,
                type_name: node.get("Type").and_then(Node::as_str),
                condition: node.get("Condition").and_then(Node::as_str),
                node,
                loc: key.loc,
            })
    }

    pub fn resource(&self, id: &str) -> Option<Resource<'_>> {
        self.resources().find(|r| r.id == id)
    }

    pub(crate) fn is_resource(&self, id: &str) -> bool {
        self.resource_ids.contains(id)
    }

    pub(crate) fn generated_names(&self) -> bool {
        self.generated_names
    }

    /// Enters one level of evaluation; `None` when nested too deep.
    pub(crate) fn enter(&self) -> Option<DepthGuard<'_>> {
        let depth = self.depth.get() + 1;
        if depth > MAX_EVAL_DEPTH {
            return None;
        }
        self.depth.set(depth);
        Some(DepthGuard(&self.depth))
    }

    pub(crate) fn section(&self, name: &str) -> Option<&Map> {
        section(&self.root, name)
    }
}

fn section<'a>(root: &'a Node, name: &str) -> Option<&'a Map> {
    root.get(name).and_then(Node::as_object)
}

fn parameters(root: &Node) -> HashMap<String, Parameter> {
    let Some(params) = section(root, "Parameters") else {
        return HashMap::new();
    };
    params
        .iter()
        .map(|(key, body)| {
            let param = Parameter {
                name: key.name.clone(),
                type_name: body
                    .get("Type")
                    .and_then(Node::as_str)
                    .unwrap_or("String")
                    .to_owned(),
                default: body.get("Default").cloned(),
                no_echo: body.get("NoEcho").is_some_and(is_true),
                allowed_pattern: body
                    .get("AllowedPattern")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
                loc: key.loc,
            };
            (key.name.clone(), param)
        })
        .collect()
}

fn is_true(node: &Node) -> bool {
    node.as_bool() == Some(true)
        || node
            .as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

fn has_generating_transform(root: &Node) -> bool {
    let Some(transform) = root.get("Transform") else {
        return false;
    };
    let names: Vec<&Node> = match transform.as_array() {
        Some(items) => items.iter().collect(),
        None => vec![transform],
    };
    names
        .iter()
        .any(|n| n.as_str() != Some(LANGUAGE_EXTENSIONS))
}

/// A `Sym` for a value nobody could know from the template, shared by the
/// submodules so reasons read the same everywhere.
pub(crate) fn unknown(reason: impl Into<String>) -> Sym {
    Sym::unknown(reason)
}

#[cfg(test)]
mod pattern_tests {
    use super::wildcard_free_pattern;

    #[test]
    fn only_anchored_patterns_of_plain_characters_exclude_wildcards() {
        for safe in [
            "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            "^[0-9]{12}$",
            "^\\d+$",
            "^prod-[a-z]+$",
        ] {
            assert!(wildcard_free_pattern(safe), "{safe}");
        }
        for unsafe_ in [
            "^.+$",
            "[a-z]+",
            "^[^/]+$",
            "^\\S+$",
            "^(a|b)$",
            "^[a-z*]+$",
            "^[a-z]+",
        ] {
            assert!(!wildcard_free_pattern(unsafe_), "{unsafe_}");
        }
    }
}
