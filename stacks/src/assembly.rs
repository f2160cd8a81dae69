//! The bytes of an output directory: one template file per stack plus the manifest.
//!
//! Rendering is pure: the same stacks give the same bytes, because templates keep the key order
//! the synthesizer chose and nothing here reads the clock, the environment or the filesystem.
//! Writing those bytes to disk is [`crate::output`]'s job.

use serde_json::Value;

use crate::manifest::{self, ConfigSource, FileEntry, Manifest, StackEntry, Tool};
use crate::output::OutputFile;
use crate::release::Release;

/// A synthesized stack with its template already rendered to the bytes that will be written.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedStack {
    pub name: String,
    pub template: Value,
    /// 2-space indented JSON with a final newline, exactly as written to disk.
    pub template_json: Vec<u8>,
    pub assets: Vec<Value>,
    /// The Terraform JSON configuration of the same stack, when rendered.
    pub terraform: Option<Terraform>,
    /// The manifest's `release` section of the stack, when it has one.
    pub release: Option<Release>,
}

/// A stack's Terraform JSON, rendered like the template.
#[derive(Debug, Clone, PartialEq)]
pub struct Terraform {
    pub config: Value,
    /// 2-space indented JSON with a final newline, exactly as written to disk.
    pub json: Vec<u8>,
}

/// Which engines' files `synth` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// CloudFormation templates only.
    Cfn,
    /// Terraform configurations only.
    Tf,
    /// Both.
    #[default]
    All,
}

impl Target {
    pub fn writes_cfn(self) -> bool {
        self != Self::Tf
    }

    pub fn writes_tf(self) -> bool {
        self != Self::Cfn
    }
}

impl RenderedStack {
    pub fn new(name: String, template: Value, assets: Vec<Value>) -> Self {
        let template_json = render_json(&template);
        Self {
            name,
            template,
            template_json,
            assets,
            terraform: None,
            release: None,
        }
    }

    /// Adds the stack's Terraform configuration.
    pub fn with_terraform(mut self, config: Value) -> Self {
        let json = render_json(&config);
        self.terraform = Some(Terraform { config, json });
        self
    }

    /// `<stack>/main.tf.json`: a directory per stack, since Terraform reads every `.tf.json`
    /// of a directory as one configuration.
    pub fn terraform_file_name(&self) -> String {
        format!("{}/main.tf.json", self.name)
    }

    /// The stack with its manifest `release` section.
    pub fn with_release(mut self, release: Release) -> Self {
        self.release = Some(release);
        self
    }

    /// `<stack>.template.json`, the name CDK users already look for.
    pub fn file_name(&self) -> String {
        format!("{}.template.json", self.name)
    }
}

/// All files of the output directory, templates first (in stack order) and the manifest last.
pub fn files(stacks: &[RenderedStack], config: ConfigSource) -> Vec<OutputFile> {
    files_with_reports(stacks, config, Vec::new(), Target::Cfn)
}

/// [`files`] plus each stack's report files (`reports[i]` belongs to `stacks[i]`), which the
/// manifest lists with their digests after the stack's template.
pub fn files_with_reports(
    stacks: &[RenderedStack],
    config: ConfigSource,
    reports: Vec<Vec<OutputFile>>,
    target: Target,
) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = Vec::new();
    for stack in stacks {
        if target.writes_cfn() {
            files.push(OutputFile {
                name: stack.file_name(),
                contents: stack.template_json.clone(),
            });
        }
        if let Some(terraform) = stack.terraform.as_ref().filter(|_| target.writes_tf()) {
            files.push(OutputFile {
                name: stack.terraform_file_name(),
                contents: terraform.json.clone(),
            });
        }
    }
    let manifest = manifest_for(stacks, config, &reports, target);
    files.extend(reports.into_iter().flatten());
    let manifest_json = serde_json::to_value(&manifest).map_or_else(
        |err| unreachable!("a manifest of strings and JSON values serializes: {err}"),
        |value| render_json(&value),
    );
    files.push(OutputFile {
        name: manifest::FILE_NAME.to_owned(),
        contents: manifest_json,
    });
    files
}

fn manifest_for(
    stacks: &[RenderedStack],
    config: ConfigSource,
    reports: &[Vec<OutputFile>],
    target: Target,
) -> Manifest {
    let stacks = stacks
        .iter()
        .enumerate()
        .map(|(i, stack)| StackEntry {
            name: stack.name.clone(),
            template: target.writes_cfn().then(|| stack.file_name()),
            sha256: target
                .writes_cfn()
                .then(|| manifest::sha256_hex(&stack.template_json)),
            terraform: stack
                .terraform
                .as_ref()
                .filter(|_| target.writes_tf())
                .map(|tf| FileEntry {
                    file: stack.terraform_file_name(),
                    sha256: manifest::sha256_hex(&tf.json),
                }),
            assets: stack.assets.clone(),
            release: stack.release.clone(),
            reports: reports
                .get(i)
                .into_iter()
                .flatten()
                .map(|file| FileEntry {
                    file: file.name.clone(),
                    sha256: manifest::sha256_hex(&file.contents),
                })
                .collect(),
        })
        .collect();
    Manifest {
        format: manifest::FORMAT.to_owned(),
        tool: Tool::current(),
        config,
        stacks,
    }
}

/// Pretty JSON, 2-space indent, trailing newline so the files diff and `cat` cleanly.
pub fn render_json(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_else(|err| {
        unreachable!("a serde_json::Value always serializes to a Vec: {err}")
    });
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config() -> ConfigSource {
        ConfigSource {
            file: "dev.toml".to_owned(),
            sha256: manifest::sha256_hex(b"x"),
        }
    }

    #[test]
    fn template_is_two_space_indented_with_final_newline_and_keeps_key_order() {
        let stack = RenderedStack::new("s".into(), json!({"Z": 1, "A": {"b": [true]}}), vec![]);
        let text = String::from_utf8(stack.template_json).unwrap();
        assert_eq!(
            text,
            "{\n  \"Z\": 1,\n  \"A\": {\n    \"b\": [\n      true\n    ]\n  }\n}\n"
        );
    }

    #[test]
    fn manifest_lists_each_template_with_its_digest() {
        let stacks = [
            RenderedStack::new(
                "api".into(),
                json!({"Resources": {}}),
                vec![json!({"id": "a"})],
            ),
            RenderedStack::new("web".into(), json!({}), vec![]),
        ];
        let files = files(&stacks, config());
        let names: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
        assert_eq!(
            names,
            ["api.template.json", "web.template.json", "manifest.json"]
        );

        let manifest: Manifest = serde_json::from_slice(&files[2].contents).unwrap();
        assert_eq!(manifest.format, manifest::FORMAT);
        assert_eq!(manifest.tool.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(
            manifest.stacks[0].template.as_deref(),
            Some("api.template.json")
        );
        assert_eq!(
            manifest.stacks[0].sha256,
            Some(manifest::sha256_hex(&files[0].contents))
        );
        assert_eq!(manifest.stacks[0].assets, [json!({"id": "a"})]);
        assert_eq!(manifest.config, config());
    }

    #[test]
    fn rendering_twice_gives_the_same_bytes() {
        let stack = || RenderedStack::new("s".into(), json!({"b": 1, "a": 2}), vec![]);
        assert_eq!(files(&[stack()], config()), files(&[stack()], config()));
    }
}
