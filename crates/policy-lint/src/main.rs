//! The standalone `policy-lint` binary, for teams that only lint.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use policy_lint::cli::{self, DecodeArgs, LintArgs, ReportArgs};
use policy_lint::rules;

/// Checks CloudFormation and Terraform templates against the stackwright
/// security model.
#[derive(Parser, Debug)]
#[command(name = "policy-lint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint templates (exit 0 clean, 1 findings, 2 bad input).
    Lint(LintArgs),
    /// Write a compliance report per template (exit codes as `lint`).
    Report(ReportArgs),
    /// Print a template as the linter reads it, as canonical JSON.
    Decode(DecodeArgs),
    /// List the rules, or write their reference pages.
    Rules {
        /// Write one Markdown page per rule, and an index, into DIR.
        #[arg(long, value_name = "DIR")]
        write_docs: Option<PathBuf>,
    },
    /// Print the JSON Schema of the `--format json` output.
    Schema,
    /// Print the JSON Schema of `policy-lint.toml`.
    ConfigSchema,
    /// Print the JSON Schema of waiver files (`policy-lint.waivers.toml`).
    WaiversSchema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(cli::EXIT_INPUT)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Lint(args) => cli::run_lint(args),
        Command::Decode(args) => cli::run_decode(args),
        Command::Report(args) => cli::run_report(args),
        Command::Rules { write_docs } => {
            match write_docs {
                Some(dir) => write_rule_docs(dir)?,
                None => list_rules(),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::ConfigSchema => {
            print!("{}", policy_lint::config_file::json_schema());
            Ok(ExitCode::SUCCESS)
        }
        Command::WaiversSchema => {
            print!("{}", policy_lint::waivers::file::json_schema());
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            let schema = schemars::schema_for!(policy_lint::output::JsonReport<'static>);
            println!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list_rules() {
    for rule in rules::REGISTRY {
        let m = &rule.meta;
        println!(
            "{:<7} {:<8} {:<8} {}",
            m.id,
            m.control,
            m.severity.as_str(),
            m.title
        );
    }
}

fn write_rule_docs(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, content) in rules::docs::all_pages() {
        cli::write_atomically(&dir.join(name), content.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
