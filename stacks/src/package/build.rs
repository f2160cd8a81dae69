//! Compiles the Lambda functions' binaries with cargo, in the size-optimised `lambda-release`
//! profile of the root `Cargo.toml`.
//!
//! With `cargo lambda` on PATH the build cross-compiles for x86-64 Linux through zig against
//! an old glibc, which is what `provided.al2023` needs; without it, `cargo build` builds for
//! the host, and the glibc check decides whether that binary loads on Amazon Linux 2023.
//! cargo's own progress goes to stderr; its stdout is sent there too, so stdout stays ours.

use std::env;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

/// The cargo profile the binaries are built with.
pub const PROFILE: &str = "lambda-release";
/// The package whose binaries are the functions.
pub const PACKAGE: &str = "expense-lambda";

/// How the binaries were (or would be) built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builder {
    /// `cargo lambda build --x86-64`: zig links against glibc 2.17+, for Amazon Linux.
    CargoLambda,
    /// `cargo build` for the host target.
    HostCargo,
}

impl Builder {
    /// `cargo lambda` when its executable is on PATH, else plain cargo.
    pub fn detect() -> Self {
        if on_path("cargo-lambda") {
            Self::CargoLambda
        } else {
            Self::HostCargo
        }
    }

    /// Where this builder leaves the executable of `bin` under `target_dir`.
    pub fn binary(self, target_dir: &Path, bin: &str) -> PathBuf {
        match self {
            Self::CargoLambda => target_dir.join("lambda").join(bin).join("bootstrap"),
            Self::HostCargo => target_dir.join(PROFILE).join(bin),
        }
    }

    /// One line for the user: which path is taken.
    pub fn describe(self) -> &'static str {
        match self {
            Self::CargoLambda => {
                "cargo lambda build (x86-64 Linux through zig, for provided.al2023)"
            }
            Self::HostCargo => {
                "cargo build for the host target (cargo-lambda is not on PATH; the glibc \
                 check decides whether the binaries load on Amazon Linux 2023)"
            }
        }
    }
}

/// The workspace whose `crates/lambda` holds the functions: the checkout this binary was
/// built from.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `CARGO_TARGET_DIR` when set, else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// Builds every binary of [`PACKAGE`] with `builder` into `target_dir`.
pub fn build(builder: Builder, target_dir: &Path) -> anyhow::Result<()> {
    let root = workspace_root();
    let manifest = root.join("Cargo.toml");
    if !root.join("crates/lambda/Cargo.toml").is_file() {
        bail!(
            "the Lambda sources are not at `{}`; synthesize with --no-build",
            root.join("crates/lambda").display()
        );
    }
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    match builder {
        Builder::CargoLambda => command.args(["lambda", "build", "--x86-64"]),
        Builder::HostCargo => command.args(["build", "--bins"]),
    };
    command
        .args([
            "--profile",
            PROFILE,
            "--package",
            PACKAGE,
            "--manifest-path",
        ])
        .arg(&manifest)
        .current_dir(&root)
        // cargo-lambda's own `cargo metadata` call breaks with `--target-dir`; the variable
        // works for both builders.
        .env("CARGO_TARGET_DIR", target_dir)
        .stdout(Stdio::from(io::stderr()));
    let status = command
        .status()
        .with_context(|| format!("cannot run {}", builder.describe()))?;
    if !status.success() {
        bail!("building the Lambda functions failed ({status})");
    }
    Ok(())
}

fn on_path(name: &str) -> bool {
    env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| dir.join(name).is_file()))
}
