//! The published versions of a deployed stack's functions and where their aliases point:
//! what `rollback`, `diff`, `deploy` and pruning read, and the two Lambda writes they make
//! (moving an alias, deleting a version).
//!
//! The stack's *deployed* template says which aliases there are (a local template may already
//! differ); its resources map logical ids to the function names and version ARNs Lambda knows.

use aws_sdk_lambda::Client;

use crate::aliases::{self, TemplateAlias};
use crate::client::Clients;
use crate::error::{Error, api};
use crate::stack::{self, Resource};

/// One function's alias as deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionAlias {
    /// The function's construct path, e.g. `CreateExpense` (its logical id when the template
    /// has no path metadata).
    pub path: String,
    /// The function's physical name.
    pub function: String,
    /// The alias name, e.g. `live`.
    pub alias: String,
    /// The version the alias points at; `None` when it is on `$LATEST` (or not a number).
    pub current: Option<u64>,
    /// The version the template's `AWS::Lambda::Version` published, when it can be told.
    pub template_version: Option<u64>,
    /// The published versions, ascending (`$LATEST` is not one).
    pub published: Vec<u64>,
}

impl FunctionAlias {
    /// The newest published version.
    pub fn latest(&self) -> Option<u64> {
        self.published.last().copied()
    }

    /// Whether the alias is on the newest published version (also when there is none).
    pub fn on_latest(&self) -> bool {
        self.latest().is_none() || self.current == self.latest()
    }

    /// Whether `name` names this function: its construct path or its physical name.
    pub fn is_named(&self, name: &str) -> bool {
        self.path == name || self.function == name
    }
}

/// The aliases of deployed stack `stack`, in its template's order.
///
/// # Errors
/// [`Error::StackMissing`] when the stack is not deployed; failed calls.
pub async fn deployed(clients: &Clients, stack: &str) -> Result<Vec<FunctionAlias>, Error> {
    let template = stack::template(&clients.cloudformation, stack).await?;
    let declared = aliases::in_template(&template);
    if declared.is_empty() {
        return Ok(Vec::new());
    }
    let resources = stack::resources(&clients.cloudformation, stack).await?;
    let mut found = Vec::new();
    for alias in &declared {
        // A resource that is not (or no longer) there has nothing to report.
        let Some(function) = physical_id(&resources, &alias.function_logical_id) else {
            continue;
        };
        found.push(read(&clients.lambda, alias, function, &resources).await?);
    }
    Ok(found)
}

async fn read(
    lambda: &Client,
    alias: &TemplateAlias,
    function: &str,
    resources: &[Resource],
) -> Result<FunctionAlias, Error> {
    let current = lambda
        .get_alias()
        .function_name(function)
        .name(&alias.name)
        .send()
        .await
        .map_err(api("lambda:GetAlias"))?
        .function_version
        .and_then(|version| version.parse().ok());
    let template_version = physical_id(resources, &alias.version_logical_id)
        .and_then(|arn| arn.rsplit(':').next())
        .and_then(|version| version.parse().ok());
    let path = if alias.path.is_empty() {
        alias.function_logical_id.clone()
    } else {
        alias.path.clone()
    };
    Ok(FunctionAlias {
        path,
        function: function.to_owned(),
        alias: alias.name.clone(),
        current,
        template_version,
        published: published(lambda, function).await?,
    })
}

fn physical_id<'a>(resources: &'a [Resource], logical_id: &str) -> Option<&'a str> {
    resources
        .iter()
        .find(|resource| resource.logical_id == logical_id)
        .map(|resource| resource.physical_id.as_str())
        .filter(|id| !id.is_empty())
}

/// The published versions of `function`, ascending.
///
/// # Errors
/// When the call fails.
pub async fn published(lambda: &Client, function: &str) -> Result<Vec<u64>, Error> {
    let mut versions = Vec::new();
    let mut marker = None;
    loop {
        let page = lambda
            .list_versions_by_function()
            .function_name(function)
            .set_marker(marker)
            .send()
            .await
            .map_err(api("lambda:ListVersionsByFunction"))?;
        versions.extend(
            page.versions()
                .iter()
                .filter_map(|version| version.version()?.parse::<u64>().ok()),
        );
        marker = page.next_marker;
        if marker.is_none() {
            versions.sort_unstable();
            versions.dedup();
            return Ok(versions);
        }
    }
}

/// The versions any alias of `function` points at, weighted routing included.
///
/// # Errors
/// When the call fails.
pub async fn aliased(lambda: &Client, function: &str) -> Result<Vec<u64>, Error> {
    let mut versions = Vec::new();
    let mut marker = None;
    loop {
        let page = lambda
            .list_aliases()
            .function_name(function)
            .set_marker(marker)
            .send()
            .await
            .map_err(api("lambda:ListAliases"))?;
        for alias in page.aliases() {
            versions.extend(alias.function_version().and_then(|v| v.parse::<u64>().ok()));
            let weights = alias
                .routing_config()
                .and_then(|routing| routing.additional_version_weights());
            versions.extend(
                weights
                    .into_iter()
                    .flat_map(|weights| weights.keys())
                    .filter_map(|version| version.parse::<u64>().ok()),
            );
        }
        marker = page.next_marker;
        if marker.is_none() {
            return Ok(versions);
        }
    }
}

/// Points alias `alias` of `function` at `version`.
///
/// # Errors
/// When the call fails.
pub async fn move_alias(
    lambda: &Client,
    function: &str,
    alias: &str,
    version: u64,
) -> Result<(), Error> {
    lambda
        .update_alias()
        .function_name(function)
        .name(alias)
        .function_version(version.to_string())
        .send()
        .await
        .map_err(api("lambda:UpdateAlias"))?;
    Ok(())
}

/// Deletes published version `version` of `function`.
///
/// # Errors
/// When the call fails (Lambda refuses to delete a version an alias points at).
pub async fn delete(lambda: &Client, function: &str, version: u64) -> Result<(), Error> {
    lambda
        .delete_function()
        .function_name(function)
        .qualifier(version.to_string())
        .send()
        .await
        .map_err(api("lambda:DeleteFunction"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(current: Option<u64>, published: &[u64]) -> FunctionAlias {
        FunctionAlias {
            path: "CreateExpense".into(),
            function: "stack-CreateExpense-x".into(),
            alias: "live".into(),
            current,
            template_version: None,
            published: published.to_vec(),
        }
    }

    #[test]
    fn on_latest_compares_with_the_newest_published_version() {
        assert!(alias(Some(3), &[1, 2, 3]).on_latest());
        assert!(!alias(Some(2), &[1, 2, 3]).on_latest());
        assert!(!alias(None, &[1]).on_latest());
        assert!(alias(None, &[]).on_latest());
    }

    #[test]
    fn a_function_is_named_by_path_or_physical_name() {
        let alias = alias(Some(1), &[1]);
        assert!(alias.is_named("CreateExpense"));
        assert!(alias.is_named("stack-CreateExpense-x"));
        assert!(!alias.is_named("Create"));
    }
}
