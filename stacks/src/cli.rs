//! The command-line surface: every subcommand and flag, declared with clap's derive.
//!
//! Only parsing lives here; `commands` runs what was parsed. The help texts are the user's
//! reference, so they name defaults and file locations, and `docs/cli.md` repeats them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXIT_STATUS: &str = "\
Exit status:
  0  success
  1  a synthesized stack failed the post-synth check (nothing was written)
  2  usage, config or IO error";

/// Synthesizes the expense-tracker stacks to CloudFormation templates and Terraform JSON.
#[derive(Debug, Parser)]
#[command(name = "stackwright", version, after_help = EXIT_STATUS)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Synthesize the stacks into templates and a manifest in the output directory.
    ///
    /// First builds the Lambda functions (release, size-optimised; with `cargo lambda` when it
    /// is on PATH, else for the host), checks that they need no glibc newer than 2.34, and
    /// writes each zipped as assets/<sha256>.zip. --no-build reuses the last bundles instead.
    ///
    /// The directory is replaced as a whole: it holds exactly the templates, bundles and
    /// reports of this run and manifest.json. On any error, or when a stack fails the post-synth check, the previous
    /// directory is left as it was.
    #[command(after_help = EXIT_STATUS)]
    Synth(SynthArgs),

    /// List the names of the stacks the app defines for a config, one per line.
    #[command(after_help = EXIT_STATUS)]
    Ls(ConfigArgs),

    /// Print the JSON Schema (2020-12) of the config file to stdout.
    #[command(after_help = EXIT_STATUS)]
    Schema,

    /// Lint CloudFormation or Terraform templates against the security model
    /// (exit 0 clean, 1 findings at or above `--fail-on`, 2 bad input).
    Lint(policy_lint::cli::LintArgs),

    /// Print a template as the linter reads it, as canonical JSON.
    Decode(policy_lint::cli::DecodeArgs),
}

/// Which config file to build the stacks from.
#[derive(Debug, Clone, Args)]
pub(crate) struct ConfigArgs {
    /// Environment to build: loads stacks/config/<NAME>.toml.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "dev",
        conflicts_with = "config"
    )]
    pub(crate) env: String,

    /// Config file to build from instead of an environment's (.toml or .json).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct SynthArgs {
    #[command(flatten)]
    pub(crate) config: ConfigArgs,

    /// Directory to write the templates and manifest.json into.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub(crate) out: PathBuf,

    /// Synthesize only this stack (repeat for several); default: every stack.
    #[arg(long, value_name = "NAME")]
    pub(crate) stack: Vec<String>,

    /// Skip the release build of the Lambda functions and reuse the last bundles (from the
    /// output directory, else the cargo target directory); placeholders where there are none.
    #[arg(long)]
    pub(crate) no_build: bool,

    /// Which engine to write for: CloudFormation (<stack>.template.json), Terraform
    /// (<stack>/main.tf.json), or both. Every file written is linted first.
    #[arg(long, value_enum, default_value_t = TargetArg::All)]
    pub(crate) target: TargetArg,
}

/// The `--target` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TargetArg {
    Cfn,
    Tf,
    All,
}

impl TargetArg {
    pub(crate) fn target(self) -> stackwright::assembly::Target {
        match self {
            Self::Cfn => stackwright::assembly::Target::Cfn,
            Self::Tf => stackwright::assembly::Target::Tf,
            Self::All => stackwright::assembly::Target::All,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("stackwright").chain(args.iter().copied()))
    }

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn synth_defaults_to_dev_and_out() {
        let Command::Synth(args) = parse(&["synth"]).unwrap().command else {
            panic!("not synth");
        };
        assert_eq!(args.config.env, "dev");
        assert_eq!(args.config.config, None);
        assert_eq!(args.out, PathBuf::from("out"));
        assert!(args.stack.is_empty());
        assert!(!args.no_build);
        assert_eq!(args.target, TargetArg::All);
    }

    #[test]
    fn target_takes_the_three_engines() {
        for (value, target) in [
            ("cfn", TargetArg::Cfn),
            ("tf", TargetArg::Tf),
            ("all", TargetArg::All),
        ] {
            let Command::Synth(args) = parse(&["synth", "--target", value]).unwrap().command else {
                panic!("not synth");
            };
            assert_eq!(args.target, target);
        }
        assert_eq!(
            parse(&["synth", "--target", "pulumi"])
                .unwrap_err()
                .exit_code(),
            2
        );
    }

    #[test]
    fn no_build_is_a_flag() {
        let Command::Synth(args) = parse(&["synth", "--no-build"]).unwrap().command else {
            panic!("not synth");
        };
        assert!(args.no_build);
    }

    #[test]
    fn stack_may_be_repeated() {
        let Command::Synth(args) = parse(&["synth", "--stack", "a", "--stack", "b"])
            .unwrap()
            .command
        else {
            panic!("not synth");
        };
        assert_eq!(args.stack, ["a", "b"]);
    }

    #[test]
    fn env_and_config_conflict() {
        let err = parse(&["synth", "--env", "prod", "--config", "x.toml"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn a_subcommand_is_required() {
        assert_eq!(parse(&[]).unwrap_err().exit_code(), 2);
    }
}
