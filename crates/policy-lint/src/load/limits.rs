//! Resource limits for reading untrusted templates.
//!
//! A linter in CI reads whatever a pull request contains, so every reader is
//! bounded: a file that exceeds a limit ends in a clean, located
//! [`LoadError`](super::LoadError) instead of a hang, a stack overflow or an
//! out-of-memory abort. The defaults are far above anything a real
//! CloudFormation template (1 MB service limit) or a large Terraform plan
//! needs, and low enough that the worst accepted input stays within a few
//! hundred MiB.

/// Bounds applied while loading one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes. Default 64 MiB: CloudFormation accepts
    /// at most 1 MB, a Terraform plan of a few thousand resources stays
    /// well below this.
    pub max_file_bytes: u64,
    /// Deepest nesting of arrays and objects. Default 256; real templates
    /// rarely pass 20. Bounded so that no recursive step can overflow the
    /// stack.
    pub max_depth: usize,
    /// Most values (scalars, arrays, objects) in one file, counting values
    /// produced by YAML aliases. Default 2,000,000 (about 150 MiB of tree).
    pub max_nodes: usize,
    /// Most values that YAML aliases may copy in one file. Default 100,000;
    /// a "billion laughs" alias bomb stops here after a few milliseconds.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 64 * 1024 * 1024,
            max_depth: 256,
            max_nodes: 2_000_000,
            max_alias_nodes: 100_000,
        }
    }
}
