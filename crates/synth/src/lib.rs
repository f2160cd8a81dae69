//! Typed AWS constructs and the CloudFormation synthesizer.
//!
//! An [`App`] holds [`Stack`]s; constructs ([`constructs`]) add typed resources of the
//! generated [`cfn`] layer to a stack under construct paths, hand out typed references and
//! grant exact permissions; [`App::synthesize`] renders every stack into a deterministic
//! CloudFormation template, applying the stack-wide aspects (tags, removal policy, grants,
//! overrides) and refusing any template with a dangling reference. `docs/constructs.md`
//! describes the model and every construct.
//!
//! ```
//! use synth::constructs::{Function, FunctionProps, Table, TableProps};
//! use synth::perms::DynamoAction;
//! use synth::{App, Asset, Stack, StackProps, Tags};
//!
//! # fn main() -> Result<(), synth::SynthError> {
//! let tags = Tags::new()
//!     .with("project", "demo")
//!     .with("environment", "dev")
//!     .with("owner", "me")
//!     .with("cost-center", "cc-1");
//! let mut stack = Stack::new("demo", StackProps::default().tags(tags))?;
//! let table = Table::new(&mut stack, "Items", TableProps::default())?;
//! let code = stack.add_asset(Asset::placeholder("reader", "not built yet"))?;
//! let reader = Function::new(&mut stack, "Reader", FunctionProps::new(code))?;
//! table.grant(&mut stack, &reader, &[DynamoAction::GetItem])?;
//!
//! let mut app = App::new();
//! app.add_stack(stack)?;
//! let stacks = app.synthesize()?;
//! let resources = &stacks[0].template["Resources"];
//! assert_eq!(resources[table.logical_id().as_str()]["DeletionPolicy"], "Retain");
//! # Ok(())
//! # }
//! ```
//!
//! Does no network or file IO: assets are references, read and uploaded by the caller.

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
pub mod terraform;
pub mod tf_schema;
pub mod waiver;

pub use app::{App, SynthesizedStack, synthesize_stack};
pub use asset::{Asset, AssetRef, AssetSource};
pub use error::SynthError;
pub use logical_id::{ConstructPath, LogicalId};
pub use output::Output;
pub use parameter::{Parameter, ParameterRef};
pub use removal::RemovalPolicy;
pub use stack::{ConstructNode, Stack, StackProps};
pub use tags::Tags;
pub use waiver::Waiver;
