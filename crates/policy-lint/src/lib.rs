//! policy-lint: checks CloudFormation and Terraform templates against the
//! stackwright security model.
//!
//! Data flows one way: loaders turn a file into a located [`tree::Node`],
//! adapters turn that into the format-neutral [`model::Model`], and rules
//! judge the model. Nothing here ever changes a template.

pub mod adapt;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod config_file;
pub mod controls;
pub mod finding;
pub mod iam;
pub mod limits_config;
pub mod lint;
pub mod load;
pub mod model;
pub mod output;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod secrets;
pub mod sym;
pub mod tree;
pub mod waivers;
