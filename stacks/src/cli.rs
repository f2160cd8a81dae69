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
    #[command(after_help = READ_EXIT_STATUS)]
    Ls(ConfigArgs),

    /// Print the JSON Schema (2020-12) of the config file to stdout.
    #[command(after_help = READ_EXIT_STATUS)]
    Schema,

    /// Lint CloudFormation or Terraform templates against the security model
    /// (exit 0 clean, 1 findings at or above `--fail-on`, 2 bad input).
    Lint(policy_lint::cli::LintArgs),

    /// Print a template as the linter reads it, as canonical JSON.
    Decode(policy_lint::cli::DecodeArgs),

    /// Synthesize, lint and deploy the stacks through CloudFormation change sets.
    ///
    /// Runs synth first (a failing check or error-level lint finding stops the deploy),
    /// uploads the Lambda bundles to the asset bucket (stackwright-assets-<account>-<region>,
    /// created if missing: encrypted, private, TLS-only), creates a change set and shows it.
    /// A change set that replaces or removes a table, user pool, key or a bucket with data is
    /// refused unless --allow-replace. Asks before executing unless --yes; without a terminal
    /// on stdin it never waits and needs --yes. Then follows the stack events to a final state
    /// and prints the stack outputs. Credentials and region come from the standard AWS chain
    /// (the config's region wins).
    #[command(after_help = DEPLOY_EXIT_STATUS)]
    Deploy(DeployArgs),

    /// Compare the synthesized templates with the deployed ones, resource by resource
    /// (exit 0 no difference, 1 differences, 2 error).
    ///
    /// Uses the last Lambda bundles like synth --no-build, so the code keys match the last
    /// synth. Replacements are marked; IAM, resource-policy and security-group changes are
    /// repeated in their own section.
    #[command(after_help = DIFF_EXIT_STATUS)]
    Diff(TargetArgs),

    /// Compare each deployed IAM role's inline and attached policies with the synthesized
    /// ones; any drift is a finding of IAM-1 (exit 0 none, 1 drift, 2 error).
    #[command(after_help = VERIFY_EXIT_STATUS)]
    Verify(TargetArgs),

    /// Delete the stacks; list first what their DeletionPolicy keeps (tables, keys, ...).
    #[command(after_help = DESTROY_EXIT_STATUS)]
    Destroy(DestroyArgs),

    /// Move the functions' `live` aliases back to their previous published version (or to
    /// --to VERSION) without deploying; prints each move as `<Function>: live 4 -> 3`.
    ///
    /// Acts on what is deployed: the aliases come from each stack's deployed template, the
    /// versions from Lambda; the config only names the stacks (nothing is built, uploaded or
    /// written). Every selected alias is checked before any moves, so a rollback happens for
    /// all of them or for none. It does not ask: `rollback --to` undoes it. The next deploy
    /// leaves the aliases there unless a function's code or configuration changes.
    #[command(after_help = ROLLBACK_EXIT_STATUS)]
    Rollback(RollbackArgs),
}

const DEPLOY_EXIT_STATUS: &str = "\
Exit status:
  0  success, or nothing to change
  1  the operation failed or rolled back, was refused by the replacement guard, or was declined
  2  usage, config, credentials or API error";

const READ_EXIT_STATUS: &str = "\
Exit status:
  0  success
  2  usage, config or IO error";

const DESTROY_EXIT_STATUS: &str = "\
Exit status:
  0  the stacks are deleted (or were not deployed)
  1  a deletion failed, or was declined at the prompt
  2  usage, config, credentials or API error";

const DIFF_EXIT_STATUS: &str = "\
Exit status:
  0  no difference
  1  differences
  2  usage, config, credentials or API error";

const VERIFY_EXIT_STATUS: &str = "\
Exit status:
  0  the deployed roles match the templates
  1  drift (findings of IAM-1)
  2  usage, config, credentials or API error";

const ROLLBACK_EXIT_STATUS: &str = "\
Exit status:
  0  the aliases were moved (or were already there)
  1  a selected alias has no earlier published version; no alias was moved
  2  usage, config, credentials or API error, an unknown function or version, a stack that is
     not deployed";

/// Which deployed functions to roll back, and to where.
#[derive(Debug, Clone, Args)]
pub(crate) struct RollbackArgs {
    #[command(flatten)]
    pub(crate) config: ConfigArgs,

    /// Only this stack (repeat for several); default: every stack of the app.
    #[arg(long, value_name = "NAME")]
    pub(crate) stack: Vec<String>,

    /// Only this function: its construct name (e.g. CreateExpense) or its physical name.
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub(crate) function: Option<String>,

    /// Every function with an alias (the default).
    #[arg(long)]
    pub(crate) all: bool,

    /// Move the alias to this published version instead of the previous one (needs
    /// --function).
    #[arg(long, value_name = "VERSION", requires = "function")]
    pub(crate) to: Option<u64>,

    /// Send every AWS call to this endpoint (a local stand-in); default: AWS_ENDPOINT_URL
    /// when set, else AWS's own endpoints.
    #[arg(long, value_name = "URL")]
    pub(crate) endpoint_url: Option<String>,
}

/// Which stacks, built from which config, deployed where.
#[derive(Debug, Clone, Args)]
pub(crate) struct TargetArgs {
    #[command(flatten)]
    pub(crate) config: ConfigArgs,

    /// Only this stack (repeat for several); default: every stack of the app.
    #[arg(long, value_name = "NAME")]
    pub(crate) stack: Vec<String>,

    /// Send every AWS call to this endpoint (a local stand-in); default: AWS_ENDPOINT_URL
    /// when set, else AWS's own endpoints.
    #[arg(long, value_name = "URL")]
    pub(crate) endpoint_url: Option<String>,

    /// The synth output directory (templates, bundles, manifest.json).
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct DeployArgs {
    #[command(flatten)]
    pub(crate) target: TargetArgs,

    /// Reuse the last Lambda bundles instead of building them (as synth --no-build).
    #[arg(long)]
    pub(crate) no_build: bool,

    /// Execute the change set without asking.
    #[arg(long)]
    pub(crate) yes: bool,

    /// Allow replacing or removing stateful resources (tables, user pools, keys, buckets
    /// with data). Their data does not come with them.
    #[arg(long)]
    pub(crate) allow_replace: bool,

    /// Give up waiting for a change set or stack operation after this many minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = 60)]
    pub(crate) timeout_minutes: u64,

    /// Synth, then print the template diff against the deployed stack and what the site sync
    /// would upload, delete and invalidate; change nothing in AWS.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct DestroyArgs {
    #[command(flatten)]
    pub(crate) target: TargetArgs,

    /// Delete without asking.
    #[arg(long)]
    pub(crate) yes: bool,

    /// Give up waiting for the deletion after this many minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = 60)]
    pub(crate) timeout_minutes: u64,
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
    fn lint_takes_the_linter_limit_flags() {
        let Command::Lint(args) =
            parse(&["lint", "--max-file-size", "2MiB", "--max-depth=8", "t.json"])
                .unwrap()
                .command
        else {
            panic!("not lint");
        };
        assert_eq!(args.limits.max_file_size.map(|s| s.bytes()), Some(2 << 20));
        assert_eq!(args.limits.max_depth.map(|d| d.get()), Some(8));
        let err = parse(&["lint", "--max-depth", "0", "t.json"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn deploy_takes_the_target_and_its_own_flags() {
        let Command::Deploy(args) = parse(&[
            "deploy",
            "--env",
            "prod",
            "--stack",
            "s",
            "--endpoint-url",
            "http://127.0.0.1:1",
            "--yes",
            "--allow-replace",
            "--no-build",
        ])
        .unwrap()
        .command
        else {
            panic!("not deploy");
        };
        assert_eq!(args.target.config.env, "prod");
        assert_eq!(args.target.stack, ["s"]);
        assert_eq!(
            args.target.endpoint_url.as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert!(args.yes && args.allow_replace && args.no_build);
        assert_eq!(args.timeout_minutes, 60);
    }

    #[test]
    fn destroy_does_not_take_deploy_flags() {
        let err = parse(&["destroy", "--allow-replace"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn rollback_to_needs_one_function() {
        let Command::Rollback(args) = parse(&["rollback", "--function", "F", "--to", "3"])
            .unwrap()
            .command
        else {
            panic!("not rollback");
        };
        assert_eq!((args.function.as_deref(), args.to), (Some("F"), Some(3)));
        for bad in [
            &["rollback", "--to", "3"][..],
            &["rollback", "--all", "--function", "F"],
            &["rollback", "--function", "F", "--to", "latest"],
            &["rollback", "--out", "out"],
        ] {
            assert_eq!(parse(bad).unwrap_err().exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn a_subcommand_is_required() {
        assert_eq!(parse(&[]).unwrap_err().exit_code(), 2);
    }
}
