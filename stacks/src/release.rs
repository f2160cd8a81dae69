//! The manifest's `release` section of a stack: what `deploy` and `rollback` act on besides
//! the template.
//!
//! For the functions: the `live` alias of each (its logical id, the function's and the
//! version's), read back from the rendered template so the list cannot drift from it, and how
//! many published versions to keep when old ones are pruned. Logical ids are what a deploy
//! maps to physical names with `DescribeStackResources`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `release` section of one stack in the manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Release {
    /// The functions' aliases and the version keep-count; absent for a stack without
    /// aliases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functions: Option<Functions>,
    /// The site's built files, when the config names a build folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<crate::site_files::SiteFiles>,
}

/// The versioned functions of a stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Functions {
    /// Published versions to keep per function, newest first; the one an alias points at
    /// is never deleted, whatever its age.
    pub keep_versions: i64,
    /// One entry per alias, in template order.
    pub aliases: Vec<AliasEntry>,
}

/// One `AWS::Lambda::Alias` of the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AliasEntry {
    /// The alias name, e.g. `live`.
    pub name: String,
    /// The alias's logical id.
    pub logical_id: String,
    /// The logical id of the function it belongs to.
    pub function_logical_id: String,
    /// The logical id of the `AWS::Lambda::Version` it points at in this template.
    pub version_logical_id: String,
    /// The construct path of the function, e.g. `CreateExpense`.
    pub path: String,
}

impl Release {
    /// The section for `template`, keeping `keep_versions` versions per function.
    pub fn for_template(template: &Value, keep_versions: i64) -> Self {
        let aliases = aliases(template);
        let functions = (!aliases.is_empty()).then_some(Functions {
            keep_versions,
            aliases,
        });
        Self {
            functions,
            site: None,
        }
    }
}

/// Every alias whose function and version are plain references, in template order (read
/// the way `rollback` reads the deployed template).
fn aliases(template: &Value) -> Vec<AliasEntry> {
    deploy::aliases::in_template(template)
        .into_iter()
        .map(|alias| AliasEntry {
            name: alias.name,
            logical_id: alias.logical_id,
            function_logical_id: alias.function_logical_id,
            version_logical_id: alias.version_logical_id,
            path: alias.path,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn aliases_are_read_from_the_template() {
        let template = json!({"Resources": {
            "F": {"Type": "AWS::Lambda::Function"},
            "V1": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "F"}}},
            "A": {
                "Type": "AWS::Lambda::Alias",
                "Properties": {
                    "FunctionName": {"Ref": "F"},
                    "FunctionVersion": {"Fn::GetAtt": ["V1", "Version"]},
                    "Name": "live"
                },
                "Metadata": {"stackwright:path": "s/Create/LiveAlias"}
            }
        }});
        let release = Release::for_template(&template, 3);
        let functions = release.functions.unwrap();
        assert_eq!(functions.keep_versions, 3);
        assert_eq!(
            functions.aliases,
            [AliasEntry {
                name: "live".into(),
                logical_id: "A".into(),
                function_logical_id: "F".into(),
                version_logical_id: "V1".into(),
                path: "Create".into(),
            }]
        );
    }

    #[test]
    fn a_stack_without_aliases_has_no_functions_section() {
        let release = Release::for_template(&json!({"Resources": {}}), 3);
        assert_eq!(release.functions, None);
    }
}
