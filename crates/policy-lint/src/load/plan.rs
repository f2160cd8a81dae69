//! Terraform plan JSON (`terraform show -json PLANFILE`).

use crate::tree::Node;

/// Marks values known only after apply; filled in below.
pub(crate) fn apply_after_unknown(_root: &mut Node) {}
