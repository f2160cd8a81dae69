//! Input problems found while loading or resolving a template that do not
//! stop analysis.
//!
//! They become findings of control `TPL-1`, so every output format shows
//! them. A problem that makes the file unreadable is a
//! [`LoadError`](super::LoadError) instead.

use std::fmt;

use crate::tree::Loc;

/// What kind of input problem a [`Diagnostic`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticKind {
    /// A mapping key written twice; the last value is used, as
    /// CloudFormation does.
    DuplicateKey,
    /// A YAML tag that is neither a CloudFormation short form nor a YAML
    /// core tag; the value is kept without the tag.
    UnknownTag,
    /// YAML anchors, aliases or merge keys: resolved here, but the
    /// CloudFormation service rejects them unless a packaging step expands
    /// them first.
    YamlAlias,
    /// A `Ref`, `Fn::GetAtt`, `Fn::Sub` variable, mapping or condition that
    /// names something the template does not define.
    Unresolvable,
    /// An `Fn::…` key that is not a known intrinsic function.
    UnknownIntrinsic,
    /// An intrinsic function with arguments of the wrong shape.
    InvalidIntrinsic,
    /// A resource that is not a mapping or has no string `Type`: no rule
    /// can read it, so it is reported instead of skipped.
    MalformedResource,
}

impl DiagnosticKind {
    /// A stable kebab-case name for machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DuplicateKey => "duplicate-key",
            Self::UnknownTag => "unknown-tag",
            Self::YamlAlias => "yaml-alias",
            Self::Unresolvable => "unresolvable",
            Self::UnknownIntrinsic => "unknown-intrinsic",
            Self::InvalidIntrinsic => "invalid-intrinsic",
            Self::MalformedResource => "malformed-resource",
        }
    }
}

impl fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One located input problem.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    /// Lower-case, no trailing period, names the key or reference.
    pub message: String,
    pub loc: Loc,
}

impl Diagnostic {
    pub fn new(kind: DiagnosticKind, message: impl Into<String>, loc: Loc) -> Self {
        Self {
            kind,
            message: message.into(),
            loc,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.loc, self.message, self.kind)
    }
}
