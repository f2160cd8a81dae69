//! Reading a deployed stack: its status, outputs, template and resources.

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::TemplateStage;
use serde_json::Value;

use crate::error::{Error, api};

/// A deployed stack as CloudFormation describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployed {
    /// The stack ARN, which still names it after deletion.
    pub id: String,
    pub status: String,
    /// Output key and value, in CloudFormation's order.
    pub outputs: Vec<(String, String)>,
    /// The keys of its parameters (never their values).
    pub parameters: Vec<String>,
}

/// A resource of a deployed stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub logical_id: String,
    pub physical_id: String,
    pub resource_type: String,
}

impl Deployed {
    /// Whether the stack is in a `*_IN_PROGRESS` state (other than a pending review).
    pub fn in_progress(&self) -> bool {
        is_in_progress(&self.status)
    }
}

/// Whether `status` is a transitional state that CloudFormation will leave by itself.
pub fn is_in_progress(status: &str) -> bool {
    status.ends_with("_IN_PROGRESS") && status != "REVIEW_IN_PROGRESS"
}

/// Whether an API error says the stack does not exist, which AWS reports as a
/// `ValidationError` rather than a dedicated code.
pub(crate) fn is_missing_stack<E: aws_sdk_cloudformation::error::ProvideErrorMetadata>(
    err: &E,
) -> bool {
    err.code() == Some("ValidationError")
        && err
            .message()
            .is_some_and(|message| message.contains("does not exist"))
}

/// The stack named (or with the ARN) `stack`, `None` when it does not exist.
///
/// # Errors
/// When the call fails for another reason.
pub async fn describe(client: &Client, stack: &str) -> Result<Option<Deployed>, Error> {
    let response = match client.describe_stacks().stack_name(stack).send().await {
        Ok(response) => response,
        Err(err) if is_missing_stack(&err) => return Ok(None),
        Err(err) => return Err(api("cloudformation:DescribeStacks")(err)),
    };
    let Some(found) = response.stacks.unwrap_or_default().into_iter().next() else {
        return Ok(None);
    };
    let outputs = found
        .outputs
        .unwrap_or_default()
        .into_iter()
        .map(|output| {
            (
                output.output_key.unwrap_or_default(),
                output.output_value.unwrap_or_default(),
            )
        })
        .collect();
    let parameters = found
        .parameters
        .unwrap_or_default()
        .into_iter()
        .filter_map(|parameter| parameter.parameter_key)
        .collect();
    Ok(Some(Deployed {
        id: found.stack_id.unwrap_or_else(|| stack.to_owned()),
        status: found
            .stack_status
            .map(|status| status.as_str().to_owned())
            .unwrap_or_default(),
        outputs,
        parameters,
    }))
}

/// The template CloudFormation holds for `stack`, as submitted (before transforms).
///
/// # Errors
/// [`Error::StackMissing`] when it is not deployed; [`Error::Malformed`] when the body is not
/// JSON (a YAML template deployed by another tool).
pub async fn template(client: &Client, stack: &str) -> Result<Value, Error> {
    let response = client
        .get_template()
        .stack_name(stack)
        .template_stage(TemplateStage::Original)
        .send()
        .await
        .map_err(|err| {
            if is_missing_stack(&err) {
                Error::StackMissing(stack.to_owned())
            } else {
                api("cloudformation:GetTemplate")(err)
            }
        })?;
    let body = response.template_body.unwrap_or_default();
    serde_json::from_str(&body).map_err(|err| Error::Malformed {
        what: format!("the deployed template of stack `{stack}`"),
        reason: err.to_string(),
    })
}

/// Every resource of `stack` with its physical id.
///
/// # Errors
/// When the call fails.
pub async fn resources(client: &Client, stack: &str) -> Result<Vec<Resource>, Error> {
    let mut found = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_stack_resources()
            .stack_name(stack)
            .set_next_token(token)
            .send()
            .await
            .map_err(api("cloudformation:ListStackResources"))?;
        found.extend(
            page.stack_resource_summaries
                .unwrap_or_default()
                .into_iter()
                .map(|summary| Resource {
                    logical_id: summary.logical_resource_id.unwrap_or_default(),
                    physical_id: summary.physical_resource_id.unwrap_or_default(),
                    resource_type: summary.resource_type.unwrap_or_default(),
                }),
        );
        token = page.next_token;
        if token.is_none() {
            return Ok(found);
        }
    }
}
