//! Which property changes replace a resource, and which resource types hold data.
//!
//! The create-only properties are those the CloudFormation resource schemas list as
//! `createOnlyProperties` (and `conditionalCreateOnlyProperties`, marked conditional) for
//! the types stackwright synthesizes; `crates/synth/src/cfn` is generated from the same
//! schemas. CloudFormation's change set is authoritative on AWS; this table fills in where a
//! change set says nothing (a local stand-in) and drives `diff`, which has no change set.

/// How a property change affects the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Replacement {
    /// Updated in place.
    Never,
    /// Replaced under some conditions.
    Conditional,
    /// Always replaced.
    Always,
}

const CREATE_ONLY: &[(&str, &[&str])] = &[
    ("AWS::ApiGateway::Authorizer", &["RestApiId"]),
    (
        "AWS::ApiGateway::Deployment",
        &["DeploymentCanarySettings", "RestApiId"],
    ),
    (
        "AWS::ApiGateway::GatewayResponse",
        &["ResponseType", "RestApiId"],
    ),
    (
        "AWS::ApiGateway::Method",
        &["HttpMethod", "ResourceId", "RestApiId"],
    ),
    (
        "AWS::ApiGateway::Resource",
        &["ParentId", "PathPart", "RestApiId"],
    ),
    ("AWS::ApiGateway::Stage", &["RestApiId", "StageName"]),
    ("AWS::CloudWatch::Alarm", &["AlarmName"]),
    (
        "AWS::Cognito::UserPoolClient",
        &["GenerateSecret", "UserPoolId"],
    ),
    (
        "AWS::DynamoDB::Table",
        &["ImportSourceSpecification", "TableName"],
    ),
    ("AWS::IAM::Role", &["Path", "RoleName"]),
    ("AWS::KMS::Alias", &["AliasName"]),
    ("AWS::Lambda::Function", &["FunctionName", "PackageType"]),
    (
        "AWS::Lambda::Permission",
        &[
            "Action",
            "EventSourceToken",
            "FunctionName",
            "FunctionUrlAuthType",
            "Principal",
            "PrincipalOrgID",
            "SourceAccount",
            "SourceArn",
        ],
    ),
    ("AWS::Logs::LogGroup", &["LogGroupName"]),
    ("AWS::S3::Bucket", &["BucketName"]),
    ("AWS::S3::BucketPolicy", &["Bucket"]),
    (
        "AWS::SNS::Subscription",
        &["Endpoint", "Protocol", "TopicArn"],
    ),
    ("AWS::SNS::Topic", &["FifoTopic", "TopicName"]),
];

const CONDITIONAL_CREATE_ONLY: &[(&str, &[&str])] = &[("AWS::DynamoDB::Table", &["KeySchema"])];

/// Resource types whose replacement or removal loses data or identities that cannot be
/// recreated: a new table is empty, a new user pool has no users, a new key cannot decrypt
/// what the old one encrypted.
const STATEFUL: &[&str] = &[
    "AWS::Cognito::UserPool",
    "AWS::DocDB::DBCluster",
    "AWS::DynamoDB::GlobalTable",
    "AWS::DynamoDB::Table",
    "AWS::EC2::Volume",
    "AWS::EFS::FileSystem",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Kinesis::Stream",
    "AWS::KMS::Key",
    "AWS::Neptune::DBCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
];

/// How changing top-level property `property` of a `resource_type` resource affects it.
pub fn of_property(resource_type: &str, property: &str) -> Replacement {
    let listed = |table: &[(&str, &[&str])]| {
        table
            .iter()
            .any(|(ty, names)| *ty == resource_type && names.contains(&property))
    };
    if listed(CREATE_ONLY) {
        Replacement::Always
    } else if listed(CONDITIONAL_CREATE_ONLY) {
        Replacement::Conditional
    } else {
        Replacement::Never
    }
}

/// Whether resources of `resource_type` hold data that a replacement or removal destroys.
pub fn is_stateful(resource_type: &str) -> bool {
    STATEFUL.contains(&resource_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_name_replaces_and_key_schema_may() {
        assert_eq!(
            of_property("AWS::DynamoDB::Table", "TableName"),
            Replacement::Always
        );
        assert_eq!(
            of_property("AWS::DynamoDB::Table", "KeySchema"),
            Replacement::Conditional
        );
        assert_eq!(
            of_property("AWS::DynamoDB::Table", "BillingMode"),
            Replacement::Never
        );
    }

    #[test]
    fn stateful_types_include_the_data_stores() {
        for ty in [
            "AWS::DynamoDB::Table",
            "AWS::Cognito::UserPool",
            "AWS::S3::Bucket",
        ] {
            assert!(is_stateful(ty), "{ty}");
        }
        assert!(!is_stateful("AWS::Lambda::Function"));
    }
}
