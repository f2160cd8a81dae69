//! Typed AWS constructs and the CloudFormation and Terraform synthesizers.

pub mod cfn;

pub mod app;
pub mod asset;
pub mod constructs;
pub mod error;
pub mod iam;
pub mod logical_id;
pub mod output;
pub mod parameter;
pub mod perms;
mod references;
pub mod removal;
pub mod stack;
pub mod tags;
pub mod template;

pub use app::{App, SynthesizedStack};
pub use asset::{Asset, AssetRef, AssetSource};
pub use error::SynthError;
pub use logical_id::{ConstructPath, LogicalId};
pub use output::Output;
pub use parameter::{Parameter, ParameterRef};
pub use removal::RemovalPolicy;
pub use stack::{Stack, StackProps};
pub use tags::Tags;
