//! The commands that talk to AWS: `deploy` (with the site sync, `site_deploy.rs`), `diff`,
//! `destroy` and `verify` (`rollback` and the alias and pruning steps of `deploy` and `diff`
//! are in `release_commands`).
//!
//! Each builds the stacks the way `synth` does, connects with the standard credential chain
//! (the config's region wins; `--endpoint-url` or `AWS_ENDPOINT_URL` points every client at
//! a local stand-in) and reports per stack. Results go to stdout, progress and errors to
//! stderr. Nothing secret is printed: parameter values never are, credentials never pass
//! through here.

use std::io::{self, BufRead as _, IsTerminal as _, Write as _};
use std::time::Duration;

use anyhow::{Context as _, bail};
use deploy::client::{Clients, Connection};
use deploy::deploy::{Plan, Report, Ui};
use deploy::events::Progress;
use deploy::site_sync::Site;
use deploy::{assets, diff as template_diff, stack, verify as iam_verify};
use stackwright::assembly::RenderedStack;
use stackwright::{app, package};

use crate::cli::{DeployArgs, DestroyArgs, SynthArgs, TargetArg, TargetArgs};
use crate::commands::{self, Status};
use crate::site_deploy;

const FAILED: Status = Status::Exit(1);

pub(crate) fn deploy(args: &DeployArgs) -> anyhow::Result<Status> {
    if !args.dry_run {
        require_answerable(args.yes, "deploy")?;
    }
    let synth_args = SynthArgs {
        config: args.target.config.clone(),
        out: args.target.out.clone(),
        stack: args.target.stack.clone(),
        no_build: args.no_build,
        // The same output directory `synth` writes, Terraform included, so a deploy never
        // leaves `out/` different from what `synth` would have written.
        target: TargetArg::All,
    };
    let Some(stacks) = commands::synth_and_write(&synth_args)? else {
        eprintln!("error: synth stopped the deploy; nothing was deployed");
        return Ok(FAILED);
    };
    let config_path = commands::config_path(&args.target.config)?;
    let clients_runtime = connect(&args.target)?;
    let (runtime, clients) = &clients_runtime;
    let timeout = Duration::from_secs(args.timeout_minutes.saturating_mul(60));
    for stack in &stacks {
        let site = site_deploy::site_of(stack, &config_path);
        if args.dry_run {
            runtime
                .block_on(dry_run_stack(clients, stack, site.as_ref()))
                .with_context(|| format!("cannot dry-run stack `{}`", stack.name))?;
            continue;
        }
        let status =
            runtime.block_on(deploy_stack(clients, stack, site.as_ref(), args, timeout))?;
        if status != Status::Success {
            return Ok(status);
        }
    }
    Ok(Status::Success)
}

/// What `deploy` would change, changing nothing: the template diff against the deployed
/// stack and the site sync's plan.
async fn dry_run_stack(
    clients: &Clients,
    stack: &RenderedStack,
    site: Option<&Site>,
) -> anyhow::Result<()> {
    let name = &stack.name;
    let Some(deployed) = stack::describe(&clients.cloudformation, name).await? else {
        println!("{name}: dry run: the stack does not exist; deploy would create it");
        if let Some(site) = site {
            println!("  and then upload all {} site file(s)", site.files.len());
        }
        return Ok(());
    };
    let template = stack::template(&clients.cloudformation, name).await?;
    let diff = template_diff::templates(&template, &stack.template);
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "Stack {name} (dry run)")?;
    write!(stdout, "{}", template_diff::render(&diff))?;
    drop(stdout);
    if let Some(site) = site {
        site_deploy::dry_run(clients, name, site, &deployed.outputs).await?;
    }
    Ok(())
}

async fn deploy_stack(
    clients: &Clients,
    stack: &RenderedStack,
    site: Option<&Site>,
    args: &DeployArgs,
    timeout: Duration,
) -> anyhow::Result<Status> {
    let assets = assets::from_descriptions(&stack.name, &stack.assets, &args.target.out)?;
    let plan = Plan {
        stack: stack.name.clone(),
        template: stack.template.clone(),
        template_json: stack.template_json.clone(),
        assets,
        tags: Vec::new(),
        allow_replace: args.allow_replace,
        timeout,
    };
    crate::release_commands::note_stale(clients, &stack.name).await?;
    let mut console = Console { yes: args.yes };
    let report = deploy::deploy::run(clients, &plan, &mut console)
        .await
        .with_context(|| format!("cannot deploy stack `{}`", stack.name))?;
    let status = report_deploy(&stack.name, &report)?;
    if status != Status::Success {
        return Ok(status);
    }
    // The site before pruning: a pruning failure (the CI role cannot prune) leaves the site
    // deployed with the stack.
    if let Some(site) = site {
        let outputs = match &report {
            Report::Deployed { outputs } => outputs.clone(),
            // Unchanged stack: its outputs are as deployed before.
            _ => stack::describe(&clients.cloudformation, &stack.name)
                .await?
                .map(|deployed| deployed.outputs)
                .unwrap_or_default(),
        };
        site_deploy::sync(clients, &stack.name, site, &outputs, &mut console)
            .await
            .with_context(|| format!("cannot sync the site of stack `{}`", stack.name))?;
    }
    if matches!(report, Report::NoChanges | Report::Deployed { .. }) {
        crate::release_commands::prune(clients, stack).await?;
    }
    Ok(status)
}

fn report_deploy(name: &str, report: &Report) -> anyhow::Result<Status> {
    let mut stdout = io::stdout().lock();
    match report {
        Report::NoChanges => {
            writeln!(stdout, "{name}: no changes")?;
            Ok(Status::Success)
        }
        Report::Deployed { outputs } => {
            writeln!(stdout, "{name}: deployed")?;
            if !outputs.is_empty() {
                writeln!(stdout, "Outputs:")?;
            }
            for (key, value) in outputs {
                writeln!(stdout, "  {key} = {value}")?;
            }
            Ok(Status::Success)
        }
        Report::Refused { destructive } => {
            eprintln!("error: stack `{name}`: the change set would destroy stateful resources:");
            for change in destructive {
                let why: Vec<&str> = change.properties.iter().map(|(p, _)| p.as_str()).collect();
                let verb = if why.is_empty() { "remove" } else { "replace" };
                eprintln!(
                    "  {verb} {} {} {}",
                    change.resource_type,
                    change.logical_id,
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!("(changes {})", why.join(", "))
                    }
                );
            }
            eprintln!(
                "error: refused without --allow-replace (their data would not come along); the change set was deleted"
            );
            Ok(FAILED)
        }
        Report::Declined => {
            eprintln!("stack `{name}` was not deployed; the change set was deleted");
            Ok(FAILED)
        }
        Report::Failed { outcome } => {
            match &outcome.first_failure {
                Some(event) => eprintln!(
                    "error: stack `{name}` failed: {} {} {}: {}",
                    event.resource_type,
                    event.logical_id,
                    event.status,
                    event.reason.as_deref().unwrap_or("no reason given")
                ),
                None => eprintln!("error: stack `{name}` failed (no resource reported a reason)"),
            }
            eprintln!("rollback: stack `{name}` is {}", outcome.status);
            Ok(FAILED)
        }
    }
}

/// Prompts on stderr and reads the answer from stdin.
struct Console {
    yes: bool,
}

impl Ui for Console {
    fn note(&mut self, text: &str) {
        eprintln!("{text}");
    }

    fn review(&mut self, text: &str) {
        print!("{text}");
        let _ = io::stdout().flush();
    }

    fn confirm(&mut self, stack: &str) -> bool {
        self.yes || ask(&format!("Deploy these changes to stack `{stack}`?"))
    }
}

fn ask(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = io::stderr().flush();
    let mut answer = String::new();
    if io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes")
}

/// Refuses up front, before any work, to run a command that would have to ask on a stdin
/// nobody types into (CI, a pipe).
fn require_answerable(yes: bool, command: &str) -> anyhow::Result<()> {
    if !yes && !io::stdin().is_terminal() {
        bail!(
            "{command} asks for confirmation, but stdin is not a terminal: pass --yes to {command} without asking"
        );
    }
    Ok(())
}

/// A runtime and the clients for `target`, in the config's region.
pub(crate) fn connect(target: &TargetArgs) -> anyhow::Result<(tokio::runtime::Runtime, Clients)> {
    let loaded = app::load_config(&commands::config_path(&target.config)?)?;
    let endpoint_url = target.endpoint_url.clone().or_else(|| {
        std::env::var("AWS_ENDPOINT_URL")
            .ok()
            .filter(|url| !url.is_empty())
    });
    let connection = Connection {
        endpoint_url,
        region: loaded.config.region,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let clients = runtime.block_on(Clients::connect(&connection))?;
    Ok((runtime, clients))
}

/// The app's stacks as `synth --no-build` builds them: the last bundles, no lint, no writing.
fn local_stacks(target: &TargetArgs) -> anyhow::Result<Vec<RenderedStack>> {
    let loaded = app::load_config(&commands::config_path(&target.config)?)?;
    let bundles = package::reuse(&target.out, &package::build::target_dir())?;
    app::select(
        app::synthesize_with(&loaded.config, &bundles)?,
        &target.stack,
    )
}

pub(crate) fn diff(args: &TargetArgs) -> anyhow::Result<Status> {
    let stacks = local_stacks(args)?;
    let (runtime, clients) = connect(args)?;
    let mut differs = false;
    for stack in &stacks {
        let deployed = match runtime.block_on(stack::template(&clients.cloudformation, &stack.name))
        {
            Ok(template) => template,
            Err(deploy::Error::StackMissing(_)) => serde_json::json!({}),
            Err(err) => {
                return Err(err).with_context(|| format!("cannot diff stack `{}`", stack.name));
            }
        };
        let diff = template_diff::templates(&deployed, &stack.template);
        let stale = runtime.block_on(crate::release_commands::stale_aliases(
            &clients,
            &stack.name,
        ));
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "Stack {}", stack.name)?;
        if !diff.is_empty() || stale.is_empty() {
            write!(stdout, "{}", template_diff::render(&diff))?;
        }
        crate::release_commands::write_stale(&mut stdout, &stale)?;
        differs |= !diff.is_empty() || !stale.is_empty();
    }
    Ok(if differs { FAILED } else { Status::Success })
}

pub(crate) fn verify(args: &TargetArgs) -> anyhow::Result<Status> {
    let stacks = local_stacks(args)?;
    let (runtime, clients) = connect(args)?;
    let mut count = 0;
    for stack in &stacks {
        let findings = runtime
            .block_on(async {
                let resources = stack::resources(&clients.cloudformation, &stack.name).await?;
                iam_verify::roles(&clients.iam, &stack.template, &resources).await
            })
            .with_context(|| format!("cannot verify stack `{}`", stack.name))?;
        let mut stdout = io::stdout().lock();
        for finding in &findings {
            writeln!(
                stdout,
                "error[{}]: {}",
                iam_verify::CONTROL,
                finding.message
            )?;
            writeln!(
                stdout,
                "  --> stack `{}`, resource `{}` (role `{}`)",
                stack.name, finding.logical_id, finding.role_name
            )?;
        }
        count += findings.len();
    }
    println!(
        "{} stack(s): {count} drift finding(s) of {}",
        stacks.len(),
        iam_verify::CONTROL
    );
    Ok(if count == 0 { Status::Success } else { FAILED })
}

pub(crate) fn destroy(args: &DestroyArgs) -> anyhow::Result<Status> {
    require_answerable(args.yes, "destroy")?;
    let loaded = app::load_config(&commands::config_path(&args.target.config)?)?;
    let stacks = app::select(app::synthesize(&loaded.config)?, &args.target.stack)?;
    let (runtime, clients) = connect(&args.target)?;
    let timeout = Duration::from_secs(args.timeout_minutes.saturating_mul(60));
    // Reverse order: a later stack may use what an earlier one exports.
    for stack in stacks.iter().rev() {
        let status = runtime
            .block_on(destroy_stack(&clients, &stack.name, args.yes, timeout))
            .with_context(|| format!("cannot destroy stack `{}`", stack.name))?;
        if status != Status::Success {
            return Ok(status);
        }
    }
    Ok(Status::Success)
}

async fn destroy_stack(
    clients: &Clients,
    name: &str,
    yes: bool,
    timeout: Duration,
) -> anyhow::Result<Status> {
    let cfn = &clients.cloudformation;
    let Some(deployed) = stack::describe(cfn, name).await? else {
        println!("{name}: does not exist, nothing to delete");
        return Ok(Status::Success);
    };
    let retained = deploy::destroy::retained(cfn, name).await?;
    let resources = stack::resources(cfn, name).await?.len();
    print_retained(name, &retained)?;
    if !yes && !ask(&format!("Delete stack `{name}`?")) {
        eprintln!("stack `{name}` was not deleted");
        return Ok(FAILED);
    }
    let mut progress = Progress::new(resources as u64);
    let outcome = deploy::destroy::delete(cfn, &deployed, timeout, &mut progress).await?;
    if outcome.succeeded() {
        println!("{name}: deleted; {} resource(s) kept", retained.len());
        return Ok(Status::Success);
    }
    match &outcome.first_failure {
        Some(event) => eprintln!(
            "error: deleting stack `{name}` failed: {} {}: {}",
            event.resource_type,
            event.logical_id,
            event.reason.as_deref().unwrap_or("no reason given")
        ),
        None => eprintln!("error: deleting stack `{name}` ended in {}", outcome.status),
    }
    Ok(FAILED)
}

fn print_retained(name: &str, retained: &[deploy::destroy::Retained]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    if retained.is_empty() {
        return writeln!(stdout, "{name}: every resource is deleted with the stack");
    }
    writeln!(
        stdout,
        "{name}: these resources stay in the account after the stack is deleted:"
    )?;
    for kept in retained {
        writeln!(
            stdout,
            "  {:<20} {:<28} {:<36} {}",
            kept.policy,
            kept.resource_type,
            kept.logical_id,
            kept.physical_id.as_deref().unwrap_or("-")
        )?;
    }
    Ok(())
}
