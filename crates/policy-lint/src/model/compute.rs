//! Functions, roles, log groups, keys and topics.

use std::collections::BTreeMap;

use super::Observed;
use crate::sym::Sym;

/// A Lambda function.
#[derive(Clone, Debug)]
pub struct Function {
    /// The execution role (a reference or ARN).
    pub role: Observed<Sym>,
    /// Environment variable names and their values.
    pub environment: BTreeMap<String, Observed<Sym>>,
    /// The customer-managed key for environment variables; absent means the
    /// AWS-managed `aws/lambda` key.
    pub kms_key: Observed<Sym>,
    pub runtime: Observed<String>,
}

/// An IAM role.
#[derive(Clone, Debug)]
pub struct Role {
    /// Managed policy ARNs attached to the role.
    pub managed_policies: Vec<Observed<Sym>>,
    /// The service principals its trust policy admits (`lambda.amazonaws.com`).
    pub trusted_services: Vec<String>,
}

impl Role {
    /// True when the role is assumed by Lambda: it is then a function's
    /// execution role and the Lambda allowlist applies.
    pub fn is_lambda_role(&self) -> bool {
        self.trusted_services
            .iter()
            .any(|s| s == "lambda.amazonaws.com")
    }
}

/// A CloudWatch Logs log group.
#[derive(Clone, Debug)]
pub struct LogGroup {
    /// Retention in days; absent means logs are kept forever.
    pub retention_days: Observed<i64>,
}

/// A KMS key.
#[derive(Clone, Debug)]
pub struct KmsKey {
    pub rotation: Observed<bool>,
    /// `SYMMETRIC_DEFAULT` unless written; only symmetric keys rotate.
    pub spec: Observed<String>,
}

/// An SNS topic (or SQS queue).
#[derive(Clone, Debug)]
pub struct Topic {
    pub kms_key: Observed<Sym>,
}

/// A CloudWatch alarm.
#[derive(Clone, Debug)]
pub struct Alarm {
    pub namespace: Option<String>,
    pub metric: Option<String>,
    /// Dimension names and values (`FunctionName` → the function).
    pub dimensions: Vec<(String, Sym)>,
    /// Whether the alarm notifies anyone (alarm actions are set).
    pub has_actions: bool,
}
