//! The post-synth check: the one place that decides whether synthesized stacks may be written.
//!
//! [`check_stacks`] runs after synthesis and before anything touches the output directory; any
//! finding makes `stackwright synth` print the findings, keep the previous output and exit 1.
//! Today it enforces CloudFormation's hard service quotas, which a template can break without
//! being wrong in any other way and which otherwise only surface at deploy time.
//! [`lint_stack`] then runs the security policy linter on each template exactly as it will be
//! written; an error-level finding also stops the write (as cdk-nag does for `cdk synth`).

use std::fmt;

use serde_json::Value;

use crate::assembly::RenderedStack;

/// One reason a stack may not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub stack: String,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stack `{}`: {}", self.stack, self.message)
    }
}

/// The policy linter's report on one rendered stack, located at `path` (where it will be
/// written), with the linter's default settings.
///
/// # Errors
/// When the rendered template cannot be read back as a template, which is a synth bug.
pub fn lint_stack(
    path: &std::path::Path,
    stack: &RenderedStack,
) -> Result<policy_lint::output::Report, policy_lint::load::LoadError> {
    let options = policy_lint::lint::Options::default();
    let mut report = policy_lint::lint::lint_bytes(path, &stack.template_json, &options)?;
    let text = String::from_utf8_lossy(&stack.template_json).into_owned();
    report.sources.insert(path.to_path_buf(), text);
    Ok(report)
}

/// The linter's report on a stack's Terraform configuration, located at `path`.
///
/// # Errors
/// When the stack has no Terraform rendering or it cannot be read back, which is a synth bug.
pub fn lint_terraform(
    path: &std::path::Path,
    stack: &RenderedStack,
) -> Result<policy_lint::output::Report, policy_lint::load::LoadError> {
    let bytes = stack.terraform.as_ref().map_or(&[][..], |tf| &tf.json[..]);
    let options = policy_lint::lint::Options::default();
    let mut report = policy_lint::lint::lint_bytes(path, bytes, &options)?;
    let text = String::from_utf8_lossy(bytes).into_owned();
    report.sources.insert(path.to_path_buf(), text);
    Ok(report)
}

/// Every finding for every stack, in stack order; empty means the stacks may be written.
pub fn check_stacks(stacks: &[RenderedStack]) -> Vec<Finding> {
    stacks.iter().flat_map(check_stack).collect()
}

fn check_stack(stack: &RenderedStack) -> Vec<Finding> {
    let mut messages: Vec<String> = Vec::new();
    messages.extend(stack_name_problem(&stack.name));
    messages.extend(template_size_problem(stack.template_json.len()));
    for (section, limit) in SECTION_LIMITS {
        messages.extend(section_size_problem(&stack.template, section, limit));
    }
    messages
        .into_iter()
        .map(|message| Finding {
            stack: stack.name.clone(),
            message,
        })
        .collect()
}

/// Per-template quotas from the CloudFormation user guide, "Understand CloudFormation quotas".
const SECTION_LIMITS: [(&str, usize); 4] = [
    ("Resources", 500),
    ("Outputs", 200),
    ("Parameters", 200),
    ("Mappings", 200),
];

/// The limit for a template body uploaded through S3; the 51,200-byte limit for an inline body
/// does not apply because deploy tooling always uploads. cfn-lint uses the same number (E1002).
const MAX_TEMPLATE_BYTES: usize = 1_000_000;

/// CloudFormation's stack-name rule; it also keeps the template file name a plain name.
const MAX_STACK_NAME: usize = 128;

fn stack_name_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let starts_with_letter = chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic());
    let rest_valid = chars.all(|c| c.is_ascii_alphanumeric() || c == '-');
    if starts_with_letter && rest_valid && name.len() <= MAX_STACK_NAME {
        return None;
    }
    Some(format!(
        "invalid stack name: expected a letter followed by letters, digits or `-`, \
         at most {MAX_STACK_NAME} characters"
    ))
}

fn template_size_problem(bytes: usize) -> Option<String> {
    (bytes > MAX_TEMPLATE_BYTES).then(|| {
        format!("template is {bytes} bytes; CloudFormation accepts at most {MAX_TEMPLATE_BYTES}")
    })
}

fn section_size_problem(template: &Value, section: &str, limit: usize) -> Option<String> {
    let count = template
        .get(section)
        .and_then(Value::as_object)
        .map_or(0, |map| map.len());
    (count > limit)
        .then(|| format!("template has {count} {section}; CloudFormation accepts at most {limit}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    fn stack(name: &str, template: Value) -> RenderedStack {
        RenderedStack::new(name.to_owned(), template, vec![])
    }

    fn section_of(count: usize) -> Value {
        let entries = (0..count).map(|i| (format!("R{i}"), json!({"Type": "AWS::SNS::Topic"})));
        Value::Object(entries.collect::<Map<_, _>>())
    }

    #[test]
    fn a_small_valid_stack_has_no_findings() {
        let template = json!({"Resources": section_of(500), "Outputs": section_of(200)});
        assert_eq!(check_stacks(&[stack("expense-dev", template)]), []);
    }

    #[test]
    fn too_many_resources_is_a_finding_naming_the_stack() {
        let findings = check_stacks(&[stack("big", json!({"Resources": section_of(501)}))]);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].to_string(),
            "stack `big`: template has 501 Resources; CloudFormation accepts at most 500"
        );
    }

    #[test]
    fn every_section_limit_is_checked() {
        let template = json!({"Outputs": section_of(201), "Parameters": section_of(201),
            "Mappings": section_of(201)});
        assert_eq!(check_stacks(&[stack("s", template)]).len(), 3);
    }

    #[test]
    fn oversized_template_is_a_finding() {
        let template = json!({"Description": "x".repeat(MAX_TEMPLATE_BYTES)});
        let findings = check_stacks(&[stack("s", template)]);
        assert!(
            findings[0].message.starts_with("template is 1000"),
            "{findings:?}"
        );
    }

    #[test]
    fn stack_names_follow_cloudformation_rules() {
        for good in ["a", "expense-prod", "A1-b2"] {
            assert_eq!(stack_name_problem(good), None, "{good}");
        }
        let too_long = "a".repeat(129);
        for bad in ["", "1abc", "-a", "a_b", "a/b", "../x", too_long.as_str()] {
            assert!(stack_name_problem(bad).is_some(), "{bad}");
        }
    }
}
