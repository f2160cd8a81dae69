//! Deciding what a file is.
//!
//! The syntax comes from the extension (`.json` → JSON, `.yaml`/`.yml` →
//! YAML, anything else by its first character), the format from the
//! content: a `*.tf.json` name is Terraform JSON; `format_version` with
//! `planned_values` or `resource_changes` is a Terraform plan; a mapping
//! with `Resources` or `AWSTemplateFormatVersion` is CloudFormation.
//! Anything else is not a template, with the reason.
//!
//! CloudFormation's top-level sections are checked for their basic shape
//! here, so that every later stage can rely on `Resources` being a mapping.

use std::path::Path;

use super::{Diagnostic, Document, Format, Limits, LoadError, json, plan, yaml};
use crate::tree::{Map, Value};

/// The result of reading a file that parsed.
pub(crate) enum Outcome {
    Document(Document),
    NotTemplate(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Json,
    Yaml,
}

fn syntax(path: &Path, text: &str) -> Syntax {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("json") => Syntax::Json,
        Some(e) if e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml") => Syntax::Yaml,
        _ if text.trim_start().starts_with('{') => Syntax::Json,
        _ => Syntax::Yaml,
    }
}

pub(crate) fn is_tf_json(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".tf.json"))
}

/// Parses `text` and decides its format.
pub(crate) fn classify(path: &Path, text: &str, limits: &Limits) -> Result<Outcome, LoadError> {
    let syntax = syntax(path, text);
    let (mut root, diagnostics) = match syntax {
        Syntax::Json => json::parse(path, text, limits)?,
        Syntax::Yaml => yaml::parse(path, text, limits)?,
    };
    let Value::Object(map) = &root.value else {
        return Err(LoadError::NotAMapping {
            path: path.to_owned(),
            loc: root.loc,
            found: kind_name(&root.value),
        });
    };
    let format = match format_of(path, map, syntax) {
        Ok(format) => format,
        Err(reason) => return Ok(Outcome::NotTemplate(reason)),
    };
    match format {
        Format::TerraformPlan => plan::apply_after_unknown(&mut root),
        Format::CloudFormationJson | Format::CloudFormationYaml => check_sections(path, map)?,
        Format::TerraformJson | Format::TerraformHcl => {}
    }
    Ok(Outcome::Document(Document {
        path: path.to_owned(),
        format,
        root,
        diagnostics: sorted(diagnostics),
        parts: Vec::new(),
    }))
}

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|d| d.loc);
    diagnostics
}

fn format_of(path: &Path, map: &Map, syntax: Syntax) -> Result<Format, String> {
    let has = |k| map.get(k).is_some();
    if syntax == Syntax::Json && is_tf_json(path) {
        return Ok(Format::TerraformJson);
    }
    if has("format_version") && (has("planned_values") || has("resource_changes")) {
        return Ok(Format::TerraformPlan);
    }
    if has("Resources") || has("AWSTemplateFormatVersion") {
        return Ok(match syntax {
            Syntax::Json => Format::CloudFormationJson,
            Syntax::Yaml => Format::CloudFormationYaml,
        });
    }
    if has("format_version") && has("terraform_version") {
        return Err(
            "terraform JSON without `planned_values` or `resource_changes` \
                    (state output or a corrupted plan)"
                .into(),
        );
    }
    Err("no `Resources` or `AWSTemplateFormatVersion` key".into())
}

/// Top-level sections that must be mappings when present.
const MAPPING_SECTIONS: &[&str] = &[
    "Parameters",
    "Mappings",
    "Conditions",
    "Resources",
    "Outputs",
    "Rules",
    "Metadata",
];

/// Checks the shape of the top-level sections. A macro (`Transform`) may
/// rewrite any section into shape, so then only the header keys are held
/// to theirs.
fn check_sections(path: &Path, map: &Map) -> Result<(), LoadError> {
    let transformed = map.get("Transform").is_some();
    for (key, node) in map.iter() {
        let header = matches!(key.name.as_str(), "Transform" | "AWSTemplateFormatVersion");
        if (header || !transformed) && !section_ok(&key.name, &node.value) {
            let found = kind_name(&node.value);
            return Err(LoadError::InvalidTemplate {
                path: path.to_owned(),
                loc: node.loc,
                message: format!("section `{}` cannot be {found}", key.name),
            });
        }
    }
    Ok(())
}

fn section_ok(name: &str, value: &Value) -> bool {
    match name {
        n if MAPPING_SECTIONS.contains(&n) => matches!(value, Value::Object(_)),
        "AWSTemplateFormatVersion" => matches!(value, Value::String(_)),
        "Description" => matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)),
        "Transform" => matches!(value, Value::String(_) | Value::Array(_) | Value::Object(_)),
        _ => true,
    }
}

pub(crate) fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
        Value::Unknown(_) => "an unknown value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(name: &str, text: &str) -> Result<Outcome, LoadError> {
        classify(Path::new(name), text, &Limits::default())
    }

    fn format(name: &str, text: &str) -> Format {
        match outcome(name, text) {
            Ok(Outcome::Document(doc)) => doc.format,
            Ok(Outcome::NotTemplate(r)) => panic!("not a template: {r}"),
            Err(e) => panic!("{e}"),
        }
    }

    fn not_template(name: &str, text: &str) -> String {
        match outcome(name, text) {
            Ok(Outcome::NotTemplate(reason)) => reason,
            _ => panic!("expected not a template"),
        }
    }

    #[test]
    fn formats_by_name_and_content() {
        assert_eq!(
            format("a.json", r#"{"Resources": {}}"#),
            Format::CloudFormationJson
        );
        assert_eq!(
            format("a.yaml", "Resources: {}"),
            Format::CloudFormationYaml
        );
        assert_eq!(
            format("a.template", r#" {"Resources": {}}"#),
            Format::CloudFormationJson
        );
        assert_eq!(
            format("a.template", "AWSTemplateFormatVersion: '2010-09-09'"),
            Format::CloudFormationYaml
        );
        assert_eq!(
            format("main.tf.json", r#"{"resource": {}}"#),
            Format::TerraformJson
        );
        let plan = r#"{"format_version": "1.2", "planned_values": {}}"#;
        assert_eq!(format("plan.json", plan), Format::TerraformPlan);
    }

    #[test]
    fn other_files_are_not_templates() {
        assert!(not_template("package.json", r#"{"name": "x"}"#).contains("no `Resources`"));
        let state = r#"{"format_version": "1.0", "terraform_version": "1", "values": {}}"#;
        assert!(not_template("s.json", state).contains("corrupted plan"));
    }

    #[test]
    fn malformed_sections_and_top_level() {
        let err = outcome("a.yaml", "AWSTemplateFormatVersion: null\nResources: {}")
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "a.yaml:1:27: section `AWSTemplateFormatVersion` cannot be null"
        );
        let err = outcome("a.yaml", "Resources: [1]").err().unwrap();
        assert_eq!(
            err.to_string(),
            "a.yaml:1:12: section `Resources` cannot be a list"
        );
        let err = outcome("a.yaml", "Transform: null\nResources: {}")
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "a.yaml:1:12: section `Transform` cannot be null"
        );
        assert!(outcome("a.yaml", "Transform: M\nResources: [1]").is_ok());
        let err = outcome("a.yaml", "- a\n").err().unwrap();
        assert_eq!(
            err.to_string(),
            "a.yaml:1:1: top level is a list, not a mapping"
        );
        let err = outcome("a.json", "\"s\"").err().unwrap();
        assert_eq!(
            err.to_string(),
            "a.json:1:1: top level is a string, not a mapping"
        );
    }
}
