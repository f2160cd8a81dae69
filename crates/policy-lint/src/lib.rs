//! policy-lint: checks CloudFormation and Terraform templates against the
//! stackwright security model.
//!
//! Data flows one way: loaders turn a file into a located [`tree::Node`],
//! adapters turn that into the format-neutral model, and rules judge the
//! model. Nothing here ever changes a template.

pub mod load;
pub mod resolve;
pub mod sym;
pub mod tree;
