//! The constructs: secure-by-default building blocks, one file each.
//!
//! Each construct has a `…Props` struct whose every knob documents its default (`Default:`
//! with a literal, or `Default: -` with the behaviour when unset), a `new(stack, id, props)`
//! constructor that adds its resources under the path `id`, and a handle with typed
//! references (`arn()`, `url()`, …) and intent-named grants.

pub mod alarms;
pub mod bucket;
pub mod function;
pub mod github_deploy_role;
pub mod key;
pub mod log_group;
pub mod rest_api;
pub mod secret;
pub mod site;
pub mod table;
pub mod user_pool;

pub use alarms::{AlarmThresholds, AlarmTopic, AlarmTopicProps};
pub use bucket::{Bucket, BucketProps};
pub use function::{Architecture, Function, FunctionProps};
pub use github_deploy_role::{
    GithubDeployRole, GithubDeployRoleProps, GithubSubject, OidcProvider, SiteSync,
};
pub use key::{Key, KeyProps};
pub use log_group::{LogGroup, LogGroupProps};
pub use secret::{Secret, SecretProps};
pub use site::{CustomDomain, Site, SiteProps};
pub use user_pool::{Mfa, UserPool, UserPoolClient, UserPoolClientProps, UserPoolProps};

pub use rest_api::{HttpMethod, RestApi, RestApiProps, Route};
pub use table::{Table, TableEncryption, TableProps};

use crate::cfn::{Intrinsic, Value};
use crate::logical_id::LogicalId;

/// Something that can be granted permissions: it owns an IAM role.
pub trait Grantee {
    /// The logical id of the role that receives the statements.
    fn role_id(&self) -> &LogicalId;
}

/// `{"Ref": id}`.
pub(crate) fn reference(id: &LogicalId) -> Value<String> {
    Intrinsic::reference(id.as_str()).into()
}

/// `{"Fn::GetAtt": [id, attribute]}`.
pub(crate) fn get_att(id: &LogicalId, attribute: &str) -> Value<String> {
    Intrinsic::get_att(id.as_str(), attribute).into()
}

/// `{"Fn::Sub": template}`.
pub(crate) fn sub(template: impl Into<String>) -> Value<String> {
    Intrinsic::sub(template).into()
}

/// Joins `parts` with `separator`, folding adjacent literals, so an all-literal join renders
/// as a plain string and a mixed one as the shortest `Fn::Join`.
pub fn join(separator: &str, parts: impl IntoIterator<Item = Value<String>>) -> Value<String> {
    let mut folded: Vec<Value<String>> = Vec::new();
    for (index, part) in parts.into_iter().enumerate() {
        let glue = if index == 0 { "" } else { separator };
        match (folded.last_mut(), part) {
            (Some(Value::Literal(last)), Value::Literal(text)) => {
                last.push_str(glue);
                last.push_str(&text);
            }
            (_, part) => {
                if !glue.is_empty() {
                    match folded.last_mut() {
                        Some(Value::Literal(last)) => last.push_str(glue),
                        _ => folded.push(Value::from(glue)),
                    }
                }
                folded.push(part);
            }
        }
    }
    match folded.as_slice() {
        [] => Value::from(""),
        [single] => single.clone(),
        _ => Intrinsic::join("", folded).into(),
    }
}

/// The readable name of a construct for policy and resource names: its id with only ASCII
/// letters and digits kept.
pub(crate) fn alnum(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).collect()
}
