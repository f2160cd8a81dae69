//! Change sets: creating one (always with an explicit `ChangeSetType`), waiting for it,
//! classifying its changes per resource and property, and the guard against replacing or
//! removing stateful resources.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{
    Capability, ChangeAction, ChangeSetStatus, ChangeSetType, Parameter, RequiresRecreation,
    ResourceAttribute, ResourceChange, Tag,
};
use serde_json::Value;

use crate::diff;
use crate::error::{Error, api};
use crate::replacement::{self, Replacement};

/// What happens to one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Add,
    Modify,
    Remove,
    /// Anything else CloudFormation reports (`Import`, `Dynamic`), by its name.
    Other(String),
}

/// One resource's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub action: Action,
    pub logical_id: String,
    /// The deployed resource's id, for modifications and removals.
    pub physical_id: Option<String>,
    pub resource_type: String,
    pub replacement: Replacement,
    /// The top-level properties that change, each with its own effect, sorted by name.
    pub properties: Vec<(String, Replacement)>,
}

/// Whether the change set creates the stack or updates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Create,
    Update,
}

/// Where CloudFormation reads the template from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    Body(String),
    Url(String),
}

/// What to ask CloudFormation for.
#[derive(Debug, Clone)]
pub struct Request {
    pub stack: String,
    pub name: String,
    pub kind: Kind,
    pub template: TemplateSource,
    pub parameters: Vec<Parameter>,
    pub tags: Vec<(String, String)>,
}

/// A computed change set.
#[derive(Debug, Clone)]
pub struct ChangeSet {
    /// Its ARN.
    pub id: String,
    pub stack_id: String,
    pub changes: Vec<Change>,
}

/// The result of [`create`].
#[derive(Debug, Clone)]
pub enum Prepared {
    /// CloudFormation found nothing to change; the empty change set was deleted.
    Empty,
    Ready(ChangeSet),
}

const POLL: Duration = Duration::from_millis(500);

/// Creates the change set and waits until CloudFormation has computed it.
///
/// # Errors
/// When a call fails, the change set fails for a reason other than having no changes, or it
/// is not computed within `timeout`.
pub async fn create(
    client: &Client,
    request: &Request,
    timeout: Duration,
) -> Result<Prepared, Error> {
    let (template_body, template_url) = match &request.template {
        TemplateSource::Body(body) => (Some(body.clone()), None),
        TemplateSource::Url(url) => (None, Some(url.clone())),
    };
    let tags = request
        .tags
        .iter()
        .map(|(key, value)| Tag::builder().key(key).value(value).build())
        .collect();
    let created = client
        .create_change_set()
        .stack_name(&request.stack)
        .change_set_name(&request.name)
        // Always explicit: a local stand-in defaults to CREATE where AWS defaults to UPDATE.
        .change_set_type(match request.kind {
            Kind::Create => ChangeSetType::Create,
            Kind::Update => ChangeSetType::Update,
        })
        .set_template_body(template_body)
        .set_template_url(template_url)
        .set_parameters(Some(request.parameters.clone()))
        .set_tags(Some(tags))
        .capabilities(Capability::CapabilityIam)
        .capabilities(Capability::CapabilityNamedIam)
        .description("stackwright deploy")
        .send()
        .await
        .map_err(api("cloudformation:CreateChangeSet"))?;
    let id = created.id.unwrap_or_else(|| request.name.clone());
    let stack_id = created.stack_id.unwrap_or_else(|| request.stack.clone());
    wait(client, request, &id, stack_id, timeout).await
}

async fn wait(
    client: &Client,
    request: &Request,
    id: &str,
    stack_id: String,
    timeout: Duration,
) -> Result<Prepared, Error> {
    let started = Instant::now();
    loop {
        let described = client
            .describe_change_set()
            .change_set_name(id)
            .stack_name(&request.stack)
            .send()
            .await
            .map_err(api("cloudformation:DescribeChangeSet"))?;
        match described.status {
            Some(ChangeSetStatus::CreateComplete) => {
                let first = (described.changes, described.next_token);
                let changes = all_changes(client, request, id, first).await?;
                let id = id.to_owned();
                return Ok(Prepared::Ready(ChangeSet {
                    id,
                    stack_id,
                    changes,
                }));
            }
            Some(ChangeSetStatus::Failed) => {
                let reason = described.status_reason.unwrap_or_default();
                if is_no_change(&reason) {
                    delete(client, &request.stack, id).await?;
                    return Ok(Prepared::Empty);
                }
                return Err(Error::ChangeSetFailed {
                    stack: request.stack.clone(),
                    name: request.name.clone(),
                    reason,
                });
            }
            _ => {}
        }
        if started.elapsed() > timeout {
            return Err(Error::TimedOut {
                what: format!("change set `{}` of stack `{}`", request.name, request.stack),
                waited: timeout,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

/// CloudFormation's two wordings for "this change set changes nothing".
fn is_no_change(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

async fn all_changes(
    client: &Client,
    request: &Request,
    id: &str,
    first: (
        Option<Vec<aws_sdk_cloudformation::types::Change>>,
        Option<String>,
    ),
) -> Result<Vec<Change>, Error> {
    let (mut raw, mut token) = (first.0.unwrap_or_default(), first.1);
    while let Some(next) = token {
        let page = client
            .describe_change_set()
            .change_set_name(id)
            .stack_name(&request.stack)
            .next_token(next)
            .send()
            .await
            .map_err(api("cloudformation:DescribeChangeSet"))?;
        raw.extend(page.changes.unwrap_or_default());
        token = page.next_token;
    }
    Ok(raw
        .into_iter()
        .filter_map(|change| change.resource_change)
        .map(classify)
        .collect())
}

/// One change as CloudFormation reports it.
fn classify(change: ResourceChange) -> Change {
    let mut properties: Vec<(String, Replacement)> = change
        .details
        .unwrap_or_default()
        .into_iter()
        .filter_map(|detail| {
            let target = detail.target?;
            if target.attribute != Some(ResourceAttribute::Properties) {
                return None;
            }
            let effect = match target.requires_recreation {
                Some(RequiresRecreation::Always) => Replacement::Always,
                Some(RequiresRecreation::Conditionally) => Replacement::Conditional,
                _ => Replacement::Never,
            };
            Some((target.name?, effect))
        })
        .collect();
    properties.sort();
    properties.dedup_by(|a, b| a.0 == b.0);
    let replacement = match change.replacement.as_ref().map(|r| r.as_str()) {
        Some("True") => Replacement::Always,
        Some("Conditional") => Replacement::Conditional,
        _ => Replacement::Never,
    };
    Change {
        action: match change.action {
            Some(ChangeAction::Add) => Action::Add,
            Some(ChangeAction::Modify) => Action::Modify,
            Some(ChangeAction::Remove) => Action::Remove,
            other => Action::Other(other.map_or_else(String::new, |a| a.as_str().to_owned())),
        },
        logical_id: change.logical_resource_id.unwrap_or_default(),
        physical_id: change.physical_resource_id,
        resource_type: change.resource_type.unwrap_or_default(),
        replacement,
        properties,
    }
}

/// Completes modifications whose change set names no properties (a stand-in that does not
/// compute details) from the templates themselves, and derives replacement from the
/// create-only properties where CloudFormation gave none.
pub fn complete_from_templates(changes: &mut [Change], deployed: &Value, local: &Value) {
    for change in changes.iter_mut().filter(|c| c.action == Action::Modify) {
        if change.properties.is_empty() {
            let old = diff::resource(deployed, &change.logical_id);
            let new = diff::resource(local, &change.logical_id);
            change.properties = diff::changed_properties(old, new)
                .into_iter()
                .map(|name| {
                    let effect = replacement::of_property(&change.resource_type, &name);
                    (name, effect)
                })
                .collect();
        }
        let strongest = change.properties.iter().map(|(_, effect)| *effect).max();
        change.replacement = change
            .replacement
            .max(strongest.unwrap_or(Replacement::Never));
    }
}

/// The changes that destroy a stateful resource: its removal or replacement.
pub fn destructive(changes: &[Change]) -> Vec<&Change> {
    changes
        .iter()
        .filter(|change| replacement::is_stateful(&change.resource_type))
        .filter(|change| {
            change.action == Action::Remove
                || (change.action == Action::Modify && change.replacement != Replacement::Never)
        })
        .collect()
}

/// The change set as the user reviews it, one resource per line, properties below.
pub fn render(changes: &[Change]) -> String {
    let mut text = String::new();
    for change in changes {
        let (sign, verb) = match (&change.action, change.replacement) {
            (Action::Add, _) => ("+", "add"),
            (Action::Remove, _) => ("-", "remove"),
            (Action::Modify, Replacement::Always) => ("!", "replace"),
            (Action::Modify, Replacement::Conditional) => ("!", "may replace"),
            (Action::Modify, Replacement::Never) => ("~", "modify"),
            (Action::Other(name), _) => ("?", name.as_str()),
        };
        let _ = writeln!(
            text,
            "[{sign}] {verb:<11} {} {}",
            change.resource_type, change.logical_id
        );
        for (name, effect) in &change.properties {
            let note = match effect {
                Replacement::Always => " (replacement)",
                Replacement::Conditional => " (may cause replacement)",
                Replacement::Never => "",
            };
            let _ = writeln!(text, "      └─ {name}{note}");
        }
    }
    text
}

/// Executes a computed change set.
///
/// # Errors
/// When CloudFormation refuses it.
pub async fn execute(client: &Client, stack: &str, id: &str) -> Result<(), Error> {
    client
        .execute_change_set()
        .change_set_name(id)
        .stack_name(stack)
        .send()
        .await
        .map_err(api("cloudformation:ExecuteChangeSet"))?;
    Ok(())
}

/// Deletes a change set that will not be executed.
///
/// # Errors
/// When the call fails.
pub async fn delete(client: &Client, stack: &str, id: &str) -> Result<(), Error> {
    client
        .delete_change_set()
        .change_set_name(id)
        .stack_name(stack)
        .send()
        .await
        .map_err(api("cloudformation:DeleteChangeSet"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn modify(ty: &str, id: &str) -> Change {
        Change {
            action: Action::Modify,
            logical_id: id.to_owned(),
            physical_id: None,
            resource_type: ty.to_owned(),
            replacement: Replacement::Never,
            properties: Vec::new(),
        }
    }

    #[test]
    fn a_renamed_table_is_a_destructive_replacement() {
        let old = json!({"Resources": {"T": {"Type": "AWS::DynamoDB::Table",
            "Properties": {"TableName": "a", "BillingMode": "PAY_PER_REQUEST"}}}});
        let new = json!({"Resources": {"T": {"Type": "AWS::DynamoDB::Table",
            "Properties": {"TableName": "b", "BillingMode": "PAY_PER_REQUEST"}}}});
        let mut changes = vec![modify("AWS::DynamoDB::Table", "T")];
        complete_from_templates(&mut changes, &old, &new);
        assert_eq!(
            changes[0].properties,
            [("TableName".to_owned(), Replacement::Always)]
        );
        assert_eq!(changes[0].replacement, Replacement::Always);
        assert_eq!(destructive(&changes).len(), 1);
        assert!(render(&changes).contains("[!] replace"));
    }

    #[test]
    fn an_in_place_change_or_a_stateless_removal_passes_the_guard() {
        let mut table = modify("AWS::DynamoDB::Table", "T");
        table.properties = vec![("BillingMode".to_owned(), Replacement::Never)];
        let mut function = modify("AWS::Lambda::Function", "F");
        function.action = Action::Remove;
        assert!(destructive(&[table, function]).is_empty());
    }

    #[test]
    fn removing_a_user_pool_is_destructive() {
        let mut pool = modify("AWS::Cognito::UserPool", "P");
        pool.action = Action::Remove;
        assert_eq!(destructive(&[pool]).len(), 1);
    }

    #[test]
    fn no_change_reasons_are_recognised() {
        assert!(is_no_change(
            "The submitted information didn't contain changes. Submit different information to create a change set."
        ));
        assert!(is_no_change("No updates are to be performed."));
        assert!(!is_no_change("Template format error"));
    }
}
