//! What the validator reports: one [`Violation`] per fault, addressed by JSON path.

use std::fmt;

/// The class of a [`Violation`], for callers that match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The document does not have the shape of a Terraform JSON configuration.
    Structure,
    /// A resource type the provider schema does not have.
    UnknownResourceType,
    /// A data source type the provider schema does not have.
    UnknownDataSourceType,
    /// An argument the block does not have.
    UnknownArgument,
    /// A nested block type the block does not have.
    UnknownBlock,
    /// A required argument is absent or null.
    MissingArgument,
    /// A block type that needs at least one block has none.
    MissingBlock,
    /// More blocks of a type than its maximum.
    TooManyBlocks,
    /// A block given as something other than an object or array of objects.
    NotABlock,
    /// A value Terraform cannot convert to the argument's type.
    WrongType,
    /// An attribute the provider computes, set as an argument.
    ComputedArgument,
    /// A `${…}` template that does not parse (unclosed interpolation).
    BadTemplate,
    /// A reference to a resource, data source, variable, local or module that is not declared.
    UndeclaredReference,
    /// A reference to an attribute the referenced type does not have.
    UnknownAttribute,
    /// A meta-argument (`count`, `lifecycle`, `depends_on`, …) used wrongly.
    BadMetaArgument,
}

/// One fault found in a Terraform JSON file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Violation {
    /// The file name the caller passed in.
    pub file: String,
    /// The JSON path of the fault, in Terraform's address style:
    /// `resource.aws_s3_bucket.site.versioning[0].enabled`.
    pub path: String,
    /// The class of the fault.
    pub kind: ViolationKind,
    /// What is wrong, lower-case, naming the argument, type or reference.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.path, self.message)
    }
}

/// Collects violations for one file.
#[derive(Debug)]
pub(crate) struct Sink<'a> {
    file: &'a str,
    pub(crate) found: Vec<Violation>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(file: &'a str) -> Self {
        Sink {
            file,
            found: Vec::new(),
        }
    }

    pub(crate) fn report(&mut self, path: &str, kind: ViolationKind, message: String) {
        self.found.push(Violation {
            file: self.file.to_owned(),
            path: path.to_owned(),
            kind,
            message,
        });
    }
}
