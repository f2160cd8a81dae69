//! Why a file could not be loaded.

use std::path::{Path, PathBuf};

use crate::tree::Loc;

/// A file that cannot be analysed at all. Every variant names the file and,
/// where the problem has a place, its line and column.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: file is {size} bytes, over the limit of {limit} (`max-file-size`)", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{}: file is empty", path.display())]
    Empty { path: PathBuf },
    #[error("{}:{loc}: invalid utf-8", path.display())]
    InvalidUtf8 { path: PathBuf, loc: Loc },
    #[error("{}: invalid utf-16", path.display())]
    InvalidUtf16 { path: PathBuf },
    #[error("{}:{loc}: unexpected NUL byte", path.display())]
    NulByte { path: PathBuf, loc: Loc },
    #[error("{}:{loc}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        loc: Loc,
        message: String,
    },
    #[error("{}:{loc}: nesting deeper than {limit} levels (`max-depth`)", path.display())]
    TooDeep {
        path: PathBuf,
        loc: Loc,
        limit: usize,
    },
    #[error("{}:{loc}: more than {limit} values (`max-values`)", path.display())]
    TooManyNodes {
        path: PathBuf,
        loc: Loc,
        limit: usize,
    },
    #[error("{}:{loc}: yaml aliases expand to more than {limit} values (`max-alias-values`)", path.display())]
    AliasBudget {
        path: PathBuf,
        loc: Loc,
        limit: usize,
    },
    #[error("{}:{loc}: top level is {found}, not a mapping", path.display())]
    NotAMapping {
        path: PathBuf,
        loc: Loc,
        found: &'static str,
    },
    #[error("{}:{loc}: {message}", path.display())]
    InvalidTemplate {
        path: PathBuf,
        loc: Loc,
        message: String,
    },
    #[error("{}: not a CloudFormation template, Terraform JSON or Terraform plan: {reason}", path.display())]
    NotATemplate { path: PathBuf, reason: String },
    #[error("{}: {message}", path.display())]
    Walk { path: PathBuf, message: String },
}

impl LoadError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Read { path, .. }
            | Self::TooLarge { path, .. }
            | Self::Empty { path }
            | Self::InvalidUtf8 { path, .. }
            | Self::InvalidUtf16 { path }
            | Self::NulByte { path, .. }
            | Self::Syntax { path, .. }
            | Self::TooDeep { path, .. }
            | Self::TooManyNodes { path, .. }
            | Self::AliasBudget { path, .. }
            | Self::NotAMapping { path, .. }
            | Self::InvalidTemplate { path, .. }
            | Self::NotATemplate { path, .. }
            | Self::Walk { path, .. } => path,
        }
    }

    /// Where in the file the problem is, when it has a place.
    pub fn loc(&self) -> Option<Loc> {
        match self {
            Self::InvalidUtf8 { loc, .. }
            | Self::NulByte { loc, .. }
            | Self::Syntax { loc, .. }
            | Self::TooDeep { loc, .. }
            | Self::TooManyNodes { loc, .. }
            | Self::AliasBudget { loc, .. }
            | Self::NotAMapping { loc, .. }
            | Self::InvalidTemplate { loc, .. } => Some(*loc),
            Self::Read { .. }
            | Self::TooLarge { .. }
            | Self::Empty { .. }
            | Self::InvalidUtf16 { .. }
            | Self::NotATemplate { .. }
            | Self::Walk { .. } => None,
        }
    }
}
