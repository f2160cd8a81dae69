//! Drift between the synthesized IAM roles and the deployed ones, read back through IAM.
//!
//! A role's inline policies and attached managed policies are compared with
//! the template. Statements are compared by effect, actions and resources; a resource the
//! template computes (`Ref`, `Fn::GetAtt`, `Fn::Sub`, ...) matches any deployed resource in
//! the same position, because its resolved value is CloudFormation's business. Every
//! difference is a finding of control IAM-1 (roles hold only the allow-listed actions): an
//! action added by hand in the console is exactly what it forbids.

use std::collections::BTreeSet;

use aws_sdk_iam::Client;
use serde_json::Value;

use crate::error::{Error, api};
use crate::stack::Resource;

/// The control every drift finding belongs to.
pub const CONTROL: &str = "IAM-1";

/// One difference between a synthesized and a deployed role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub logical_id: String,
    pub role_name: String,
    pub message: String,
}

/// What IAM holds for one role.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeployedRole {
    /// Inline policies by name, as JSON documents.
    pub inline: Vec<(String, Value)>,
    /// Attached managed policy ARNs.
    pub attached: Vec<String>,
}

/// Compares every `AWS::IAM::Role` of `template` with its deployed counterpart among
/// `resources` (the stack's resources with their physical ids).
///
/// # Errors
/// When IAM cannot be read or returns a document that is not JSON.
pub async fn roles(
    client: &Client,
    template: &Value,
    resources: &[Resource],
) -> Result<Vec<Finding>, Error> {
    let mut findings = Vec::new();
    let Some(declared) = template.get("Resources").and_then(Value::as_object) else {
        return Ok(findings);
    };
    for (logical_id, resource) in declared {
        if resource.get("Type").and_then(Value::as_str) != Some("AWS::IAM::Role") {
            continue;
        }
        let Some(deployed) = resources.iter().find(|r| &r.logical_id == logical_id) else {
            findings.push(Finding {
                logical_id: logical_id.clone(),
                role_name: String::new(),
                message: "the role is in the template but not deployed".to_owned(),
            });
            continue;
        };
        let role = read_role(client, &deployed.physical_id).await?;
        let properties = resource.get("Properties").unwrap_or(&Value::Null);
        for message in compare(properties, &role) {
            findings.push(Finding {
                logical_id: logical_id.clone(),
                role_name: deployed.physical_id.clone(),
                message,
            });
        }
    }
    Ok(findings)
}

/// Reads a role's inline and attached policies.
///
/// # Errors
/// When a call fails or a document is not JSON.
pub async fn read_role(client: &Client, role_name: &str) -> Result<DeployedRole, Error> {
    let mut role = DeployedRole::default();
    let names = client
        .list_role_policies()
        .role_name(role_name)
        .send()
        .await
        .map_err(api("iam:ListRolePolicies"))?;
    for name in names.policy_names {
        let policy = client
            .get_role_policy()
            .role_name(role_name)
            .policy_name(&name)
            .send()
            .await
            .map_err(api("iam:GetRolePolicy"))?;
        let document =
            parse_document(&policy.policy_document).map_err(|reason| Error::Malformed {
                what: format!("inline policy `{name}` of role `{role_name}`"),
                reason,
            })?;
        role.inline.push((name, document));
    }
    let attached = client
        .list_attached_role_policies()
        .role_name(role_name)
        .send()
        .await
        .map_err(api("iam:ListAttachedRolePolicies"))?;
    role.attached = attached
        .attached_policies
        .unwrap_or_default()
        .into_iter()
        .filter_map(|policy| policy.policy_arn)
        .collect();
    Ok(role)
}

/// IAM returns documents URL-encoded (RFC 3986); a local stand-in may return them plain.
fn parse_document(text: &str) -> Result<Value, String> {
    let decoded = if text.trim_start().starts_with('{') {
        text.to_owned()
    } else {
        percent_decode(text)?
    };
    serde_json::from_str(&decoded).map_err(|err| err.to_string())
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3).ok_or("a truncated %-escape")?;
                let byte =
                    u8::from_str_radix(hex, 16).map_err(|_| format!("a bad %-escape `%{hex}`"))?;
                out.push(byte);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|err| err.to_string())
}

/// The differences between a role's template properties and what IAM holds.
pub fn compare(properties: &Value, role: &DeployedRole) -> Vec<String> {
    let mut messages = Vec::new();
    let synthesized: Vec<(String, &Value)> = properties
        .get("Policies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p.get("PolicyName")?.as_str()?.to_owned(),
                p.get("PolicyDocument")?,
            ))
        })
        .collect();
    for (name, document) in &role.inline {
        match synthesized.iter().find(|(n, _)| n == name) {
            None => messages.push(format!(
                "inline policy `{name}` is deployed but not in the template"
            )),
            Some((_, expected)) => messages.extend(compare_document(name, expected, document)),
        }
    }
    for (name, _) in &synthesized {
        if !role.inline.iter().any(|(n, _)| n == name) {
            messages.push(format!(
                "inline policy `{name}` of the template is not deployed"
            ));
        }
    }
    messages.extend(compare_managed(properties, &role.attached));
    messages
}

fn compare_document(name: &str, expected: &Value, deployed: &Value) -> Vec<String> {
    let expected = statements(expected);
    let deployed = statements(deployed);
    let mut missing: Vec<&Value> = expected
        .iter()
        .filter(|e| !deployed.iter().any(|d| matches(e, d)))
        .collect();
    let mut messages = Vec::new();
    for extra in deployed
        .iter()
        .filter(|d| !expected.iter().any(|e| matches(e, d)))
    {
        // The same statement edited by hand: report the action difference once.
        match missing.iter().position(|e| same_place(e, extra)) {
            Some(index) => {
                let original = missing.remove(index);
                messages.push(edited(name, original, extra));
            }
            None => messages.push(format!(
                "inline policy `{name}` has a statement that is not in the template: {extra}"
            )),
        }
    }
    messages.extend(
        missing
            .into_iter()
            .map(|e| format!("inline policy `{name}` lacks a statement of the template: {e}")),
    );
    messages
}

/// Same effect and resources: the statement the deployed one was most likely edited from.
fn same_place(expected: &Value, deployed: &Value) -> bool {
    expected.get("Effect") == deployed.get("Effect")
        && resources_match(expected.get("Resource"), deployed.get("Resource"))
}

fn edited(name: &str, expected: &Value, deployed: &Value) -> String {
    let actions = |s: &Value| string_set(s.get("Action"), true).unwrap_or_default();
    let (want, have) = (actions(expected), actions(deployed));
    let added: Vec<&str> = have.difference(&want).map(String::as_str).collect();
    let removed: Vec<&str> = want.difference(&have).map(String::as_str).collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("actions not in the template: {}", added.join(", ")));
    }
    if !removed.is_empty() {
        parts.push(format!(
            "actions of the template missing: {}",
            removed.join(", ")
        ));
    }
    if parts.is_empty() {
        parts.push("its condition or resources differ".to_owned());
    }
    format!(
        "inline policy `{name}` differs from the template ({}): {deployed}",
        parts.join("; ")
    )
}

fn statements(document: &Value) -> Vec<Value> {
    match document.get("Statement") {
        Some(Value::Array(items)) => items.clone(),
        Some(single @ Value::Object(_)) => vec![single.clone()],
        _ => Vec::new(),
    }
}

/// A string or list of strings as a set; IAM action names are case-insensitive.
fn string_set(value: Option<&Value>, fold_case: bool) -> Option<BTreeSet<String>> {
    let fold = |s: &str| {
        if fold_case {
            s.to_ascii_lowercase()
        } else {
            s.to_owned()
        }
    };
    match value? {
        Value::String(s) => Some(BTreeSet::from([fold(s)])),
        Value::Array(items) => items.iter().map(|i| i.as_str().map(fold)).collect(),
        _ => None,
    }
}

fn matches(expected: &Value, deployed: &Value) -> bool {
    let effect = |s: &Value| s.get("Effect").cloned();
    effect(expected) == effect(deployed)
        && string_set(expected.get("Action"), true) == string_set(deployed.get("Action"), true)
        && string_set(expected.get("NotAction"), true)
            == string_set(deployed.get("NotAction"), true)
        && resources_match(expected.get("Resource"), deployed.get("Resource"))
        && expected.get("Condition") == deployed.get("Condition")
}

/// Literal resources must be equal; a computed one (an object) matches any deployed one.
fn resources_match(expected: Option<&Value>, deployed: Option<&Value>) -> bool {
    let list = |v: Option<&Value>| -> Vec<Value> {
        match v {
            Some(Value::Array(items)) => items.clone(),
            Some(other) => vec![other.clone()],
            None => Vec::new(),
        }
    };
    let (expected, deployed) = (list(expected), list(deployed));
    if expected.len() != deployed.len() {
        return false;
    }
    let literal: BTreeSet<&str> = expected.iter().filter_map(Value::as_str).collect();
    let computed = expected.len() - literal.len();
    let unmatched = deployed
        .iter()
        .filter(|d| !d.as_str().is_some_and(|s| literal.contains(s)))
        .count();
    unmatched == computed
}

/// Managed policies by the name after `:policy/`, since the template may build the ARN
/// from `${AWS::Partition}`.
fn compare_managed(properties: &Value, attached: &[String]) -> Vec<String> {
    let name = |arn: &str| {
        arn.rsplit_once(":policy/")
            .map_or(arn, |(_, n)| n)
            .to_owned()
    };
    let expected: BTreeSet<String> = properties
        .get("ManagedPolicyArns")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|arn| match arn {
            Value::String(s) => Some(name(s)),
            Value::Object(o) => o.get("Fn::Sub").and_then(Value::as_str).map(name),
            _ => None,
        })
        .collect();
    let deployed: BTreeSet<String> = attached.iter().map(|arn| name(arn)).collect();
    let mut messages: Vec<String> = deployed
        .difference(&expected)
        .map(|p| format!("managed policy `{p}` is attached but not in the template"))
        .collect();
    messages.extend(
        expected
            .difference(&deployed)
            .map(|p| format!("managed policy `{p}` of the template is not attached")),
    );
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn properties() -> Value {
        json!({"Policies": [{"PolicyName": "fn", "PolicyDocument": {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["dynamodb:GetItem"],
                "Resource": {"Fn::GetAtt": ["Table", "Arn"]}}]}}]})
    }

    fn deployed(actions: &[&str]) -> DeployedRole {
        DeployedRole {
            inline: vec![(
                "fn".into(),
                json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": actions,
                 "Resource": "arn:aws:dynamodb:eu-west-1:1:table/t"}]}),
            )],
            attached: Vec::new(),
        }
    }

    #[test]
    fn a_faithful_role_has_no_drift() {
        assert_eq!(
            compare(&properties(), &deployed(&["dynamodb:GetItem"])),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_added_action_is_drift_naming_the_action() {
        let messages = compare(
            &properties(),
            &deployed(&["dynamodb:GetItem", "dynamodb:DeleteTable"]),
        );
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].contains("actions not in the template: dynamodb:deletetable"),
            "{}",
            messages[0]
        );
    }

    #[test]
    fn extra_policies_are_drift() {
        let mut role = deployed(&["dynamodb:GetItem"]);
        role.inline
            .push(("console".into(), json!({"Statement": []})));
        role.attached
            .push("arn:aws:iam::aws:policy/AdministratorAccess".into());
        let messages = compare(&properties(), &role);
        assert_eq!(messages.len(), 2, "{messages:?}");
    }

    #[test]
    fn documents_are_url_decoded() {
        let doc = parse_document("%7B%22Statement%22%3A%5B%5D%7D").unwrap();
        assert_eq!(doc, json!({"Statement": []}));
        assert!(parse_document("%7").is_err());
    }
}
