//! Deleting old published versions of a stack's functions after a deploy, so each function
//! keeps only its newest few: every version is a full copy of the code bundle, and an
//! account's Lambda code storage is limited.
//!
//! A version stays, whatever its age, when any alias of the function points at it (after a
//! rollback that is an old one) or when it is the version the deployed template's
//! `AWS::Lambda::Version` published (deleting that would leave the stack's resource dangling).

use std::collections::BTreeSet;

use crate::client::Clients;
use crate::error::Error;
use crate::versions::{self, FunctionAlias};

/// What pruning deleted from one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub path: String,
    pub function: String,
    /// The deleted versions, ascending.
    pub versions: Vec<u64>,
}

/// The versions of `published` to delete: those beyond the newest `keep`, except the
/// `protected` ones. Ascending.
pub fn select(published: &[u64], keep: usize, protected: &BTreeSet<u64>) -> Vec<u64> {
    let mut newest_first: Vec<u64> = published.to_vec();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    newest_first.dedup();
    let mut doomed: Vec<u64> = newest_first
        .into_iter()
        .skip(keep)
        .filter(|version| !protected.contains(version))
        .collect();
    doomed.sort_unstable();
    doomed
}

/// Prunes every function with an alias in deployed stack `stack` down to `keep` versions
/// (plus the protected ones); only functions that lost versions are reported.
///
/// # Errors
/// Failed calls; the versions deleted before the failure stay deleted.
pub async fn stack(clients: &Clients, stack: &str, keep: usize) -> Result<Vec<Pruned>, Error> {
    let mut report = Vec::new();
    for alias in versions::deployed(clients, stack).await? {
        let doomed = function(clients, &alias, keep).await?;
        if !doomed.is_empty() {
            report.push(Pruned {
                path: alias.path,
                function: alias.function,
                versions: doomed,
            });
        }
    }
    Ok(report)
}

async fn function(
    clients: &Clients,
    alias: &FunctionAlias,
    keep: usize,
) -> Result<Vec<u64>, Error> {
    // Every alias of the function, not only ours: someone may have pinned a version.
    let mut protected: BTreeSet<u64> = versions::aliased(&clients.lambda, &alias.function)
        .await?
        .into_iter()
        .collect();
    protected.extend(alias.current);
    protected.extend(alias.template_version);
    let doomed = select(&alias.published, keep, &protected);
    for version in &doomed {
        versions::delete(&clients.lambda, &alias.function, *version).await?;
    }
    Ok(doomed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(versions: &[u64]) -> BTreeSet<u64> {
        versions.iter().copied().collect()
    }

    #[test]
    fn the_newest_versions_are_kept() {
        assert_eq!(select(&[1, 2, 3, 4, 5], 2, &set(&[5])), [1, 2, 3]);
        assert_eq!(select(&[5, 3, 4, 1, 2], 3, &set(&[])), [1, 2]);
    }

    #[test]
    fn an_alias_on_an_old_version_keeps_it() {
        assert_eq!(select(&[1, 2, 3, 4], 1, &set(&[2, 4])), [1, 3]);
    }

    #[test]
    fn nothing_is_deleted_under_the_count() {
        assert!(select(&[1, 2, 3], 3, &set(&[])).is_empty());
        assert!(select(&[1, 2], 5, &set(&[])).is_empty());
        assert!(select(&[], 1, &set(&[])).is_empty());
    }
}
