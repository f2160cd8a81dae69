//! The constructs: secure-by-default building blocks, one file each.
//!
//! Each construct has a `…Props` struct whose every knob documents its default (`Default:`
//! with a literal, or `Default: -` with the behaviour when unset), a `new(stack, id, props)`
//! constructor that adds its resources under the path `id`, and a handle with typed
//! references (`arn()`, `url()`, …) and intent-named grants.

pub mod alarms;
pub mod bucket;
pub mod function;
pub mod key;
pub mod log_group;
pub mod rest_api;
pub mod site;
pub mod table;
pub mod user_pool;

pub use function::{Architecture, Function, FunctionProps};
pub use key::{Key, KeyProps};
pub use log_group::{LogGroup, LogGroupProps};
pub use site::{CustomDomain, Site, SiteProps};
pub use alarms::{AlarmThresholds, AlarmTopic, AlarmTopicProps};
pub use bucket::{Bucket, BucketProps};
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

/// The readable name of a construct for policy and resource names: its id with only ASCII
/// letters and digits kept.
pub(crate) fn alnum(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).collect()
}
