//! What `Ref` and each `Fn::GetAtt` attribute of a CloudFormation type mean on the aws
//! provider's resource that the type becomes.
//!
//! `Ref` returns something different per type (a bucket's name, a topic's ARN, a stage's name),
//! so each type names its attribute. A log group's `Arn` attribute ends in `:*` in
//! CloudFormation but not in the provider, which strips it; the suffix is added back so an IAM
//! statement on it still covers the group's streams.

/// The attribute `Ref` means for `cfn_type`.
pub(crate) fn reference(cfn_type: &str) -> &'static str {
    match cfn_type {
        "AWS::SNS::Topic" => "arn",
        "AWS::DynamoDB::Table" | "AWS::IAM::Role" | "AWS::Logs::LogGroup" => "name",
        "AWS::Lambda::Function" => "function_name",
        "AWS::ApiGateway::Stage" => "stage_name",
        "AWS::CloudWatch::Alarm" => "alarm_name",
        "AWS::KMS::Key" => "key_id",
        // CloudFormation's `Ref` of these is an ARN; a version's is its qualified ARN.
        "AWS::Lambda::Alias" | "AWS::IAM::OIDCProvider" | "AWS::SecretsManager::Secret" => "arn",
        "AWS::Lambda::Version" => "qualified_arn",
        _ => "id",
    }
}

/// The attribute (and a literal suffix) `Fn::GetAtt` of `attribute` means for `cfn_type`.
pub(crate) fn attribute(cfn_type: &str, attribute: &str) -> Option<(&'static str, &'static str)> {
    let name = match (cfn_type, attribute) {
        ("AWS::Logs::LogGroup", "Arn") => return Some(("arn", ":*")),
        ("AWS::Lambda::Version", "Version") => "version",
        ("AWS::Lambda::Alias", "AliasArn") => "arn",
        (_, "Arn") => "arn",
        ("AWS::S3::Bucket", "RegionalDomainName") => "bucket_regional_domain_name",
        ("AWS::S3::Bucket", "DomainName") => "bucket_domain_name",
        ("AWS::S3::Bucket", "WebsiteURL") => "website_endpoint",
        ("AWS::CloudFront::Distribution", "DomainName") => "domain_name",
        ("AWS::CloudFront::Distribution" | "AWS::CloudFront::OriginAccessControl", "Id") => "id",
        ("AWS::DynamoDB::Table", "StreamArn") => "stream_arn",
        ("AWS::KMS::Key", "KeyId") => "key_id",
        ("AWS::SNS::Topic", "TopicArn") => "arn",
        ("AWS::SNS::Topic", "TopicName") => "name",
        ("AWS::IAM::Role", "RoleId") => "unique_id",
        ("AWS::Cognito::UserPool", "ProviderName") => "endpoint",
        ("AWS::Cognito::UserPool", "UserPoolId") => "id",
        ("AWS::Cognito::UserPoolClient", "ClientId") => "id",
        ("AWS::ApiGateway::RestApi", "RootResourceId") => "root_resource_id",
        ("AWS::ApiGateway::RestApi", "RestApiId") => "id",
        ("AWS::ApiGateway::Resource", "ResourceId") => "id",
        ("AWS::ApiGateway::Authorizer", "AuthorizerId") => "id",
        ("AWS::ApiGateway::Deployment", "DeploymentId") => "id",
        _ => return None,
    };
    Some((name, ""))
}
