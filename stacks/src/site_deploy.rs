//! The site half of `deploy`: after the stack is deployed, the site bucket is synced with the
//! build folder the manifest lists (`release.site`), and CloudFront forgets what changed.
//!
//! The folder was checked (secrets, source maps, `.env*`) and fingerprinted by the synth that
//! starts every deploy, so a refused file has stopped the deploy before anything reached AWS.
//! Progress goes to stderr, a line per file; the plan (dry run) and the summary to stdout.

use std::io::{self, Write as _};
use std::path::Path;

use deploy::client::Clients;
use deploy::deploy::Ui;
use deploy::site_plan::{LocalFile, SitePlan};
use deploy::site_sync::{self, Site, Target};
use stackwright::assembly::RenderedStack;
use stackwright::site_files::SiteFiles;

/// The sync of `stack`'s site, when its manifest section lists one; relative build folders
/// are read from the config file's directory, as synth read them.
pub(crate) fn site_of(stack: &RenderedStack, config_path: &Path) -> Option<Site> {
    let files = stack.release.as_ref()?.site.as_ref()?;
    let base = config_path.parent().unwrap_or(Path::new("."));
    Some(site(files, &base.join(&files.build_dir)))
}

fn site(files: &SiteFiles, dir: &Path) -> Site {
    Site {
        dir: dir.to_path_buf(),
        files: files
            .files
            .iter()
            .map(|file| LocalFile {
                key: file.path.clone(),
                sha256: file.sha256.clone(),
                size: file.size,
                content_type: file.content_type.clone(),
                cache_control: file.cache_control.clone(),
            })
            .collect(),
        bucket_output: files.bucket_output.clone(),
        distribution_output: files.distribution_output.clone(),
    }
}

/// Syncs the site of the deployed stack `name`, whose outputs are `outputs`.
pub(crate) async fn sync(
    clients: &Clients,
    name: &str,
    site: &Site,
    outputs: &[(String, String)],
    ui: &mut dyn Ui,
) -> anyhow::Result<()> {
    let target = site.target(name, outputs)?;
    let plan = site_sync::prepare(clients, site, &target).await?;
    if plan.is_empty() {
        println!(
            "{name}: site up to date ({} file(s) in bucket {})",
            plan.unchanged, target.bucket
        );
        return Ok(());
    }
    let applied = site_sync::apply(clients, site, &target, &plan, ui).await?;
    let invalidation = match &applied.invalidation {
        Some(id) => format!("; invalidation {id}"),
        None => String::new(),
    };
    println!(
        "{name}: site synced: {} uploaded, {} deleted, {} unchanged{invalidation}",
        applied.uploaded, applied.deleted, plan.unchanged
    );
    Ok(())
}

/// Prints what a sync of the deployed stack `name` would do, changing nothing.
pub(crate) async fn dry_run(
    clients: &Clients,
    name: &str,
    site: &Site,
    outputs: &[(String, String)],
) -> anyhow::Result<()> {
    let Ok(target) = site.target(name, outputs) else {
        // A stack deployed before it had a site: deploy adds the bucket first.
        println!(
            "Site of {name}: the deployed stack has no `{}`/`{}` output yet; \
             deploy would upload all {} file(s) after updating it",
            site.bucket_output,
            site.distribution_output,
            site.files.len()
        );
        return Ok(());
    };
    let plan = site_sync::prepare(clients, site, &target).await?;
    print_plan(name, &target, &plan)?;
    Ok(())
}

fn print_plan(name: &str, target: &Target, plan: &SitePlan) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "Site of {name}: bucket {}, distribution {}",
        target.bucket, target.distribution
    )?;
    for upload in &plan.uploads {
        writeln!(
            out,
            "  upload      {:<8} {}  ({}; {})",
            upload.reason.as_str(),
            upload.file.key,
            upload.file.content_type,
            upload.file.cache_control
        )?;
    }
    for key in &plan.deletes {
        writeln!(out, "  delete               {key}")?;
    }
    for path in &plan.invalidate {
        writeln!(out, "  invalidate           {path}")?;
    }
    writeln!(
        out,
        "  would upload {}, delete {}, invalidate {} path(s); {} unchanged",
        plan.uploads.len(),
        plan.deletes.len(),
        plan.invalidate.len(),
        plan.unchanged
    )
}
