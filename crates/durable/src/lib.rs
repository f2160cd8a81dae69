//! Crash-safe output for every stackwright command that writes files.
//!
//! Three shapes of output, one discipline (write to a hidden sibling, fsync
//! it, rename it into place, fsync the directory):
//!
//! - [`write_file`]: one file, replaced atomically.
//! - [`write_set`]: several files in a directory shared with other files
//!   (the compliance reports), published through a commit point so that a
//!   crash leaves the old set or, after the next run's recovery, the new set.
//! - [`replace_dir`]: a whole directory we own (`synth`'s `out/`), swapped
//!   in one step.
//!
//! Hidden siblings carry the writer's process ID, so the next run can tell
//! leftovers of a killed run (owner gone) from the work of a run still in
//! progress, and removes only the former: see [`owner`].

mod dir;
mod error;
mod file;
pub mod owner;
mod set;
#[cfg(test)]
mod test_support;

pub use dir::{OutputFile, replace_dir};
pub use error::DurableError;
pub use file::{sync_dir, write_file};
pub use set::{recover_set, write_set};
