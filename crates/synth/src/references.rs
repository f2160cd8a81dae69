//! Finding, checking and renaming the references inside a rendered template.
//!
//! References are typed when constructs create them, but raw overrides and hashed ids can
//! still break them, so the rendered template is checked as a whole: every `Ref`,
//! `Fn::GetAtt` (target and attribute), `Fn::Sub` variable and `DependsOn` entry must name a
//! resource, parameter or pseudo parameter of the stack.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value as Json;

use crate::error::{Result, SynthError};
use crate::stack::Stack;

/// A reference found in a template.
#[derive(Debug, PartialEq, Eq)]
enum Reference<'a> {
    /// `Ref` or a `${Name}` in `Fn::Sub`.
    Ref(&'a str),
    /// `Fn::GetAtt` or a `${Name.Attr}` in `Fn::Sub`.
    GetAtt(&'a str, &'a str),
}

/// Checks that every reference in `template` resolves.
pub(crate) fn check(stack: &Stack, template: &Json) -> Result<()> {
    let attributes = resource_attributes(stack, template);
    let parameters: Vec<&str> = stack.parameters.iter().map(|p| p.name.as_str()).collect();
    let resolves = |reference: &Reference<'_>| match reference {
        Reference::Ref(name) => {
            name.starts_with("AWS::") || attributes.contains_key(name) || parameters.contains(name)
        }
        Reference::GetAtt(id, attr) => attributes.get(id).is_some_and(|a| a.contains(attr)),
    };
    let dangling = |path: String, reference: &Reference<'_>| SynthError::UnknownReference {
        stack: stack.name.clone(),
        path,
        target: match reference {
            Reference::Ref(name) => (*name).to_owned(),
            Reference::GetAtt(id, attr) => format!("{id}.{attr}"),
        },
    };
    for (id, resource) in section(template, "Resources") {
        let path = resource["Metadata"][crate::template::PATH_METADATA]
            .as_str()
            .map_or_else(|| id.clone(), str::to_owned);
        let mut found = Vec::new();
        collect(
            resource.get("Properties").unwrap_or(&Json::Null),
            &mut found,
        );
        depends_on(resource, &mut found);
        if let Some(bad) = found.iter().find(|r| !resolves(r)) {
            return Err(dangling(path, bad));
        }
    }
    for (name, output) in section(template, "Outputs") {
        let mut found = Vec::new();
        collect(output, &mut found);
        if let Some(bad) = found.iter().find(|r| !resolves(r)) {
            return Err(dangling(format!("{}/Outputs/{name}", stack.name), bad));
        }
    }
    Ok(())
}

fn section<'a>(template: &'a Json, name: &str) -> impl Iterator<Item = (&'a String, &'a Json)> {
    template
        .get(name)
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
}

/// Rendered logical id → the attributes its type accepts in `Fn::GetAtt`.
fn resource_attributes<'a>(
    stack: &'a Stack,
    template: &'a Json,
) -> HashMap<&'a str, &'static [&'static str]> {
    let by_path: HashMap<String, &'static [&'static str]> = stack
        .resources
        .iter()
        .map(|e| (stack.full_path(&e.path), e.attributes))
        .collect();
    section(template, "Resources")
        .map(|(id, resource)| {
            let path = resource["Metadata"][crate::template::PATH_METADATA].as_str();
            let attributes = path.and_then(|p| by_path.get(p).copied()).unwrap_or(&[]);
            (id.as_str(), attributes)
        })
        .collect()
}

fn depends_on<'a>(resource: &'a Json, found: &mut Vec<Reference<'a>>) {
    match resource.get("DependsOn") {
        Some(Json::String(id)) => found.push(Reference::Ref(id)),
        Some(Json::Array(ids)) => {
            found.extend(ids.iter().filter_map(Json::as_str).map(Reference::Ref))
        }
        _ => {}
    }
}

fn collect<'a>(value: &'a Json, found: &mut Vec<Reference<'a>>) {
    match value {
        Json::Array(items) => items.iter().for_each(|item| collect(item, found)),
        Json::Object(map) if map.len() == 1 => {
            let Some((key, arg)) = map.iter().next() else {
                return;
            };
            match (key.as_str(), arg) {
                ("Ref", Json::String(name)) => found.push(Reference::Ref(name)),
                ("Fn::GetAtt", Json::Array(parts)) => get_att(parts, found),
                ("Fn::Sub", Json::String(text)) => sub_references(text, &[], found),
                ("Fn::Sub", Json::Array(parts)) => sub_with_variables(parts, found),
                _ => collect(arg, found),
            }
        }
        Json::Object(map) => map.values().for_each(|item| collect(item, found)),
        _ => {}
    }
}

fn get_att<'a>(parts: &'a [Json], found: &mut Vec<Reference<'a>>) {
    if let [Json::String(id), Json::String(attr)] = parts {
        found.push(Reference::GetAtt(id, attr));
    }
}

fn sub_with_variables<'a>(parts: &'a [Json], found: &mut Vec<Reference<'a>>) {
    let [Json::String(text), Json::Object(vars)] = parts else {
        return;
    };
    let local: Vec<&str> = vars.keys().map(String::as_str).collect();
    sub_references(text, &local, found);
    vars.values().for_each(|value| collect(value, found));
}

/// The `${Name}` and `${Name.Attr}` references of a `Fn::Sub` string, minus local variables
/// and `${!Literal}` escapes.
fn sub_references<'a>(text: &'a str, local: &[&str], found: &mut Vec<Reference<'a>>) {
    for (start, _) in text.match_indices("${") {
        let rest = &text[start + 2..];
        let Some(end) = rest.find('}') else { break };
        let name = &rest[..end];
        if name.starts_with('!') || local.contains(&name) {
            continue;
        }
        match name.split_once('.') {
            Some((id, attr)) if !name.starts_with("AWS::") => {
                found.push(Reference::GetAtt(id, attr));
            }
            _ => found.push(Reference::Ref(name)),
        }
    }
}

/// Replaces every reference to an id in `renames` with its new id.
pub(crate) fn rename(value: &mut Json, renames: &BTreeMap<String, String>) {
    match value {
        Json::Array(items) => items.iter_mut().for_each(|item| rename(item, renames)),
        Json::Object(map) => {
            for (key, arg) in map.iter_mut() {
                match (key.as_str(), arg) {
                    ("Ref", Json::String(name)) => rename_string(name, renames),
                    ("Fn::GetAtt", Json::Array(parts)) => {
                        if let Some(Json::String(id)) = parts.first_mut() {
                            rename_string(id, renames);
                        }
                    }
                    ("DependsOn", Json::Array(ids)) => ids.iter_mut().for_each(|id| {
                        if let Json::String(id) = id {
                            rename_string(id, renames);
                        }
                    }),
                    ("Fn::Sub", Json::String(text)) => rename_in_sub(text, renames),
                    ("Fn::Sub", Json::Array(parts)) => {
                        if let Some(Json::String(text)) = parts.first_mut() {
                            rename_in_sub(text, renames);
                        }
                        parts
                            .iter_mut()
                            .skip(1)
                            .for_each(|part| rename(part, renames));
                    }
                    (_, arg) => rename(arg, renames),
                }
            }
        }
        _ => {}
    }
}

fn rename_string(name: &mut String, renames: &BTreeMap<String, String>) {
    if let Some(new) = renames.get(name.as_str()) {
        name.clone_from(new);
    }
}

fn rename_in_sub(text: &mut String, renames: &BTreeMap<String, String>) {
    for (old, new) in renames {
        *text = text
            .replace(&format!("${{{old}}}"), &format!("${{{new}}}"))
            .replace(&format!("${{{old}."), &format!("${{{new}."));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn refs(value: &Json) -> Vec<Reference<'_>> {
        let mut found = Vec::new();
        collect(value, &mut found);
        found
    }

    #[test]
    fn finds_ref_get_att_and_sub_variables() {
        let value = json!({
            "A": {"Ref": "Table"},
            "B": [{"Fn::GetAtt": ["Role", "Arn"]}],
            "C": {"Fn::Sub": "arn:${AWS::Partition}:x:${Api}/${!Literal}/${Fn.Arn}"},
            "D": {"Fn::Sub": ["${Local}-${Other}", {"Local": {"Ref": "Param"}}]},
        });
        assert_eq!(
            refs(&value),
            [
                Reference::Ref("Table"),
                Reference::GetAtt("Role", "Arn"),
                Reference::Ref("AWS::Partition"),
                Reference::Ref("Api"),
                Reference::GetAtt("Fn", "Arn"),
                Reference::Ref("Other"),
                Reference::Ref("Param"),
            ]
        );
    }

    #[test]
    fn rename_rewrites_every_reference_form() {
        let mut value = json!({
            "Ref": "Old",
            "X": {"Fn::GetAtt": ["Old", "Arn"]},
            "DependsOn": ["Old", "Keep"],
            "S": {"Fn::Sub": "${Old}/${Old.Arn}/${Older}"},
        });
        let renames = BTreeMap::from([("Old".to_owned(), "New".to_owned())]);
        rename(&mut value, &renames);
        assert_eq!(
            value,
            json!({
                "Ref": "New",
                "X": {"Fn::GetAtt": ["New", "Arn"]},
                "DependsOn": ["New", "Keep"],
                "S": {"Fn::Sub": "${New}/${New.Arn}/${Older}"},
            })
        );
    }
}
