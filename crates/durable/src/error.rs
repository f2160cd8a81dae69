//! What can go wrong while writing output durably.

use std::path::PathBuf;

/// A failed durable write; every variant names the path it failed on.
#[derive(Debug, thiserror::Error)]
pub enum DurableError {
    #[error("`{}` is not a file path", path.display())]
    NotAFilePath { path: PathBuf },
    #[error("refusing to write output file `{name}`: not a plain file name")]
    BadFileName { name: String },
    #[error("output `{}` exists and is not a directory", path.display())]
    NotADirectory { path: PathBuf },
    #[error("cannot create directory `{}`: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot rename `{}` to `{}`: {source}", from.display(), to.display())]
    Rename {
        from: PathBuf,
        to: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot sync directory `{}`: {source}", path.display())]
    SyncDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot remove the old output `{}`: {source}", path.display())]
    RemoveOld {
        path: PathBuf,
        source: std::io::Error,
    },
}
