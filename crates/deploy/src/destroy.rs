//! Deleting a stack, and telling beforehand which resources outlive it.

use std::time::Duration;

use aws_sdk_cloudformation::Client;
use serde_json::Value;

use crate::error::{Error, api};
use crate::events::{self, Outcome, Progress};
use crate::stack::{self, Deployed};

/// A resource that stays in the account after the stack is deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retained {
    pub logical_id: String,
    pub resource_type: String,
    /// Its name or id in the account, when CloudFormation knows it.
    pub physical_id: Option<String>,
    /// `Retain`, `RetainExceptOnCreate` or `Snapshot`.
    pub policy: String,
}

/// The resources of the deployed `stack` whose `DeletionPolicy` keeps them (or a snapshot of
/// them), in template order.
///
/// # Errors
/// When the template or resource list cannot be read.
pub async fn retained(client: &Client, stack: &str) -> Result<Vec<Retained>, Error> {
    let template = stack::template(client, stack).await?;
    let resources = stack::resources(client, stack).await?;
    Ok(retained_in(&template)
        .into_iter()
        .map(|mut kept| {
            kept.physical_id = resources
                .iter()
                .find(|r| r.logical_id == kept.logical_id)
                .map(|r| r.physical_id.clone())
                .filter(|id| !id.is_empty());
            kept
        })
        .collect())
}

/// The resources of `template` with a keeping `DeletionPolicy`.
pub fn retained_in(template: &Value) -> Vec<Retained> {
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Vec::new();
    };
    resources
        .iter()
        .filter_map(|(id, resource)| {
            let policy = resource.get("DeletionPolicy")?.as_str()?;
            matches!(policy, "Retain" | "RetainExceptOnCreate" | "Snapshot").then(|| Retained {
                logical_id: id.clone(),
                resource_type: resource
                    .get("Type")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                physical_id: None,
                policy: policy.to_owned(),
            })
        })
        .collect()
}

/// Deletes `deployed` and follows it until it is gone or the deletion failed.
///
/// # Errors
/// When CloudFormation refuses the deletion or the wait times out.
pub async fn delete(
    client: &Client,
    deployed: &Deployed,
    timeout: Duration,
    progress: &mut Progress,
) -> Result<Outcome, Error> {
    let seen = events::seen(client, &deployed.id).await?;
    match client.delete_stack().stack_name(&deployed.id).send().await {
        Ok(_) => {}
        // Gone already (deleted meanwhile): that is what was asked for.
        Err(err) if stack::is_missing_stack(&err) => {
            return Ok(Outcome {
                status: "DELETE_COMPLETE".to_owned(),
                first_failure: None,
            });
        }
        Err(err) => return Err(api("cloudformation:DeleteStack")(err)),
    }
    events::follow(client, &deployed.id, seen, timeout, progress).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_keeping_policies_are_listed() {
        let template = json!({"Resources": {
            "Table": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain"},
            "Db": {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Snapshot"},
            "Fn": {"Type": "AWS::Lambda::Function", "DeletionPolicy": "Delete"},
            "Role": {"Type": "AWS::IAM::Role"}
        }});
        let kept: Vec<_> = retained_in(&template)
            .into_iter()
            .map(|r| (r.logical_id, r.policy))
            .collect();
        assert_eq!(
            kept,
            [
                ("Table".into(), "Retain".into()),
                ("Db".into(), "Snapshot".into())
            ]
        );
    }
}
