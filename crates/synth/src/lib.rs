//! Typed AWS constructs and the CloudFormation and Terraform synthesizers.

pub mod cfn;
