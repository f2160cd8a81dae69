//! The app as the command line drives it: where each environment's config lives, and the one
//! path from a config file to rendered stacks that `synth`, `ls`, the tests and the benchmarks
//! all share.
//!
//! This module does no writing; the output directory is [`crate::output`]'s.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::assembly::{RenderedStack, Target};
use crate::config_file::{self, ConfigError, Format};
use crate::expense::{self, ExpenseConfig};
use crate::manifest::{ConfigSource, sha256_hex};
use crate::package::Bundles;
use crate::release::Release;
use crate::site_files;

/// The directory of the committed per-environment configs, `stacks/config`.
///
/// It is found from the crate's source directory, not the working directory, so
/// `cargo run -- synth` works from anywhere inside the checkout.
pub fn config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config")
}

/// The config file of environment `name`: `stacks/config/<name>.toml`.
pub fn env_config_path(name: &str) -> anyhow::Result<PathBuf> {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !plain {
        bail!("invalid environment name `{name}`: expected lower-case letters, digits or `-`");
    }
    let path = config_dir().join(format!("{name}.toml"));
    if !path.is_file() {
        bail!(
            "unknown environment `{name}`: `{}` does not exist (known environments: {})",
            display_path(&path).display(),
            environments().join(", ")
        );
    }
    Ok(path)
}

/// The environments that have a config file, sorted.
pub fn environments() -> Vec<String> {
    let Ok(entries) = fs::read_dir(config_dir()) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|file| file.strip_suffix(".toml").map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// A parsed config and the provenance the manifest records for it.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: ExpenseConfig,
    pub source: ConfigSource,
}

/// Reads, hashes, parses and validates a config file; errors name the file, line, column and
/// key.
pub fn load_config(path: &Path) -> anyhow::Result<LoadedConfig> {
    let shown = display_path(path);
    let format = Format::of(&shown)?;
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read config `{}`", shown.display()))?;
    let config: ExpenseConfig = config_file::parse(&shown, &text, format)?;
    config.validate().map_err(|err| {
        ConfigError::invalid_value(&shown, &text, format, &err.key, &err.expected)
    })?;
    let file = path
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into());
    let source = ConfigSource {
        file,
        sha256: sha256_hex(text.as_bytes()),
    };
    Ok(LoadedConfig { config, source })
}

/// Builds the app from `config` and renders every stack, in the app's order; every function
/// gets a placeholder code asset.
pub fn synthesize(config: &ExpenseConfig) -> anyhow::Result<Vec<RenderedStack>> {
    synthesize_with(config, &Bundles::default())
}

/// [`synthesize`] with each function's code from `bundles` (a placeholder where it has none).
pub fn synthesize_with(
    config: &ExpenseConfig,
    bundles: &Bundles,
) -> anyhow::Result<Vec<RenderedStack>> {
    synthesize_for(config, bundles, Target::All)
}

/// [`synthesize_with`] rendering only what `target` writes: a stack that cannot be written as
/// Terraform still synthesizes for `--target cfn`.
pub fn synthesize_for(
    config: &ExpenseConfig,
    bundles: &Bundles,
    target: Target,
) -> anyhow::Result<Vec<RenderedStack>> {
    let code = |function: &expense_lambda::functions::Function| bundles.asset(function);
    let app =
        expense::build_with_code(config, &code).context("cannot build the expense-tracker app")?;
    let stacks = app
        .synthesize()
        .context("cannot synthesize the expense-tracker app")?;
    let options = target.writes_tf().then(|| config.terraform_options());
    stacks
        .into_iter()
        .zip(app.stacks())
        .map(|(rendered, stack)| render(rendered, stack, config, options.as_ref()))
        .collect()
}

fn render(
    rendered: synth::SynthesizedStack,
    stack: &synth::Stack,
    config: &ExpenseConfig,
    terraform: Option<&synth::terraform::TfOptions>,
) -> anyhow::Result<RenderedStack> {
    let assets = rendered
        .assets
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("cannot describe the assets of stack `{}`", rendered.name))?;
    let release = Release::for_template(&rendered.template, config.functions.keep_versions);
    let stack_out =
        RenderedStack::new(rendered.name, rendered.template, assets).with_release(release);
    let Some(options) = terraform else {
        return Ok(stack_out);
    };
    let terraform = synth::terraform::render(stack, options)
        .with_context(|| format!("cannot write stack `{}` as Terraform", stack_out.name))?;
    Ok(stack_out.with_terraform(terraform))
}

/// Checks and fingerprints the site's build folder, when the config names one; `None`
/// otherwise. `config_path` anchors a relative `site.build_dir`.
pub fn site_files(
    config: &ExpenseConfig,
    config_path: &Path,
) -> anyhow::Result<Option<site_files::SiteFiles>> {
    let Some(build_dir) = &config.site.build_dir else {
        return Ok(None);
    };
    let base = config_path.parent().unwrap_or(Path::new("."));
    let dir = base.join(build_dir);
    if !dir.is_dir() {
        bail!(
            "site build folder `{}` (config key `site.build_dir`) is not a directory; \
             build the web app first",
            display_path(&dir).display()
        );
    }
    let files = site_files::fingerprint(&dir, build_dir, &config.site.waivers)
        .with_context(|| format!("cannot publish `{}`", display_path(&dir).display()))?;
    Ok(Some(files))
}

/// Records `files` in the manifest `release` section of every stack (the app has one).
pub fn attach_site_files(stacks: &mut [RenderedStack], files: Option<site_files::SiteFiles>) {
    let Some(files) = files else {
        return;
    };
    for stack in stacks {
        let mut release = stack.release.clone().unwrap_or_default();
        release.site = Some(files.clone());
        stack.release = Some(release);
    }
}

/// Keeps the stacks named in `names` (all of them when `names` is empty), in the app's order.
pub fn select(stacks: Vec<RenderedStack>, names: &[String]) -> anyhow::Result<Vec<RenderedStack>> {
    if let Some(missing) = names
        .iter()
        .find(|name| !stacks.iter().any(|s| &s.name == *name))
    {
        let known: Vec<&str> = stacks.iter().map(|stack| stack.name.as_str()).collect();
        bail!(
            "no stack named `{missing}` (the app defines: {})",
            known.join(", ")
        );
    }
    Ok(stacks
        .into_iter()
        .filter(|stack| names.is_empty() || names.contains(&stack.name))
        .collect())
}

/// The JSON Schema of the config file, as `stackwright schema` prints it.
pub fn config_schema() -> serde_json::Value {
    schemars::schema_for!(ExpenseConfig).to_value()
}

/// `path` relative to the working directory when it lies below it, for shorter messages.
pub fn display_path(path: &Path) -> PathBuf {
    env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stack(name: &str) -> RenderedStack {
        RenderedStack::new(name.to_owned(), json!({}), vec![])
    }

    #[test]
    fn committed_environments_are_found() {
        let envs = environments();
        assert!(
            envs.contains(&"dev".to_owned()) && envs.contains(&"prod".to_owned()),
            "{envs:?}"
        );
        assert!(env_config_path("dev").unwrap().ends_with("config/dev.toml"));
    }

    #[test]
    fn unknown_environment_lists_the_known_ones() {
        let err = env_config_path("staging").unwrap_err().to_string();
        assert!(err.starts_with("unknown environment `staging`"), "{err}");
        assert!(err.contains("known environments: dev, prod"), "{err}");
    }

    #[test]
    fn environment_names_cannot_be_paths() {
        for bad in ["../dev", "Dev", "", "dev.toml"] {
            assert!(env_config_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn select_keeps_app_order_and_rejects_unknown_names() {
        let stacks = vec![stack("a"), stack("b"), stack("c")];
        let picked = select(stacks.clone(), &["c".into(), "a".into()]).unwrap();
        let names: Vec<&str> = picked.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(select(stacks.clone(), &[]).unwrap().len(), 3);
        let err = select(stacks, &["z".into()]).unwrap_err().to_string();
        assert_eq!(err, "no stack named `z` (the app defines: a, b, c)");
    }
}
