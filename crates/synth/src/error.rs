//! The errors synthesis can fail with.
//!
//! Every variant names the construct path (or stack) and the field at fault, so a user can find
//! the offending line of their stack definition without reading a backtrace.

use thiserror::Error;

/// Why a stack could not be built or synthesized.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SynthError {
    /// A construct id is empty, contains `/`, or is too long.
    #[error("invalid construct id {id:?} under `{parent}`: {reason}")]
    InvalidId {
        /// The parent path the id was to be added under.
        parent: String,
        /// The rejected id.
        id: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two constructs were given the same path.
    #[error("duplicate construct path `{path}`")]
    DuplicatePath {
        /// The path used twice.
        path: String,
    },
    /// Two resources render to the same logical id.
    #[error("logical id `{logical_id}` of `{path}` collides with `{other}`")]
    LogicalIdCollision {
        /// The colliding logical id.
        logical_id: String,
        /// The construct path that was added second.
        path: String,
        /// The construct path that holds the id already.
        other: String,
    },
    /// A logical id override is not alphanumeric or too long.
    #[error("invalid logical id override {logical_id:?} for `{path}`: {reason}")]
    InvalidLogicalId {
        /// The construct path of the resource.
        path: String,
        /// The rejected id.
        logical_id: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A taggable resource lacks a required tag.
    #[error("`{path}` is missing required tag `{key}`")]
    MissingTag {
        /// The construct path of the resource.
        path: String,
        /// The missing tag key.
        key: String,
    },
    /// A tag key or value breaks the tagging rules of AWS.
    #[error("invalid tag `{key}` on stack `{stack}`: {reason}")]
    InvalidTag {
        /// The stack whose tags were checked.
        stack: String,
        /// The key at fault.
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A construct property holds a value the construct refuses.
    #[error("invalid value for `{field}` of `{path}`: {reason}")]
    InvalidProperty {
        /// The construct path.
        path: String,
        /// The builder field (named as in the builder method).
        field: &'static str,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// A reference names a resource that is not in the stack.
    #[error("`{path}` references `{target}`, which is not a resource of stack `{stack}`")]
    UnknownReference {
        /// The stack being rendered.
        stack: String,
        /// The construct path of the referring resource (or `Outputs`).
        path: String,
        /// The logical id that does not resolve.
        target: String,
    },
    /// A raw override names a path that cannot be set.
    #[error("override `{pointer}` on `{path}` is invalid: {reason}")]
    InvalidOverride {
        /// The construct path of the resource.
        path: String,
        /// The property path of the override.
        pointer: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A resource value could not be turned into JSON.
    #[error("`{path}` could not be serialized: {reason}")]
    Serialize {
        /// The construct path of the resource.
        path: String,
        /// The serializer's message.
        reason: String,
    },
    /// Two stacks of one app share a name, or a parameter or output name is used twice.
    #[error("duplicate {kind} name `{name}` in `{scope}`")]
    DuplicateName {
        /// What kind of name (stack, parameter, output).
        kind: &'static str,
        /// The name used twice.
        name: String,
        /// The app or stack it was used in.
        scope: String,
    },
    /// A resource, value or section has no faithful Terraform translation.
    #[error("`{path}` cannot be written as Terraform: {reason}")]
    Terraform {
        /// The construct path (or stack section) of the value.
        path: String,
        /// What could not be translated.
        reason: String,
    },
}

/// The result type of fallible synth operations.
pub type Result<T, E = SynthError> = std::result::Result<T, E>;
