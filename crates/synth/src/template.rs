//! Rendering a [`Stack`] into a CloudFormation template.
//!
//! The stack-wide aspects are applied here, in a fixed order, so the result depends only on
//! what the stack contains: grants are folded into role policies, tags merged (and required
//! tags checked), removal policies set on stateful resources, raw overrides applied last and
//! recorded in `Metadata`. Then ids hashed over their members (API deployments) are computed
//! and every reference is checked to resolve: a template with a dangling `Ref`, `Fn::GetAtt`,
//! `Fn::Sub` variable or `DependsOn` is never written (control TPL-1).
//!
//! Output is deterministic: sections and resources come in creation order, properties in the
//! order of the typed structs, and no timestamps or host data enter the template.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value as Json, json};
use sha2::{Digest, Sha256};

use crate::error::{Result, SynthError};
use crate::logical_id::LogicalId;
use crate::removal::RemovalPolicy;
use crate::stack::{HashScope, ResourceEntry, Stack};
use crate::tags;

/// The template format version CloudFormation expects.
pub const FORMAT_VERSION: &str = "2010-09-09";

/// Metadata key listing the construct path of a resource.
pub const PATH_METADATA: &str = "stackwright:path";

/// Metadata key listing the raw overrides applied to a resource.
pub const OVERRIDES_METADATA: &str = "stackwright:overrides";

pub(crate) fn render(stack: &Stack) -> Result<Json> {
    check_pins(stack)?;
    let mut resources = Map::new();
    for entry in &stack.resources {
        resources.insert(entry.id.to_string(), render_resource(stack, entry)?);
    }
    let renames = rename_hashed_ids(stack, &mut resources);
    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".into(), json!(FORMAT_VERSION));
    if let Some(description) = &stack.props.description {
        template.insert("Description".into(), json!(description));
    }
    template.insert("Metadata".into(), template_metadata(stack, &renames));
    if !stack.parameters.is_empty() {
        template.insert("Parameters".into(), parameters(stack)?);
    }
    template.insert("Resources".into(), Json::Object(resources));
    if !stack.outputs.is_empty() {
        template.insert("Outputs".into(), outputs(stack)?);
    }
    let template = Json::Object(template);
    crate::references::check(stack, &template)?;
    Ok(template)
}

/// A pinned id whose path holds no resource is a typo that would silently do nothing.
fn check_pins(stack: &Stack) -> Result<()> {
    let paths: BTreeSet<String> = stack.resources.iter().map(|e| e.path.to_string()).collect();
    match stack
        .pinned_ids
        .iter()
        .find(|(path, _)| !paths.contains(*path))
    {
        Some((path, id)) => Err(SynthError::InvalidLogicalId {
            path: format!("{}/{path}", stack.name),
            logical_id: id.to_string(),
            reason: "no resource has this path",
        }),
        None => Ok(()),
    }
}

fn render_resource(stack: &Stack, entry: &ResourceEntry) -> Result<Json> {
    let path = stack.full_path(&entry.path);
    let mut properties = entry.properties.clone();
    fold_role_policies(stack, entry, &mut properties);
    tags::apply(
        &mut properties,
        entry.tags,
        &stack.props.tags,
        &stack.props.required_tags,
        &path,
    )?;
    let mut resource = Map::new();
    resource.insert("Type".into(), json!(entry.type_name));
    if !properties.is_empty() {
        resource.insert("Properties".into(), Json::Object(properties));
    }
    if !entry.depends_on.is_empty() {
        let ids: Vec<&str> = entry.depends_on.iter().map(LogicalId::as_str).collect();
        resource.insert("DependsOn".into(), json!(ids));
    }
    let policy = if entry.always_retained {
        Some(RemovalPolicy::Retain)
    } else {
        entry.stateful.then(|| stack.removal_policy())
    };
    if let Some(policy) = policy {
        let policy = policy.as_cfn();
        resource.insert("DeletionPolicy".into(), json!(policy));
        resource.insert("UpdateReplacePolicy".into(), json!(policy));
    }
    resource.insert("Metadata".into(), resource_metadata(entry, &path));
    let mut resource = Json::Object(resource);
    apply_overrides(&mut resource, entry, &path)?;
    Ok(resource)
}

fn fold_role_policies(stack: &Stack, entry: &ResourceEntry, properties: &mut Map<String, Json>) {
    let Some(policies) = stack.role_policies.get(&entry.id) else {
        return;
    };
    let rendered = policies
        .iter()
        .map(|(name, document)| json!({"PolicyName": name, "PolicyDocument": document.to_json()}));
    let list = properties.entry("Policies").or_insert_with(|| json!([]));
    if let Json::Array(list) = list {
        list.extend(rendered);
    }
}

fn resource_metadata(entry: &ResourceEntry, path: &str) -> Json {
    let mut metadata = Map::new();
    metadata.insert(PATH_METADATA.into(), json!(path));
    if !entry.overrides.is_empty() {
        let pointers: Vec<&str> = entry.overrides.iter().map(|(p, _)| p.as_str()).collect();
        metadata.insert(OVERRIDES_METADATA.into(), json!(pointers));
    }
    if !entry.waivers.is_empty() {
        metadata.insert("stackwright".into(), json!({ "waivers": entry.waivers }));
    }
    Json::Object(metadata)
}

fn apply_overrides(resource: &mut Json, entry: &ResourceEntry, path: &str) -> Result<()> {
    for (pointer, value) in &entry.overrides {
        let segments: Vec<&str> = pointer.split('.').collect();
        let applied = match value {
            Some(value) => set_at(resource, &segments, value.clone()),
            None => remove_at(resource, &segments),
        };
        if !applied {
            return Err(SynthError::InvalidOverride {
                path: path.to_owned(),
                pointer: pointer.clone(),
                reason: "a segment crosses a value that is neither an object nor a list",
            });
        }
    }
    Ok(())
}

/// Sets `value` at `segments`, creating missing objects on the way.
fn set_at(root: &mut Json, segments: &[&str], value: Json) -> bool {
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut current = root;
    for segment in parents {
        current = match current {
            Json::Object(object) => object.entry(*segment).or_insert_with(|| json!({})),
            Json::Array(list) => {
                match segment.parse::<usize>().ok().and_then(|i| list.get_mut(i)) {
                    Some(next) => next,
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    match (current, last.parse::<usize>()) {
        (Json::Object(object), _) => {
            object.insert((*last).to_owned(), value);
            true
        }
        (Json::Array(list), Ok(index)) if index < list.len() => {
            list[index] = value;
            true
        }
        _ => false,
    }
}

/// Removes the value at `segments`; a path that does not exist is already removed.
fn remove_at(root: &mut Json, segments: &[&str]) -> bool {
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut current = root;
    for segment in parents {
        let next = match current {
            Json::Object(object) => object.get_mut(*segment),
            Json::Array(list) => segment.parse::<usize>().ok().and_then(|i| list.get_mut(i)),
            _ => return false,
        };
        match next {
            Some(next) => current = next,
            None => return true,
        }
    }
    match (current, last.parse::<usize>()) {
        (Json::Object(object), _) => {
            object.remove(*last);
            true
        }
        (Json::Array(list), Ok(index)) if index < list.len() => {
            list.remove(index);
            true
        }
        _ => false,
    }
}

/// Renames resources whose id is hashed over members, and every reference to them.
fn rename_hashed_ids(stack: &Stack, resources: &mut Map<String, Json>) -> Renames {
    let mut renames = BTreeMap::new();
    for entry in stack.resources.iter().filter(|e| !e.id_hash_of.is_empty()) {
        let mut hasher = Sha256::new();
        for member in &entry.id_hash_of {
            hasher.update(member.as_str().as_bytes());
            if let Some(json) = resources.get(member.as_str()) {
                hasher.update(
                    hashed_part(json, entry.id_hash_scope)
                        .to_string()
                        .as_bytes(),
                );
            }
        }
        let digest = hasher.finalize();
        let suffix: String = digest[..4].iter().map(|b| format!("{b:02X}")).collect();
        let mut new_id = entry.id.to_string();
        new_id.truncate(crate::logical_id::MAX_LOGICAL_ID_LEN - suffix.len());
        new_id.push_str(&suffix);
        renames.insert(entry.id.to_string(), new_id);
    }
    if renames.is_empty() {
        return renames;
    }
    let old = std::mem::take(resources);
    for (id, mut resource) in old {
        crate::references::rename(&mut resource, &renames);
        let id = renames.get(&id).cloned().unwrap_or(id);
        resources.insert(id, resource);
    }
    renames
}

fn hashed_part(resource: &Json, scope: HashScope) -> Json {
    match scope {
        HashScope::Resource => resource.clone(),
        HashScope::Configuration => {
            let mut properties = resource.get("Properties").cloned().unwrap_or(Json::Null);
            if let Json::Object(map) = &mut properties {
                map.remove("Tags");
            }
            properties
        }
    }
}

/// Old logical id → new logical id.
type Renames = BTreeMap<String, String>;

fn template_metadata(stack: &Stack, renames: &Renames) -> Json {
    let overrides: Vec<Json> = stack
        .resources
        .iter()
        .flat_map(|entry| {
            let id = renames
                .get(entry.id.as_str())
                .map_or(entry.id.as_str(), String::as_str);
            entry.overrides.iter().map(move |(pointer, value)| {
                json!({
                    "logicalId": id,
                    "path": stack.full_path(&entry.path),
                    "property": pointer,
                    "action": if value.is_some() { "set" } else { "delete" },
                })
            })
        })
        .collect();
    let required: BTreeSet<&str> = stack
        .props
        .required_tags
        .iter()
        .map(String::as_str)
        .collect();
    json!({"stackwright": {
        "stack": stack.name,
        "requiredTags": required,
        "removalPolicy": stack.removal_policy().as_cfn(),
        "overrides": overrides,
    }})
}

fn parameters(stack: &Stack) -> Result<Json> {
    let mut map = Map::new();
    for parameter in &stack.parameters {
        map.insert(
            parameter.name.clone(),
            to_json(stack, "Parameters", parameter)?,
        );
    }
    Ok(Json::Object(map))
}

fn outputs(stack: &Stack) -> Result<Json> {
    let mut map = Map::new();
    for output in &stack.outputs {
        map.insert(output.name.clone(), to_json(stack, "Outputs", output)?);
    }
    Ok(Json::Object(map))
}

fn to_json(stack: &Stack, section: &str, value: &impl serde::Serialize) -> Result<Json> {
    serde_json::to_value(value).map_err(|err| SynthError::Serialize {
        path: format!("{}/{section}", stack.name),
        reason: err.to_string(),
    })
}
