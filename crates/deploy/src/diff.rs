//! The difference between a deployed template and a local one, resource by resource and
//! property by property, rendered the way `cdk diff` does: replacements marked, and changes to
//! IAM and security groups repeated in their own section because they change who can do what.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::replacement::{self, Replacement};

/// What happened to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Added,
    Removed,
    Modified,
}

/// One changed top-level property.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyDiff {
    pub name: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub replacement: Replacement,
}

/// One changed resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDiff {
    pub logical_id: String,
    pub resource_type: String,
    pub kind: Kind,
    /// Changed properties (and attributes such as `DeletionPolicy`), sorted by name.
    pub properties: Vec<PropertyDiff>,
}

impl ResourceDiff {
    /// The strongest replacement effect among its properties.
    pub fn replacement(&self) -> Replacement {
        self.properties
            .iter()
            .map(|p| p.replacement)
            .max()
            .unwrap_or(Replacement::Never)
    }

    /// Whether it changes permissions or network access.
    pub fn is_security(&self) -> bool {
        is_security_type(&self.resource_type)
    }
}

/// Every difference between two templates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TemplateDiff {
    pub parameters: Vec<(String, Kind)>,
    pub resources: Vec<ResourceDiff>,
    pub outputs: Vec<(String, Kind)>,
}

impl TemplateDiff {
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty() && self.resources.is_empty() && self.outputs.is_empty()
    }
}

const SECURITY_TYPES: &[&str] = &[
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::KMS::Key",
    "AWS::Lambda::Permission",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::SQS::QueuePolicy",
];

fn is_security_type(resource_type: &str) -> bool {
    SECURITY_TYPES.contains(&resource_type)
}

/// The resource `logical_id` of `template`, if it has one.
pub fn resource<'a>(template: &'a Value, logical_id: &str) -> Option<&'a Value> {
    template.get("Resources")?.get(logical_id)
}

/// The names of the top-level properties that differ between two resource definitions.
pub fn changed_properties(old: Option<&Value>, new: Option<&Value>) -> Vec<String> {
    let empty = Map::new();
    let props = |r: Option<&Value>| {
        r.and_then(|r| r.get("Properties"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(|| empty.clone())
    };
    let (old, new) = (props(old), props(new));
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    names
        .into_iter()
        .filter(|name| old.get(*name) != new.get(*name))
        .cloned()
        .collect()
}

/// Compares the deployed template `old` with the local template `new`.
pub fn templates(old: &Value, new: &Value) -> TemplateDiff {
    TemplateDiff {
        parameters: keys_changed(old, new, "Parameters"),
        resources: resources(old, new),
        outputs: keys_changed(old, new, "Outputs"),
    }
}

fn section<'a>(template: &'a Value, name: &str) -> Option<&'a Map<String, Value>> {
    template.get(name).and_then(Value::as_object)
}

fn keys_changed(old: &Value, new: &Value, name: &str) -> Vec<(String, Kind)> {
    let empty = Map::new();
    let old = section(old, name).unwrap_or(&empty);
    let new = section(new, name).unwrap_or(&empty);
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter_map(|key| match (old.get(key), new.get(key)) {
            (None, Some(_)) => Some((key.clone(), Kind::Added)),
            (Some(_), None) => Some((key.clone(), Kind::Removed)),
            (Some(a), Some(b)) if a != b => Some((key.clone(), Kind::Modified)),
            _ => None,
        })
        .collect()
}

/// Resources in the local template's order, then the removed ones in the deployed order.
fn resources(old: &Value, new: &Value) -> Vec<ResourceDiff> {
    let empty = Map::new();
    let old = section(old, "Resources").unwrap_or(&empty);
    let new = section(new, "Resources").unwrap_or(&empty);
    let mut diffs: Vec<ResourceDiff> = new
        .iter()
        .filter_map(|(id, resource)| resource_diff(id, old.get(id), Some(resource)))
        .collect();
    diffs.extend(
        old.iter()
            .filter(|(id, _)| !new.contains_key(*id))
            .filter_map(|(id, resource)| resource_diff(id, Some(resource), None)),
    );
    diffs
}

fn type_of(resource: Option<&Value>) -> Option<&str> {
    resource?.get("Type")?.as_str()
}

fn resource_diff(id: &str, old: Option<&Value>, new: Option<&Value>) -> Option<ResourceDiff> {
    if old == new {
        return None;
    }
    let resource_type = type_of(new).or(type_of(old)).unwrap_or_default().to_owned();
    let kind = match (old, new) {
        (None, _) => Kind::Added,
        (_, None) => Kind::Removed,
        _ => Kind::Modified,
    };
    let mut properties = Vec::new();
    if kind == Kind::Modified {
        if type_of(old) != type_of(new) {
            properties.push(changed("Type", old, new, Replacement::Always));
        }
        for name in changed_properties(old, new) {
            let effect = replacement::of_property(&resource_type, &name);
            let get = |r: Option<&Value>| r?.get("Properties")?.get(&name).cloned();
            properties.push(PropertyDiff {
                old: get(old),
                new: get(new),
                name,
                replacement: effect,
            });
        }
        for attribute in [
            "DeletionPolicy",
            "UpdateReplacePolicy",
            "DependsOn",
            "Condition",
            "Metadata",
        ] {
            let (a, b) = (
                old.and_then(|r| r.get(attribute)),
                new.and_then(|r| r.get(attribute)),
            );
            if a != b {
                properties.push(changed(attribute, old, new, Replacement::Never));
            }
        }
    }
    Some(ResourceDiff {
        logical_id: id.to_owned(),
        resource_type,
        kind,
        properties,
    })
}

fn changed(
    name: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    effect: Replacement,
) -> PropertyDiff {
    PropertyDiff {
        name: name.to_owned(),
        old: old.and_then(|r| r.get(name)).cloned(),
        new: new.and_then(|r| r.get(name)).cloned(),
        replacement: effect,
    }
}

/// The diff as text: security changes first, then parameters, resources and outputs.
pub fn render(diff: &TemplateDiff) -> String {
    if diff.is_empty() {
        return "There were no differences\n".to_owned();
    }
    let mut text = String::new();
    render_security(&mut text, diff);
    render_keys(&mut text, "Parameters", &diff.parameters);
    if !diff.resources.is_empty() {
        text.push_str("Resources\n");
        for resource in &diff.resources {
            render_resource(&mut text, resource);
        }
        text.push('\n');
    }
    render_keys(&mut text, "Outputs", &diff.outputs);
    text
}

fn sign(kind: Kind) -> &'static str {
    match kind {
        Kind::Added => "[+]",
        Kind::Removed => "[-]",
        Kind::Modified => "[~]",
    }
}

fn render_keys(text: &mut String, title: &str, keys: &[(String, Kind)]) {
    if keys.is_empty() {
        return;
    }
    let _ = writeln!(text, "{title}");
    for (key, kind) in keys {
        let _ = writeln!(text, "{} {key}", sign(*kind));
    }
    text.push('\n');
}

fn render_resource(text: &mut String, resource: &ResourceDiff) {
    let note = match resource.replacement() {
        Replacement::Always => " replace",
        Replacement::Conditional => " may be replaced",
        Replacement::Never => "",
    };
    let _ = writeln!(
        text,
        "{} {} {}{note}",
        sign(resource.kind),
        resource.resource_type,
        resource.logical_id
    );
    for (i, property) in resource.properties.iter().enumerate() {
        let last = i + 1 == resource.properties.len();
        let (branch, stem) = if last {
            ("└─", "   ")
        } else {
            ("├─", "│  ")
        };
        let note = match property.replacement {
            Replacement::Always => " (requires replacement)",
            Replacement::Conditional => " (may cause replacement)",
            Replacement::Never => "",
        };
        let _ = writeln!(text, " {branch} [~] {}{note}", property.name);
        if let Some(old) = &property.old {
            let _ = writeln!(text, " {stem}    [-] {}", compact(old));
        }
        if let Some(new) = &property.new {
            let _ = writeln!(text, " {stem}    [+] {}", compact(new));
        }
    }
}

fn compact(value: &Value) -> String {
    const LIMIT: usize = 200;
    let text = value.to_string();
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The statement-level section for IAM and network changes.
fn render_security(text: &mut String, diff: &TemplateDiff) {
    let security: Vec<&ResourceDiff> = diff.resources.iter().filter(|r| r.is_security()).collect();
    if security.is_empty() {
        return;
    }
    text.push_str("Security changes (IAM, resource policies, security groups)\n");
    for resource in security {
        let _ = writeln!(
            text,
            "{} {} {}",
            sign(resource.kind),
            resource.resource_type,
            resource.logical_id
        );
        for property in &resource.properties {
            for (sign, statement) in statement_changes(property) {
                let _ = writeln!(text, "    {sign} {}", compact(&statement));
            }
        }
    }
    text.push('\n');
}

/// Policy statements (or security group rules) present on one side only.
fn statement_changes(property: &PropertyDiff) -> Vec<(&'static str, Value)> {
    let old = statements(property.old.as_ref());
    let new = statements(property.new.as_ref());
    let mut changes: Vec<(&'static str, Value)> = old
        .iter()
        .filter(|s| !new.contains(s))
        .map(|s| ("[-]", s.clone()))
        .collect();
    changes.extend(
        new.iter()
            .filter(|s| !old.contains(s))
            .map(|s| ("[+]", s.clone())),
    );
    changes
}

/// Every `Statement` entry and security group rule under `value`, depth first.
fn statements(value: Option<&Value>) -> Vec<Value> {
    let mut found = Vec::new();
    if let Some(value) = value {
        collect_statements(value, &mut found);
    }
    found
}

fn collect_statements(value: &Value, found: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("Statement", Value::Array(items)) => found.extend(items.iter().cloned()),
                    ("Statement", Value::Object(_)) => found.push(child.clone()),
                    ("SecurityGroupIngress" | "SecurityGroupEgress", Value::Array(rules)) => {
                        found.extend(rules.iter().cloned());
                    }
                    _ => collect_statements(child, found),
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_statements(item, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn role(actions: &[&str]) -> Value {
        json!({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}}]}}}})
    }

    #[test]
    fn identical_templates_have_no_difference() {
        let template = role(&["s3:GetObject"]);
        let diff = templates(&template, &template);
        assert!(diff.is_empty());
        assert_eq!(render(&diff), "There were no differences\n");
    }

    #[test]
    fn a_policy_change_is_shown_as_a_security_change() {
        let diff = templates(
            &role(&["s3:GetObject"]),
            &role(&["s3:GetObject", "s3:PutObject"]),
        );
        assert_eq!(diff.resources.len(), 1);
        assert_eq!(diff.resources[0].properties[0].name, "Policies");
        let text = render(&diff);
        assert!(text.starts_with("Security changes"), "{text}");
        assert!(
            text.contains(
                "[+] {\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"]"
            ),
            "{text}"
        );
        assert!(
            text.contains("[-] {\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"]"),
            "{text}"
        );
    }

    #[test]
    fn a_table_rename_is_marked_as_a_replacement() {
        let table = |name: &str| {
            json!({"Resources": {"T": {"Type": "AWS::DynamoDB::Table",
            "Properties": {"TableName": name}}}})
        };
        let diff = templates(&table("a"), &table("b"));
        assert_eq!(diff.resources[0].replacement(), Replacement::Always);
        assert!(render(&diff).contains("[~] AWS::DynamoDB::Table T replace"));
    }

    #[test]
    fn added_and_removed_resources_and_outputs() {
        let old = json!({"Resources": {"A": {"Type": "AWS::SNS::Topic"}}, "Outputs": {"X": {}}});
        let new = json!({"Resources": {"B": {"Type": "AWS::SNS::Topic"}}});
        let diff = templates(&old, &new);
        let kinds: Vec<_> = diff
            .resources
            .iter()
            .map(|r| (r.logical_id.as_str(), r.kind))
            .collect();
        assert_eq!(kinds, [("B", Kind::Added), ("A", Kind::Removed)]);
        assert_eq!(diff.outputs, [("X".to_owned(), Kind::Removed)]);
    }
}
