//! Following a stack operation through its events until the stack reaches a final state.
//!
//! Events are read newest first and only those not seen before the operation started are
//! shown, oldest first. Each is one line on stderr; on a terminal a progress bar counts the
//! resources that finished. The wait has a real timeout, because a stuck stack would
//! otherwise keep a CI job running until its own limit.

use std::collections::HashSet;
use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::Client;
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{Error, api};
use crate::stack;

/// One stack event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
}

/// How an operation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The stack's final status (`DELETE_COMPLETE` once it is gone).
    pub status: String,
    /// The first resource that failed, which is the cause; later failures are consequences.
    pub first_failure: Option<Event>,
}

impl Outcome {
    /// Whether the operation did what was asked (no rollback, no failure).
    pub fn succeeded(&self) -> bool {
        matches!(
            self.status.as_str(),
            "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "DELETE_COMPLETE" | "IMPORT_COMPLETE"
        )
    }
}

/// The ids of the events `stack` has now, so that [`follow`] shows only newer ones.
///
/// # Errors
/// When the call fails for a reason other than the stack not existing.
pub async fn seen(client: &Client, stack: &str) -> Result<HashSet<String>, Error> {
    let mut seen = HashSet::new();
    match client
        .describe_stack_events()
        .stack_name(stack)
        .send()
        .await
    {
        Ok(page) => seen.extend(
            page.stack_events
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| e.event_id),
        ),
        Err(err) if stack::is_missing_stack(&err) => {}
        Err(err) => return Err(api("cloudformation:DescribeStackEvents")(err)),
    }
    Ok(seen)
}

/// Newer events than `seen`, oldest first; adds them to `seen`.
async fn fetch_new(
    client: &Client,
    stack_id: &str,
    seen: &mut HashSet<String>,
) -> Result<Vec<Event>, Error> {
    let mut fresh = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .describe_stack_events()
            .stack_name(stack_id)
            .set_next_token(token)
            .send()
            .await
            .map_err(api("cloudformation:DescribeStackEvents"))?;
        let mut reached_seen = false;
        for event in page.stack_events.unwrap_or_default() {
            let id = event.event_id.unwrap_or_default();
            if seen.contains(&id) {
                reached_seen = true;
                break;
            }
            fresh.push(Event {
                id,
                logical_id: event.logical_resource_id.unwrap_or_default(),
                resource_type: event.resource_type.unwrap_or_default(),
                status: event
                    .resource_status
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                reason: event.resource_status_reason.filter(|r| !r.is_empty()),
            });
        }
        token = page.next_token;
        if reached_seen || token.is_none() {
            break;
        }
    }
    fresh.reverse();
    seen.extend(fresh.iter().map(|event| event.id.clone()));
    Ok(fresh)
}

/// Shows the events of `stack_id` (its ARN, which still resolves after deletion) until the
/// stack leaves its `*_IN_PROGRESS` state.
///
/// # Errors
/// [`Error::TimedOut`] after `timeout`, and failed calls.
pub async fn follow(
    client: &Client,
    stack_id: &str,
    mut seen: HashSet<String>,
    timeout: Duration,
    progress: &mut Progress,
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let mut first_failure: Option<Event> = None;
    loop {
        let state = stack::describe(client, stack_id).await?;
        let events = fetch_new(client, stack_id, &mut seen).await?;
        for event in events {
            progress.show(&event);
            if first_failure.is_none() && is_failure(&event) {
                first_failure = Some(event);
            }
        }
        let status = state.map_or_else(|| "DELETE_COMPLETE".to_owned(), |s| s.status);
        if !stack::is_in_progress(&status) {
            progress.finish();
            return Ok(Outcome {
                status,
                first_failure,
            });
        }
        if started.elapsed() > timeout {
            progress.finish();
            return Err(Error::TimedOut {
                what: format!("stack `{stack_id}` to leave {status}"),
                waited: timeout,
            });
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// A resource's `*_FAILED` event with a reason; the stack's own failure events only repeat
/// a resource's reason, and "Resource creation cancelled" is a consequence, not a cause.
fn is_failure(event: &Event) -> bool {
    event.status.ends_with("_FAILED")
        && event.resource_type != "AWS::CloudFormation::Stack"
        && event
            .reason
            .as_deref()
            .is_some_and(|reason| !reason.contains("Resource creation cancelled"))
}

/// Where events are shown: a line each on stderr, plus a bar on a terminal.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A display for an operation touching `resources` resources; the bar only when stderr
    /// is a terminal, so logs and pipes get plain lines.
    pub fn new(resources: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(resources);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} resources {elapsed}")
            {
                bar.set_style(style);
            }
            bar
        });
        Self { bar }
    }

    /// Shows one event.
    pub fn show(&mut self, event: &Event) {
        let reason = event
            .reason
            .as_deref()
            .map(|r| format!("  {r}"))
            .unwrap_or_default();
        let line = format!(
            "{:<28} {:<36} {}{reason}",
            event.status, event.resource_type, event.logical_id
        );
        match &self.bar {
            Some(bar) => {
                bar.println(line);
                if event.status.ends_with("_COMPLETE")
                    && event.resource_type != "AWS::CloudFormation::Stack"
                {
                    bar.inc(1);
                }
            }
            None => eprintln!("{line}"),
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(status: &str, ty: &str, reason: Option<&str>) -> Event {
        Event {
            id: "e".into(),
            logical_id: "L".into(),
            resource_type: ty.into(),
            status: status.into(),
            reason: reason.map(Into::into),
        }
    }

    #[test]
    fn the_cause_is_a_resource_failure_with_a_reason() {
        let table = "AWS::DynamoDB::Table";
        assert!(is_failure(&event(
            "CREATE_FAILED",
            table,
            Some("Table already exists")
        )));
        assert!(!is_failure(&event(
            "CREATE_FAILED",
            table,
            Some("Resource creation cancelled")
        )));
        assert!(!is_failure(&event(
            "CREATE_FAILED",
            "AWS::CloudFormation::Stack",
            Some("x")
        )));
        assert!(!is_failure(&event("CREATE_COMPLETE", table, None)));
    }

    #[test]
    fn only_the_requested_end_states_succeed() {
        let outcome = |status: &str| Outcome {
            status: status.into(),
            first_failure: None,
        };
        assert!(outcome("UPDATE_COMPLETE").succeeded());
        assert!(!outcome("ROLLBACK_COMPLETE").succeeded());
        assert!(!outcome("UPDATE_ROLLBACK_COMPLETE").succeeded());
    }
}
