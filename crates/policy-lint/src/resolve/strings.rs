//! Evaluating string-ish and list-ish values to [`Sym`]s.
//!
//! Everything here uses parameter defaults as known values and evaluates
//! `Fn::If` by [`Resolver::condition`]; a value that depends on something
//! unknowable becomes a [`Part::Unknown`] with the reason.

use super::sub::{Segment, segments};
use super::{PSEUDO_PARAMETERS, Resolver, Tri, unknown};
use crate::sym::{Part, Sym};
use crate::tree::{Map, Node, Value};

impl Resolver {
    /// The string a value stands for (see the module doc).
    pub fn sym(&self, node: &Node) -> Sym {
        let Some(_guard) = self.enter() else {
            return unknown("a value that refers back to itself");
        };
        match &node.value {
            Value::String(s) => Sym::text(s.as_str()),
            Value::Number(n) => Sym::text(n.as_str()),
            Value::Bool(b) => Sym::text(b.to_string()),
            Value::Null => unknown("an empty value"),
            Value::Unknown(reason) => unknown(reason.as_str()),
            Value::Array(_) => unknown("a list where a string is expected"),
            Value::Object(_) => match node.intrinsic() {
                Some((name, arg)) => self.intrinsic_sym(name, arg),
                None => unknown("an object where a string is expected"),
            },
        }
    }

    fn intrinsic_sym(&self, name: &str, arg: &Node) -> Sym {
        match name {
            "Ref" => match arg.as_str() {
                Some(target) => self.reference(target),
                None => self.literal_or(arg, |r, target| r.reference(target)),
            },
            "Fn::GetAtt" => self.get_att(arg),
            "Fn::Sub" => self.sub(arg),
            "Fn::Join" => self.join(arg),
            "Fn::Select" => match self.select(arg) {
                Ok(node) => self.sym(&node),
                Err(reason) => unknown(reason),
            },
            "Fn::FindInMap" => match self.find_in_map(arg) {
                Ok(node) => self.sym(&node),
                Err(reason) => unknown(reason),
            },
            "Fn::If" => self.if_sym(arg),
            "Fn::ImportValue" => unknown(format!("imported value `{}`", self.sym(arg))),
            "Fn::Base64" => match self.sym(arg).as_literal() {
                Some(text) => Sym::text(base64(text.as_bytes())),
                None => unknown("base64 of a value that is not known"),
            },
            "Fn::GetAZs" => unknown("availability zones are known at deploy time"),
            "Fn::Cidr" => unknown("`Fn::Cidr` blocks are not computed"),
            "Fn::ToJsonString" => self.to_json_string(arg),
            "Fn::Length" => match self.list(arg) {
                Ok(items) => Sym::text(items.len().to_string()),
                Err(reason) => unknown(reason),
            },
            other => unknown(format!("`{other}` is not evaluated")),
        }
    }

    /// A `Ref` target: a parameter's default, a pseudo parameter, a
    /// resource, or unknown.
    pub(crate) fn reference(&self, target: &str) -> Sym {
        if target == "AWS::NoValue" {
            return unknown("`AWS::NoValue`");
        }
        if PSEUDO_PARAMETERS.contains(&target) || target.starts_with("AWS::") {
            return Sym::from_parts([Part::Pseudo(target.to_owned())]);
        }
        if let Some(param) = self.parameter(target) {
            return match &param.default {
                Some(_) if param.is_ssm() => unknown(format!(
                    "parameter `{target}` is read from SSM at deploy time"
                )),
                Some(default) if param.is_list() => self.joined(default, ","),
                Some(default) => self.sym(default),
                // Opaque like a pseudo parameter: one name chosen at deploy time, which its
                // `AllowedPattern` keeps free of wildcards.
                None if param.admits_no_wildcard() && !param.is_list() => {
                    Sym::from_parts([Part::Pseudo(target.to_owned())])
                }
                None => unknown(format!("parameter `{target}` has no default")),
            };
        }
        if self.is_resource(target) || self.generated_names() {
            return Sym::reference(target, None);
        }
        unknown(format!(
            "`{target}` is not a parameter or resource of this template"
        ))
    }

    /// Evaluates `arg` to a literal and hands it to `f`; unknown otherwise.
    fn literal_or(&self, arg: &Node, f: impl Fn(&Self, &str) -> Sym) -> Sym {
        let sym = self.sym(arg);
        match sym.as_literal() {
            Some(text) => f(self, text),
            None => sym,
        }
    }

    fn get_att(&self, arg: &Node) -> Sym {
        let (resource, attribute) = match (&arg.value, arg.as_array()) {
            (Value::String(s), _) => match s.split_once('.') {
                Some((r, a)) => (Sym::text(r), Sym::text(a)),
                None => return unknown(format!("`Fn::GetAtt` of `{s}` names no attribute")),
            },
            (_, Some([r, a])) => (self.sym(r), self.sym(a)),
            _ => return unknown("`Fn::GetAtt` needs a resource and an attribute"),
        };
        match (resource.as_literal(), attribute.as_literal()) {
            (Some(r), Some(a)) => Sym::reference(r, Some(a)),
            _ => unknown("`Fn::GetAtt` of a name that is not known"),
        }
    }

    fn sub(&self, arg: &Node) -> Sym {
        let (template, vars) = match sub_parts(arg) {
            Some(parts) => parts,
            None => return unknown("`Fn::Sub` needs a string or [string, variables]"),
        };
        let mut out = Sym::default();
        for segment in segments(template) {
            match segment {
                Segment::Text(text) => out.push(Part::Text(text)),
                Segment::Var(name) => out.extend(self.sub_var(name, vars)),
            }
        }
        out
    }

    pub(crate) fn sub_var(&self, name: &str, vars: Option<&Map>) -> Sym {
        if let Some(value) = vars.and_then(|v| v.get(name)) {
            return self.sym(value);
        }
        match name.split_once('.') {
            Some((resource, attribute)) if !name.starts_with("AWS::") => {
                if self.is_resource(resource) || self.generated_names() {
                    Sym::reference(resource, Some(attribute))
                } else {
                    unknown(format!("`{resource}` is not a resource of this template"))
                }
            }
            _ => self.reference(name),
        }
    }

    fn join(&self, arg: &Node) -> Sym {
        match arg.as_array() {
            Some([delimiter, list]) => match self.sym(delimiter).as_literal() {
                Some(delimiter) => self.joined(list, delimiter),
                None => unknown("`Fn::Join` delimiter is not known"),
            },
            _ => unknown("`Fn::Join` needs a delimiter and a list"),
        }
    }

    /// The elements of a list joined with `delimiter`; a literal string is
    /// itself (a `CommaDelimitedList` default).
    fn joined(&self, list: &Node, delimiter: &str) -> Sym {
        if let Some(text) = list.as_str() {
            return Sym::text(text);
        }
        let items = match self.list(list) {
            Ok(items) => items,
            Err(reason) => return unknown(reason),
        };
        let mut out = Sym::default();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(Part::Text(delimiter.to_owned()));
            }
            out.extend(self.sym(item));
        }
        out
    }

    fn if_sym(&self, arg: &Node) -> Sym {
        let Some([condition, then, otherwise]) = arg.as_array() else {
            return unknown("`Fn::If` needs a condition and two values");
        };
        let name = condition.as_str().unwrap_or_default();
        match self.condition(name) {
            Tri::True => self.sym(then),
            Tri::False => self.sym(otherwise),
            Tri::Unknown => unknown(format!("depends on condition `{name}`")),
        }
    }

    fn to_json_string(&self, arg: &Node) -> Sym {
        let resolved = self.resolve_tree(arg);
        if has_intrinsic(&resolved) {
            return unknown("`Fn::ToJsonString` of a value that is not known");
        }
        let json = resolved.to_json();
        Sym::text(serde_json::to_string(&json).unwrap_or_default())
    }

    /// The elements of a list-valued node.
    pub fn list(&self, node: &Node) -> Result<Vec<Node>, String> {
        let Some(_guard) = self.enter() else {
            return Err("a value that refers back to itself".into());
        };
        match &node.value {
            Value::Array(items) => Ok(items.iter().filter(|n| !is_no_value(n)).cloned().collect()),
            Value::Object(_) => match node.intrinsic() {
                Some((name, arg)) => self.intrinsic_list(name, arg, node),
                None => Err("an object where a list is expected".into()),
            },
            _ => Err("a single value where a list is expected".into()),
        }
    }

    fn intrinsic_list(&self, name: &str, arg: &Node, node: &Node) -> Result<Vec<Node>, String> {
        match name {
            "Ref" => self.list_parameter(arg.as_str().unwrap_or_default(), node),
            "Fn::Split" => self.split(arg),
            "Fn::FindInMap" => self.find_in_map(arg).and_then(|n| self.list(&n)),
            "Fn::If" => self.if_list(arg),
            "Fn::GetAZs" => Err("availability zones are known at deploy time".into()),
            "Fn::Cidr" => Err("`Fn::Cidr` blocks are not computed".into()),
            other => Err(format!("`{other}` does not give a known list")),
        }
    }

    fn list_parameter(&self, name: &str, node: &Node) -> Result<Vec<Node>, String> {
        let param = self.parameter(name).filter(|p| p.is_list() && !p.is_ssm());
        let Some(param) = param else {
            return Err(format!(
                "`{name}` is not a list parameter with a known value"
            ));
        };
        let Some(default) = &param.default else {
            return Err(format!("parameter `{name}` has no default"));
        };
        match default.as_str() {
            Some(text) => Ok(text.split(',').map(|s| Node::string(s, node.loc)).collect()),
            None => self.list(default),
        }
    }

    fn split(&self, arg: &Node) -> Result<Vec<Node>, String> {
        let Some([delimiter, source]) = arg.as_array() else {
            return Err("`Fn::Split` needs a delimiter and a string".into());
        };
        let delimiter = self.sym(delimiter);
        let source = self.sym(source);
        match (delimiter.as_literal(), source.as_literal()) {
            (Some(d), Some(s)) if !d.is_empty() => {
                Ok(s.split(d).map(|part| Node::string(part, arg.loc)).collect())
            }
            _ => Err(source
                .unknown_reason()
                .unwrap_or("`Fn::Split` of a value that is not known")
                .into()),
        }
    }

    fn if_list(&self, arg: &Node) -> Result<Vec<Node>, String> {
        let Some([condition, then, otherwise]) = arg.as_array() else {
            return Err("`Fn::If` needs a condition and two values".into());
        };
        let name = condition.as_str().unwrap_or_default();
        match self.condition(name) {
            Tri::True => self.list(then),
            Tri::False => self.list(otherwise),
            Tri::Unknown => Err(format!("depends on condition `{name}`")),
        }
    }

    /// `Fn::Select [index, list]`: the chosen element.
    pub(crate) fn select(&self, arg: &Node) -> Result<Node, String> {
        let Some([index, list]) = arg.as_array() else {
            return Err("`Fn::Select` needs an index and a list".into());
        };
        let index = self.sym(index);
        let index = index
            .as_literal()
            .and_then(|i| i.parse::<usize>().ok())
            .ok_or("`Fn::Select` index is not a known number")?;
        let items = self.list(list)?;
        items
            .into_iter()
            .nth(index)
            .ok_or_else(|| format!("`Fn::Select` index {index} is past the end of the list"))
    }

    /// `Fn::FindInMap [map, top, second, {DefaultValue: …}]`: the value.
    pub fn find_in_map(&self, arg: &Node) -> Result<Node, String> {
        let items = arg.as_array().unwrap_or_default();
        let (keys, default) = match items {
            [a, b, c] => ([a, b, c], None),
            [a, b, c, d] => ([a, b, c], d.get("DefaultValue")),
            _ => return Err("`Fn::FindInMap` needs a map name and two keys".into()),
        };
        let mut names = Vec::with_capacity(3);
        for key in keys {
            let sym = self.sym(key);
            match sym.as_literal() {
                Some(name) => names.push(name.to_owned()),
                None => return Err(sym.unknown_reason().unwrap_or("a key is not known").into()),
            }
        }
        let found = self
            .section("Mappings")
            .and_then(|m| m.get(&names[0]))
            .and_then(|m| m.get(&names[1]))
            .and_then(|m| m.get(&names[2]));
        match (found, default) {
            (Some(value), _) | (None, Some(value)) => Ok(value.clone()),
            (None, None) => Err(format!(
                "mapping `{}` has no `{}`.`{}`",
                names[0], names[1], names[2]
            )),
        }
    }
}

/// The template and the variables of an `Fn::Sub` argument.
pub(crate) fn sub_parts(arg: &Node) -> Option<(&str, Option<&Map>)> {
    match (&arg.value, arg.as_array()) {
        (Value::String(s), _) => Some((s, None)),
        (_, Some([template, vars])) => Some((template.as_str()?, Some(vars.as_object()?))),
        (_, Some([template])) => Some((template.as_str()?, None)),
        _ => None,
    }
}

pub(crate) fn is_no_value(node: &Node) -> bool {
    matches!(node.intrinsic(), Some(("Ref", arg)) if arg.as_str() == Some("AWS::NoValue"))
}

/// True when any intrinsic function call is left in `node`.
pub(crate) fn has_intrinsic(node: &Node) -> bool {
    if node.intrinsic().is_some() {
        return true;
    }
    match &node.value {
        Value::Array(items) => items.iter().any(has_intrinsic),
        Value::Object(map) => map.iter().any(|(_, v)| has_intrinsic(v)),
        _ => false,
    }
}

/// Standard base64 with padding, as `Fn::Base64` produces.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"hi!"), "aGkh");
        assert_eq!(base64(b"h"), "aA==");
        assert_eq!(base64(b""), "");
    }
}
