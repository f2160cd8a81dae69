//! The `stackwright` command line: synthesizes the expense-tracker stacks.
//!
//! Exit codes are a contract (see `docs/cli.md`): 0 success, 1 a stack failed the post-synth
//! check, 2 a usage, config or IO error. clap already exits with 2 on bad usage and 0 for
//! `--help` and `--version`; everything else is decided here.

mod aws_commands;
mod cli;
mod commands;
mod release_commands;
mod site_deploy;

use std::io;
use std::process::ExitCode;

use clap::Parser as _;

use crate::commands::Status;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(&cli.command) {
        Ok(Status::Success) => ExitCode::SUCCESS,
        Ok(Status::CheckFailed) => ExitCode::from(1),
        Ok(Status::Exit(code)) => ExitCode::from(code),
        // A closed pipe (`stackwright schema | head`) means the reader has all it wanted;
        // that is not a failure worth a message.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io_err| io_err.kind() == io::ErrorKind::BrokenPipe)
}
