//! One deployment from start to end: assets, change set, review, guard, confirmation,
//! execution and the stack's final state.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::assets::{self, Asset, Upload};
use crate::changeset::{self, Change, ChangeSet, Kind, Prepared, Request, TemplateSource};
use crate::client::Clients;
use crate::error::Error;
use crate::events::{self, Outcome, Progress};
use crate::stack::{self, Deployed};
use crate::{parameters, replacement};

/// CloudFormation's limit for an inline template body; larger ones go through S3.
const TEMPLATE_BODY_LIMIT: usize = 51_200;

/// What to deploy.
#[derive(Debug, Clone)]
pub struct Plan {
    pub stack: String,
    pub template: Value,
    /// The template's bytes exactly as synthesized.
    pub template_json: Vec<u8>,
    pub assets: Vec<Asset>,
    /// Stack-level tags.
    pub tags: Vec<(String, String)>,
    /// Let the change set replace or remove stateful resources.
    pub allow_replace: bool,
    /// The limit for each wait (change set computation, stack operation).
    pub timeout: std::time::Duration,
}

/// The interaction with the person deploying.
pub trait Ui {
    /// A progress note (stderr).
    fn note(&mut self, text: &str);
    /// The change set for review (stdout).
    fn review(&mut self, text: &str);
    /// Whether to execute the reviewed change set.
    fn confirm(&mut self, stack: &str) -> bool;
}

/// How a deployment ended.
#[derive(Debug, Clone)]
pub enum Report {
    /// The template and parameters match what is deployed.
    NoChanges,
    /// The change set destroys stateful resources and `allow_replace` was not given.
    Refused { destructive: Vec<Change> },
    /// The person deploying said no.
    Declined,
    /// Executed and complete.
    Deployed { outputs: Vec<(String, String)> },
    /// Executed and failed; the outcome names the first failure and where the rollback ended.
    Failed { outcome: Outcome },
}

/// Runs the deployment `plan`.
///
/// # Errors
/// Failed calls, a stack that cannot be changed now, assets that cannot be uploaded.
pub async fn run(clients: &Clients, plan: &Plan, ui: &mut dyn Ui) -> Result<Report, Error> {
    let cfn = &clients.cloudformation;
    let existing = stack::describe(cfn, &plan.stack).await?;
    let kind = kind_for(&plan.stack, existing.as_ref())?;
    let account = clients.account().await?;
    let bucket = assets::bucket_name(&account, &clients.region);
    let template = stage(clients, &bucket, plan, ui).await?;
    let previous = existing
        .as_ref()
        .map(|s| s.parameters.clone())
        .unwrap_or_default();
    let given = [("AssetBucket".to_owned(), bucket.clone())];
    let request = Request {
        stack: plan.stack.clone(),
        name: change_set_name(),
        kind,
        template,
        parameters: parameters::for_template(&plan.template, &given, &previous)?,
        tags: plan.tags.clone(),
    };
    ui.note(&format!(
        "computing change set `{}` of stack `{}`",
        request.name, plan.stack
    ));
    let mut change_set = match changeset::create(cfn, &request, plan.timeout).await? {
        Prepared::Empty => return Ok(Report::NoChanges),
        Prepared::Ready(change_set) => change_set,
    };
    if kind == Kind::Update {
        let deployed = stack::template(cfn, &plan.stack).await?;
        changeset::complete_from_templates(&mut change_set.changes, &deployed, &plan.template);
    }
    if change_set.changes.is_empty() {
        // Only parameters or tags changed; still a change CloudFormation will apply.
        ui.review("(no resource changes: parameters, tags or outputs only)\n");
    } else {
        ui.review(&changeset::render(&change_set.changes));
    }
    review_and_execute(clients, plan, ui, change_set).await
}

async fn review_and_execute(
    clients: &Clients,
    plan: &Plan,
    ui: &mut dyn Ui,
    change_set: ChangeSet,
) -> Result<Report, Error> {
    let cfn = &clients.cloudformation;
    let destructive = destroying_data(clients, &change_set.changes).await?;
    if !destructive.is_empty() && !plan.allow_replace {
        changeset::delete(cfn, &plan.stack, &change_set.id).await?;
        return Ok(Report::Refused { destructive });
    }
    if !ui.confirm(&plan.stack) {
        changeset::delete(cfn, &plan.stack, &change_set.id).await?;
        return Ok(Report::Declined);
    }
    let seen = events::seen(cfn, &change_set.stack_id).await?;
    changeset::execute(cfn, &plan.stack, &change_set.id).await?;
    let mut progress = Progress::new(change_set.changes.len() as u64);
    let outcome =
        events::follow(cfn, &change_set.stack_id, seen, plan.timeout, &mut progress).await?;
    if !outcome.succeeded() {
        return Ok(Report::Failed { outcome });
    }
    let outputs = stack::describe(cfn, &change_set.stack_id)
        .await?
        .map(|s| s.outputs)
        .unwrap_or_default();
    Ok(Report::Deployed { outputs })
}

/// The destructive changes, except buckets that hold no objects (nothing is lost).
async fn destroying_data(clients: &Clients, changes: &[Change]) -> Result<Vec<Change>, Error> {
    let mut found = Vec::new();
    for change in changeset::destructive(changes) {
        if change.resource_type == "AWS::S3::Bucket" {
            if let Some(bucket) = &change.physical_id {
                if !assets::has_objects(&clients.s3, bucket).await? {
                    continue;
                }
            }
        }
        found.push(change.clone());
    }
    debug_assert!(
        found
            .iter()
            .all(|c| replacement::is_stateful(&c.resource_type))
    );
    Ok(found)
}

/// Create for a new stack (or one only reviewed so far), update for a settled one.
fn kind_for(name: &str, existing: Option<&Deployed>) -> Result<Kind, Error> {
    let Some(existing) = existing else {
        return Ok(Kind::Create);
    };
    let not_ready = |hint| Error::StackNotReady {
        stack: name.to_owned(),
        status: existing.status.clone(),
        hint,
    };
    match existing.status.as_str() {
        "REVIEW_IN_PROGRESS" => Ok(Kind::Create),
        "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "CREATE_FAILED" | "DELETE_FAILED" => {
            Err(not_ready(
                "its first creation failed; remove it with `stackwright destroy` and deploy again",
            ))
        }
        _ if existing.in_progress() => Err(not_ready(
            "another operation is running; wait for it to finish",
        )),
        _ => Ok(Kind::Update),
    }
}

/// Uploads the assets and, when it is too large to send inline, the template.
async fn stage(
    clients: &Clients,
    bucket: &str,
    plan: &Plan,
    ui: &mut dyn Ui,
) -> Result<TemplateSource, Error> {
    if assets::ensure_bucket(&clients.s3, bucket, &clients.region).await? {
        ui.note(&format!("created asset bucket `{bucket}`"));
    }
    for asset in &plan.assets {
        if assets::upload(&clients.s3, bucket, asset).await? == Upload::Uploaded {
            ui.note(&format!("uploaded asset `{}` as {}", asset.id, asset.key));
        }
    }
    if plan.template_json.len() <= TEMPLATE_BODY_LIMIT {
        let body = String::from_utf8_lossy(&plan.template_json).into_owned();
        return Ok(TemplateSource::Body(body));
    }
    let key = format!("templates/{}.json", assets::sha256_hex(&plan.template_json));
    assets::put_unless_present(&clients.s3, bucket, &key, plan.template_json.clone()).await?;
    Ok(TemplateSource::Url(template_url(
        bucket,
        &clients.region,
        &key,
    )))
}

/// A path-style S3 URL, which CloudFormation accepts in every region (and which a local
/// stand-in can map back to its own bucket).
fn template_url(bucket: &str, region: &str, key: &str) -> String {
    format!("https://s3.{region}.amazonaws.com/{bucket}/{key}")
}

/// A change set name unique per second, which is all one person deploying needs.
fn change_set_name() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    format!("stackwright-{seconds}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployed(status: &str) -> Deployed {
        Deployed {
            id: "arn".into(),
            status: status.into(),
            outputs: Vec::new(),
            parameters: Vec::new(),
        }
    }

    #[test]
    fn the_change_set_type_follows_the_stack_state() {
        assert_eq!(kind_for("s", None).unwrap(), Kind::Create);
        assert_eq!(
            kind_for("s", Some(&deployed("REVIEW_IN_PROGRESS"))).unwrap(),
            Kind::Create
        );
        assert_eq!(
            kind_for("s", Some(&deployed("UPDATE_ROLLBACK_COMPLETE"))).unwrap(),
            Kind::Update
        );
        let err = kind_for("s", Some(&deployed("ROLLBACK_COMPLETE"))).unwrap_err();
        assert!(err.to_string().contains("stackwright destroy"), "{err}");
        assert!(kind_for("s", Some(&deployed("UPDATE_IN_PROGRESS"))).is_err());
    }

    #[test]
    fn template_urls_are_path_style() {
        assert_eq!(
            template_url("b", "eu-west-1", "templates/x.json"),
            "https://s3.eu-west-1.amazonaws.com/b/templates/x.json"
        );
    }
}
