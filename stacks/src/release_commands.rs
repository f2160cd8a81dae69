//! The release side of the AWS commands: `rollback`, the alias section of `diff`, the alias
//! notes `deploy` prints before its change set, and the pruning of old versions after it.
//!
//! All of it reads the deployed stacks (their templates, resources and Lambda's versions and
//! aliases), never a synthesized template: a rollback has to work when the local checkout
//! cannot even build.

use std::io::{self, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use deploy::client::Clients;
use deploy::rollback::{self, Move, PlanError, Selection};
use deploy::versions::{self, FunctionAlias};
use stackwright::assembly::{RenderedStack, Target};
use stackwright::{app, package};

use crate::aws_commands;
use crate::cli::{RollbackArgs, TargetArgs};
use crate::commands::{self, Status};

pub(crate) fn rollback(args: &RollbackArgs) -> anyhow::Result<Status> {
    let (runtime, clients, names) = connect(args)?;
    let mut aliases = Vec::new();
    for name in &names {
        let deployed = runtime
            .block_on(versions::deployed(&clients, name))
            .with_context(|| format!("cannot read the function aliases of stack `{name}`"))?;
        aliases.extend(deployed);
    }
    let selection = match &args.function {
        Some(name) => Selection::Named(name.clone()),
        None => Selection::All,
    };
    let moves = match rollback::plan(&aliases, &selection, args.to) {
        Ok(moves) => moves,
        Err(err @ PlanError::NoEarlierVersion { .. }) => {
            eprintln!("error: {err}; no alias was moved");
            return Ok(Status::Exit(1));
        }
        Err(err) => return Err(err.into()),
    };
    if moves.is_empty() {
        println!(
            "no function of {} has an alias; nothing to roll back",
            names.join(", ")
        );
        return Ok(Status::Success);
    }
    let mut stdout = io::stdout().lock();
    for (done, step) in moves.iter().enumerate() {
        runtime
            .block_on(rollback::apply(&clients, step))
            .with_context(|| {
                let made = if done == 0 {
                    "no alias was moved"
                } else {
                    "the moves printed above were made"
                };
                format!(
                    "cannot move alias `{}` of {} to version {} ({made})",
                    step.alias, step.path, step.to
                )
            })?;
        writeln!(stdout, "{}", describe(step))?;
    }
    Ok(Status::Success)
}

/// The runtime and clients for `args`, and the names of the stacks it selects.
fn connect(args: &RollbackArgs) -> anyhow::Result<(tokio::runtime::Runtime, Clients, Vec<String>)> {
    let loaded = app::load_config(&commands::config_path(&args.config)?)?;
    // The app defines the stack names; its templates are not used.
    let defined = app::synthesize_for(&loaded.config, &package::Bundles::default(), Target::Cfn)?;
    let names = app::select(defined, &args.stack)?
        .into_iter()
        .map(|stack| stack.name)
        .collect();
    let target = TargetArgs {
        config: args.config.clone(),
        stack: args.stack.clone(),
        endpoint_url: args.endpoint_url.clone(),
        out: PathBuf::new(),
    };
    let (runtime, clients) = aws_commands::connect(&target)?;
    Ok((runtime, clients, names))
}

/// `CreateExpense: live 2 -> 1`, or `CreateExpense: live already on 2`.
fn describe(step: &Move) -> String {
    if step.is_noop() {
        format!("{}: {} already on {}", step.path, step.alias, step.to)
    } else {
        format!(
            "{}: {} {} -> {}",
            step.path,
            step.alias,
            version_text(step.from),
            step.to
        )
    }
}

/// The aliases of deployed stack `name` that are not on their function's newest published
/// version; none when the stack is not deployed.
///
/// Reading them is a side check of `diff` and `deploy`, which do their main work with
/// CloudFormation permissions alone: when the aliases cannot be read (Lambda permissions
/// missing, a stack mid-rollback, a function deleted by hand) this warns on stderr and finds
/// none.
pub(crate) async fn stale_aliases(clients: &Clients, name: &str) -> Vec<FunctionAlias> {
    match versions::deployed(clients, name).await {
        Ok(aliases) => aliases.into_iter().filter(|a| !a.on_latest()).collect(),
        Err(deploy::Error::StackMissing(_)) => Vec::new(),
        Err(err) => {
            eprintln!(
                "warning: cannot read the function aliases of stack `{name}` (not checked): {err}"
            );
            Vec::new()
        }
    }
}

/// The `diff` section for aliases left behind by a rollback (or moved by hand).
pub(crate) fn write_stale(out: &mut dyn io::Write, stale: &[FunctionAlias]) -> io::Result<()> {
    if stale.is_empty() {
        return Ok(());
    }
    writeln!(out, "Aliases not on the latest published version")?;
    for alias in stale {
        writeln!(
            out,
            "[~] {}: {} on {}, latest {}",
            alias.path,
            alias.alias,
            version_text(alias.current),
            version_text(alias.latest())
        )?;
    }
    writeln!(out)
}

/// What `deploy` says, before its change set, about each alias not on the latest version.
pub(crate) async fn note_stale(clients: &Clients, name: &str) -> anyhow::Result<()> {
    let stale = stale_aliases(clients, name).await;
    let mut stdout = io::stdout().lock();
    for alias in &stale {
        writeln!(
            stdout,
            "note: {}: alias `{}` is on version {}, not on the latest ({}); this deploy leaves it there unless {}'s code or configuration changes, in which case the new version goes live",
            alias.path,
            alias.alias,
            version_text(alias.current),
            version_text(alias.latest()),
            alias.path
        )?;
    }
    Ok(())
}

fn version_text(version: Option<u64>) -> String {
    version.map_or_else(|| "$LATEST".to_owned(), |v| v.to_string())
}

/// After a deploy that left `stack` deployed: deletes the versions beyond the config's
/// `functions.keep_versions` and says which.
pub(crate) async fn prune(clients: &Clients, stack: &RenderedStack) -> anyhow::Result<()> {
    let Some(functions) = stack.release.as_ref().and_then(|r| r.functions.as_ref()) else {
        return Ok(());
    };
    let keep = usize::try_from(functions.keep_versions).unwrap_or(1).max(1);
    let pruned = deploy::prune::stack(clients, &stack.name, keep)
        .await
        .with_context(|| {
            format!(
                "stack `{}` is deployed, but pruning its old Lambda versions failed",
                stack.name
            )
        })?;
    let mut stdout = io::stdout().lock();
    for function in &pruned {
        let versions: Vec<String> = function.versions.iter().map(u64::to_string).collect();
        writeln!(
            stdout,
            "{}: pruned versions {} of {} (keeping the newest {keep} and any an alias is on)",
            stack.name,
            versions.join(", "),
            function.path
        )?;
    }
    Ok(())
}
