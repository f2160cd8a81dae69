//! Deploying synthesized stacks through the CloudFormation API: change sets with a guard for
//! stateful resources, the asset bucket, stack events until a final state, the site bucket's
//! sync with a CloudFront invalidation, template diffs, stack deletion, IAM drift checks, and
//! the functions' aliases and published versions (rollback, pruning).
//!
//! Everything that talks to AWS goes through [`client::Clients`], built from the standard
//! credential and region chain; an endpoint URL points every client at a local stand-in.
//! Nothing here prints parameter values or credentials.

pub mod aliases;
pub mod assets;
pub mod changeset;
pub mod client;
pub mod deploy;
pub mod destroy;
pub mod diff;
pub mod error;
pub mod events;
pub mod parameters;
pub mod prune;
pub mod replacement;
pub mod rollback;
pub mod site_plan;
pub mod site_sync;
pub mod stack;
pub mod verify;
pub mod versions;

pub use error::Error;
