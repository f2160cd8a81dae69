//! Input problems in a template's references, for control `TPL-1`.
//!
//! Every `Ref`, `Fn::GetAtt`, `Fn::Sub` variable, `Fn::FindInMap` map and
//! condition name must name something the template defines, and every
//! `Fn::…` key must be a known intrinsic. `Metadata` is not checked (tools
//! keep their own data there). When a transform other than
//! `AWS::LanguageExtensions` is present (SAM, macros), references to names
//! the template does not show are not reported: the transform may generate
//! them.
//!
//! A resource that is not a mapping, or whose `Type` is missing or not a
//! string, is reported too: no rule can read it, and skipping it in silence
//! would pass a template nobody checked.

use super::Resolver;
use super::strings::sub_parts;
use super::sub::{Segment, segments};
use crate::load::{Diagnostic, DiagnosticKind};
use crate::tree::{Loc, Node, Value};

/// Intrinsic function keys CloudFormation knows, including the
/// `AWS::LanguageExtensions` ones and the rule functions of `Rules`.
const INTRINSICS: &[&str] = &[
    "Fn::And",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::Contains",
    "Fn::EachMemberEquals",
    "Fn::EachMemberIn",
    "Fn::Equals",
    "Fn::FindInMap",
    "Fn::GetAtt",
    "Fn::GetAZs",
    "Fn::If",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Length",
    "Fn::Not",
    "Fn::Or",
    "Fn::RefAll",
    "Fn::Select",
    "Fn::Split",
    "Fn::Sub",
    "Fn::ToJsonString",
    "Fn::Transform",
    "Fn::ValueOf",
    "Fn::ValueOfAll",
];

pub(crate) fn check(resolver: &Resolver) -> Vec<Diagnostic> {
    let mut checker = Checker {
        resolver,
        out: Vec::new(),
    };
    if let Some(root) = resolver.template().as_object() {
        for (key, section) in root.iter() {
            if key.name != "Metadata" {
                checker.node(section);
            }
        }
    }
    checker.resource_conditions();
    checker.resource_shapes();
    checker.out
}

struct Checker<'a> {
    resolver: &'a Resolver,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn report(&mut self, kind: DiagnosticKind, message: String, loc: Loc) {
        self.out.push(Diagnostic::new(kind, message, loc));
    }

    fn node(&mut self, node: &Node) {
        if let Some((key, arg)) = node.as_object().and_then(|m| m.single()) {
            let name = key.name.as_str();
            if name == "Ref" || name == "Condition" || name.starts_with("Fn::") {
                self.intrinsic(name, arg, key.loc);
            }
        }
        match &node.value {
            Value::Array(items) => items.iter().for_each(|n| self.node(n)),
            Value::Object(map) => {
                for (key, value) in map.iter() {
                    // An unexpanded loop's fragment mentions its identifier.
                    if key.name != "Metadata" && !key.name.starts_with("Fn::ForEach::") {
                        self.node(value);
                    }
                }
            }
            _ => {}
        }
    }

    fn intrinsic(&mut self, name: &str, arg: &Node, loc: Loc) {
        match name {
            "Ref" => self.reference(arg, loc),
            "Condition" => self.condition(arg),
            "Fn::GetAtt" => self.get_att(arg, loc),
            "Fn::Sub" => self.sub(arg, loc),
            "Fn::If" => {
                if let Some(first) = arg.as_array().and_then(|a| a.first()) {
                    self.condition(first);
                }
            }
            "Fn::FindInMap" => self.find_in_map(arg, loc),
            n if n.starts_with("Fn::ForEach::") => {}
            n if !INTRINSICS.contains(&n) => self.report(
                DiagnosticKind::UnknownIntrinsic,
                format!("unknown intrinsic function `{n}`"),
                loc,
            ),
            _ => {}
        }
    }

    fn defined(&self, target: &str) -> bool {
        target.starts_with("AWS::")
            || self.resolver.parameter(target).is_some()
            || self.resolver.is_resource(target)
            || self.resolver.generated_names()
    }

    fn reference(&mut self, arg: &Node, loc: Loc) {
        let Some(target) = arg.as_str() else { return };
        if !self.defined(target) {
            let message = format!("`Ref` to `{target}`, which is not a parameter or resource");
            self.report(DiagnosticKind::Unresolvable, message, loc);
        }
    }

    fn condition(&mut self, name: &Node) {
        let Some(text) = name.as_str() else { return };
        if !self.resolver.condition_names().any(|c| c == text) {
            let message = format!("condition `{text}` is not defined");
            self.report(DiagnosticKind::Unresolvable, message, name.loc);
        }
    }

    fn get_att(&mut self, arg: &Node, loc: Loc) {
        let target = match (&arg.value, arg.as_array()) {
            (Value::String(s), _) => s.split_once('.').map(|(r, _)| r.to_owned()),
            (_, Some([r, _])) => self.resolver.sym(r).as_literal().map(str::to_owned),
            _ => {
                let message = "`Fn::GetAtt` needs a resource and an attribute".to_owned();
                return self.report(DiagnosticKind::InvalidIntrinsic, message, loc);
            }
        };
        let Some(target) = target else { return };
        if !self.resolver.is_resource(&target) && !self.resolver.generated_names() {
            let message = format!("`Fn::GetAtt` of `{target}`, which is not a resource");
            self.report(DiagnosticKind::Unresolvable, message, loc);
        }
    }

    fn sub(&mut self, arg: &Node, loc: Loc) {
        let Some((template, vars)) = sub_parts(arg) else {
            let message = "`Fn::Sub` needs a string or [string, variables]".to_owned();
            return self.report(DiagnosticKind::InvalidIntrinsic, message, loc);
        };
        for segment in segments(template) {
            let Segment::Var(var) = segment else { continue };
            if vars.and_then(|v| v.get(var)).is_some() {
                continue;
            }
            let target = match var.split_once('.') {
                Some((resource, _)) if !var.starts_with("AWS::") => resource,
                _ => var,
            };
            if !self.defined(target) {
                let message = format!("`Fn::Sub` variable `{var}` is not defined");
                self.report(DiagnosticKind::Unresolvable, message, loc);
            }
        }
    }

    fn find_in_map(&mut self, arg: &Node, loc: Loc) {
        let Some(map_name) = arg
            .as_array()
            .and_then(|a| a.first())
            .and_then(Node::as_str)
        else {
            return;
        };
        if self
            .resolver
            .section("Mappings")
            .and_then(|m| m.get(map_name))
            .is_none()
        {
            let message = format!("mapping `{map_name}` is not defined");
            self.report(DiagnosticKind::Unresolvable, message, loc);
        }
    }

    /// A resource's or output's `Condition` must be defined.
    fn resource_conditions(&mut self) {
        for section in ["Resources", "Outputs"] {
            let Some(map) = self.resolver.section(section) else {
                continue;
            };
            for (_, body) in map.iter() {
                if let Some(name) = body.get("Condition") {
                    self.condition(name);
                }
            }
        }
    }

    /// Every resource must be a mapping with a string `Type`.
    fn resource_shapes(&mut self) {
        let Some(map) = self.resolver.section("Resources") else {
            return;
        };
        for (key, body) in map.iter() {
            let Some(problem) = unreadable_resource(&key.name, body) else {
                continue;
            };
            let message = format!("resource `{}` {problem}, so no rule checks it", key.name);
            self.report(DiagnosticKind::MalformedResource, message, key.loc);
        }
    }
}

/// Why no rule can read the resource entry `name: body` of `Resources`, or
/// `None` when it is a mapping with a string `Type` (or an `Fn::ForEach`
/// loop, whose expansion is checked instead).
pub(crate) fn unreadable_resource(name: &str, body: &Node) -> Option<&'static str> {
    if name.starts_with("Fn::ForEach::") {
        return None;
    }
    match body.get("Type") {
        _ if body.as_object().is_none() => Some("is not a mapping"),
        None => Some("has no `Type`"),
        Some(ty) if ty.as_str().is_none() => Some("has a `Type` that is not a string"),
        Some(_) => None,
    }
}
