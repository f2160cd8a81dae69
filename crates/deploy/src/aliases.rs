//! The function aliases a template declares: which function each belongs to, which
//! `AWS::Lambda::Version` it points at, and the construct path people call the function by.
//!
//! Read from a template rather than from the Lambda API because only the template says which
//! alias is the one stackwright manages and which function (by construct name) it is for;
//! `rollback`, `diff`, pruning and the manifest all read it the same way, here.

use serde_json::Value;

/// The suffix the function construct gives its alias's construct path.
const ALIAS_SUFFIX: &str = "/LiveAlias";

/// One `AWS::Lambda::Alias` whose function and version are references within the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateAlias {
    /// The alias name, e.g. `live`.
    pub name: String,
    /// The alias's logical id.
    pub logical_id: String,
    /// The logical id of the function it belongs to.
    pub function_logical_id: String,
    /// The logical id of the `AWS::Lambda::Version` it points at.
    pub version_logical_id: String,
    /// The function's construct path below the stack, e.g. `CreateExpense`; empty when the
    /// template carries no path metadata.
    pub path: String,
}

/// Every alias of `template` whose function and version are plain references, in template
/// order; aliases on a literal version or a function outside the stack are not ours to move.
pub fn in_template(template: &Value) -> Vec<TemplateAlias> {
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Vec::new();
    };
    resources
        .iter()
        .filter(|(_, resource)| resource["Type"] == "AWS::Lambda::Alias")
        .filter_map(|(id, resource)| alias(id, resource))
        .collect()
}

fn alias(id: &str, resource: &Value) -> Option<TemplateAlias> {
    let properties = &resource["Properties"];
    let function = properties["FunctionName"]["Ref"].as_str()?;
    let version = properties["FunctionVersion"]["Fn::GetAtt"][0].as_str()?;
    let path = resource["Metadata"]["stackwright:path"]
        .as_str()
        .unwrap_or_default();
    // The metadata path starts with the stack's name, which the person knows already.
    let below_stack = path.split_once('/').map_or(path, |(_, below)| below);
    Some(TemplateAlias {
        name: properties["Name"].as_str()?.to_owned(),
        logical_id: id.to_owned(),
        function_logical_id: function.to_owned(),
        version_logical_id: version.to_owned(),
        path: below_stack
            .strip_suffix(ALIAS_SUFFIX)
            .unwrap_or(below_stack)
            .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_alias_names_its_function_version_and_path() {
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
        assert_eq!(
            in_template(&template),
            [TemplateAlias {
                name: "live".into(),
                logical_id: "A".into(),
                function_logical_id: "F".into(),
                version_logical_id: "V1".into(),
                path: "Create".into(),
            }]
        );
    }

    #[test]
    fn an_alias_on_a_literal_version_is_not_listed() {
        let template = json!({"Resources": {"A": {
            "Type": "AWS::Lambda::Alias",
            "Properties": {"FunctionName": {"Ref": "F"}, "FunctionVersion": "3", "Name": "live"}
        }}});
        assert!(in_template(&template).is_empty());
        assert!(in_template(&json!({})).is_empty());
    }
}
