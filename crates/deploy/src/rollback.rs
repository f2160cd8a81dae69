//! Which alias moves to which version when a release is rolled back, decided for every
//! selected function before any alias moves: a rollback that cannot be done for one function
//! moves none, so a stack is never left half rolled back.

use crate::client::Clients;
use crate::error::Error;
use crate::versions::{FunctionAlias, move_alias};

/// Which functions to roll back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every function with an alias.
    All,
    /// The one function with this construct path or physical name.
    Named(String),
}

/// One alias move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub path: String,
    pub function: String,
    pub alias: String,
    /// Where the alias was; `None` for `$LATEST`.
    pub from: Option<u64>,
    pub to: u64,
}

impl Move {
    /// Whether the alias is already where it should go.
    pub fn is_noop(&self) -> bool {
        self.from == Some(self.to)
    }
}

/// Why a rollback cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// `--function` names no function with an alias.
    #[error("no function `{name}` with an alias in the selected stacks (known: {known})")]
    UnknownFunction { name: String, known: String },
    /// The named version was never published or has been deleted.
    #[error("function `{path}` has no published version {version} (published: {published})")]
    UnknownVersion {
        path: String,
        version: u64,
        published: String,
    },
    /// The alias is already on the oldest published version.
    #[error(
        "function `{path}`: alias `{alias}` is on version {current}, and no earlier published version exists"
    )]
    NoEarlierVersion {
        path: String,
        alias: String,
        current: String,
    },
}

/// The moves that roll `aliases` back: each selected alias to the highest published version
/// below its current one, or to `to` (which needs a single function).
///
/// # Errors
/// The first function that cannot be rolled back; then nothing should move.
pub fn plan(
    aliases: &[FunctionAlias],
    selection: &Selection,
    to: Option<u64>,
) -> Result<Vec<Move>, PlanError> {
    let selected: Vec<&FunctionAlias> = match selection {
        Selection::All => aliases.iter().collect(),
        Selection::Named(name) => {
            let found: Vec<&FunctionAlias> = aliases.iter().filter(|a| a.is_named(name)).collect();
            if found.is_empty() {
                let known: Vec<&str> = aliases.iter().map(|a| a.path.as_str()).collect();
                return Err(PlanError::UnknownFunction {
                    name: name.clone(),
                    known: if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    },
                });
            }
            found
        }
    };
    selected
        .into_iter()
        .map(|alias| {
            let target = match to {
                Some(version) => named(alias, version)?,
                None => previous(alias)?,
            };
            Ok(Move {
                path: alias.path.clone(),
                function: alias.function.clone(),
                alias: alias.alias.clone(),
                from: alias.current,
                to: target,
            })
        })
        .collect()
}

fn named(alias: &FunctionAlias, version: u64) -> Result<u64, PlanError> {
    if alias.published.contains(&version) {
        return Ok(version);
    }
    let published: Vec<String> = alias.published.iter().map(u64::to_string).collect();
    Err(PlanError::UnknownVersion {
        path: alias.path.clone(),
        version,
        published: if published.is_empty() {
            "none".to_owned()
        } else {
            published.join(", ")
        },
    })
}

/// The highest published version below the alias's current one.
fn previous(alias: &FunctionAlias) -> Result<u64, PlanError> {
    let earlier = alias
        .current
        .and_then(|current| alias.published.iter().rev().find(|v| **v < current));
    earlier.copied().ok_or_else(|| PlanError::NoEarlierVersion {
        path: alias.path.clone(),
        alias: alias.alias.clone(),
        current: alias
            .current
            .map_or_else(|| "$LATEST".to_owned(), |v| v.to_string()),
    })
}

/// Makes one move of a plan; an alias already in place is not touched. The caller goes
/// through the plan in order and can say after each move that it was made.
///
/// # Errors
/// A failed `UpdateAlias`.
pub async fn apply(clients: &Clients, step: &Move) -> Result<(), Error> {
    if step.is_noop() {
        return Ok(());
    }
    move_alias(&clients.lambda, &step.function, &step.alias, step.to).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(path: &str, current: Option<u64>, published: &[u64]) -> FunctionAlias {
        FunctionAlias {
            path: path.into(),
            function: format!("stack-{path}-x"),
            alias: "live".into(),
            current,
            template_version: current,
            published: published.to_vec(),
        }
    }

    #[test]
    fn every_alias_goes_to_the_version_below_its_current_one() {
        let aliases = [
            alias("Create", Some(4), &[1, 2, 4]),
            alias("List", Some(2), &[1, 2, 3]),
        ];
        let moves = plan(&aliases, &Selection::All, None).unwrap();
        let targets: Vec<(&str, Option<u64>, u64)> = moves
            .iter()
            .map(|m| (m.path.as_str(), m.from, m.to))
            .collect();
        assert_eq!(targets, [("Create", Some(4), 2), ("List", Some(2), 1)]);
    }

    #[test]
    fn one_function_without_an_earlier_version_stops_the_whole_plan() {
        let aliases = [
            alias("Create", Some(2), &[1, 2]),
            alias("List", Some(1), &[1]),
        ];
        let err = plan(&aliases, &Selection::All, None).unwrap_err();
        assert!(matches!(err, PlanError::NoEarlierVersion { ref path, .. } if path == "List"));
        assert!(
            err.to_string().contains("no earlier published version"),
            "{err}"
        );
    }

    #[test]
    fn a_named_version_must_be_published() {
        let aliases = [alias("Create", Some(1), &[1, 2])];
        let selection = Selection::Named("Create".into());
        let moves = plan(&aliases, &selection, Some(2)).unwrap();
        assert_eq!(moves[0].to, 2);
        let err = plan(&aliases, &selection, Some(7)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "function `Create` has no published version 7 (published: 1, 2)"
        );
    }

    #[test]
    fn a_function_is_found_by_physical_name_and_unknown_names_list_the_known() {
        let aliases = [alias("Create", Some(2), &[1, 2])];
        let moves = plan(&aliases, &Selection::Named("stack-Create-x".into()), None).unwrap();
        assert_eq!(moves[0].path, "Create");
        let err = plan(&aliases, &Selection::Named("Nope".into()), None).unwrap_err();
        assert!(err.to_string().contains("(known: Create)"), "{err}");
    }

    #[test]
    fn moving_to_the_current_version_is_a_noop() {
        let aliases = [alias("Create", Some(2), &[1, 2])];
        let moves = plan(&aliases, &Selection::Named("Create".into()), Some(2)).unwrap();
        assert!(moves[0].is_noop());
    }
}
