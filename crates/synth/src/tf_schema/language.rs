//! The top level of a Terraform JSON file and the blocks the Terraform language defines
//! itself: `terraform` (with `required_providers` and `backend`), `provider`, `variable`,
//! `output`, `locals`, `module`, `resource` and `data`.

use serde_json::{Map, Value};

use super::body::{check_body, kind_of};
use super::context::Ctx;
use super::declared::labelled;
use super::meta::Meta;
use super::schema::{Block, Schema};
use super::suggest::did_you_mean;
use super::violation::ViolationKind;

const TOP_LEVEL: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "output",
    "locals",
    "module",
    "resource",
    "data",
    "ephemeral",
    "moved",
    "import",
    "removed",
    "check",
];

/// Backends Terraform ships; only `s3` has a schema here, the rest are accepted unchecked.
const BACKENDS: &[&str] = &[
    "s3",
    "local",
    "remote",
    "http",
    "consul",
    "azurerm",
    "gcs",
    "kubernetes",
    "pg",
    "cos",
    "oss",
];

pub(crate) fn check_file(ctx: &mut Ctx<'_>, doc: &Value) {
    let Value::Object(top) = doc else {
        let message = format!("a terraform json file is an object, found {}", kind_of(doc));
        return ctx.report("", ViolationKind::Structure, message);
    };
    for (key, value) in top {
        match key.as_str() {
            "//" => {}
            "resource" => resources(ctx, value),
            "data" => data_sources(ctx, value),
            "provider" => providers(ctx, value),
            "terraform" => terraform(ctx, value),
            "variable" => variables(ctx, value),
            "output" => outputs(ctx, value),
            "locals" => locals(ctx, value),
            // Ephemeral resources are not in the extracted schema: their references are
            // checked, their arguments are not.
            "module" | "moved" | "import" | "removed" | "check" | "ephemeral" => {
                ctx.scan(value, key)
            }
            other => {
                let hint = did_you_mean(other, TOP_LEVEL.iter().copied());
                let message = format!("unsupported top-level block `{other}`{hint}");
                ctx.report(other, ViolationKind::Structure, message);
            }
        }
    }
}

/// The bodies under a name: one object, or an array of objects.
fn bodies<'v>(ctx: &mut Ctx<'_>, value: &'v Value, path: &str) -> Vec<&'v Map<String, Value>> {
    match value {
        Value::Object(map) => vec![map],
        Value::Array(items) if items.iter().all(Value::is_object) => {
            items.iter().filter_map(Value::as_object).collect()
        }
        other => {
            let message = format!(
                "expected a block body (an object), found {}",
                kind_of(other)
            );
            ctx.report(path, ViolationKind::Structure, message);
            Vec::new()
        }
    }
}

fn level<'v>(ctx: &mut Ctx<'_>, value: &'v Value, path: &str) -> Vec<(&'v str, &'v Value)> {
    if !(value.is_object() || value.is_array()) {
        let message = format!("expected an object of labels, found {}", kind_of(value));
        ctx.report(path, ViolationKind::Structure, message);
    }
    labelled(value)
}

fn resources(ctx: &mut Ctx<'_>, value: &Value) {
    let schema: &Schema = ctx.schema;
    for (ty, by_name) in level(ctx, value, "resource") {
        let path = format!("resource.{ty}");
        let Some(block) = schema.resources.get(ty) else {
            let hint = did_you_mean(ty, schema.resources.keys().map(String::as_str));
            let message = format!("unknown resource type `{ty}`{hint}");
            ctx.report(&path, ViolationKind::UnknownResourceType, message);
            continue;
        };
        instances(ctx, block, by_name, &path, Meta::Resource(block));
    }
}

fn data_sources(ctx: &mut Ctx<'_>, value: &Value) {
    let schema: &Schema = ctx.schema;
    for (ty, by_name) in level(ctx, value, "data") {
        let path = format!("data.{ty}");
        let Some(block) = schema.data_sources.get(ty) else {
            let hint = did_you_mean(ty, schema.data_sources.keys().map(String::as_str));
            let message = format!("unknown data source type `{ty}`{hint}");
            ctx.report(&path, ViolationKind::UnknownDataSourceType, message);
            continue;
        };
        instances(ctx, block, by_name, &path, Meta::Data);
    }
}

fn instances(ctx: &mut Ctx<'_>, block: &Block, by_name: &Value, path: &str, meta: Meta<'_>) {
    for (name, body) in level(ctx, by_name, path) {
        let here = format!("{path}.{name}");
        for map in bodies(ctx, body, &here) {
            if map.contains_key("count") && map.contains_key("for_each") {
                let message = "`count` and `for_each` cannot both be set".to_owned();
                ctx.report(&here, ViolationKind::BadMetaArgument, message);
            }
            check_body(ctx, block, map, &here, meta);
        }
    }
}

fn providers(ctx: &mut Ctx<'_>, value: &Value) {
    let schema: &Schema = ctx.schema;
    for (name, config) in level(ctx, value, "provider") {
        let path = format!("provider.{name}");
        for map in bodies(ctx, config, &path) {
            if name == "aws" {
                check_body(ctx, &schema.provider, map, &path, Meta::Provider);
            } else {
                ctx.scan(config, &path);
            }
        }
    }
}

fn terraform(ctx: &mut Ctx<'_>, value: &Value) {
    for map in bodies(ctx, value, "terraform") {
        for (key, item) in map {
            let path = format!("terraform.{key}");
            match key.as_str() {
                "//" | "required_version" | "experiments" | "cloud" | "provider_meta" => {}
                "required_providers" => required_providers(ctx, item, &path),
                "backend" => backend(ctx, item, &path),
                other => {
                    let message = format!("unsupported `terraform` argument `{other}`");
                    ctx.report(&path, ViolationKind::UnknownArgument, message);
                }
            }
        }
    }
}

/// `{"aws": {"source": "hashicorp/aws", "version": "~> 6.0"}}` (or the legacy version string).
fn required_providers(ctx: &mut Ctx<'_>, value: &Value, path: &str) {
    for map in bodies(ctx, value, path) {
        for (name, req) in map.iter().filter(|(k, _)| k.as_str() != "//") {
            let here = format!("{path}.{name}");
            let Value::Object(req) = req else {
                if !req.is_string() {
                    let message =
                        format!("provider requirement is an object, found {}", kind_of(req));
                    ctx.report(&here, ViolationKind::WrongType, message);
                }
                continue;
            };
            for key in req.keys() {
                if !matches!(
                    key.as_str(),
                    "source" | "version" | "configuration_aliases" | "//"
                ) {
                    let message = format!("unsupported provider requirement argument `{key}`");
                    ctx.report(
                        &format!("{here}.{key}"),
                        ViolationKind::UnknownArgument,
                        message,
                    );
                }
            }
        }
    }
}

fn backend(ctx: &mut Ctx<'_>, value: &Value, path: &str) {
    let schema: &Schema = ctx.schema;
    for (kind, config) in level(ctx, value, path) {
        let here = format!("{path}.{kind}");
        if !BACKENDS.contains(&kind) {
            let message = format!("unknown backend type `{kind}`");
            ctx.report(&here, ViolationKind::Structure, message);
            continue;
        }
        let Some(block) = schema.backends.get(kind) else {
            continue;
        };
        for map in bodies(ctx, config, &here) {
            check_body(ctx, block, map, &here, Meta::None);
        }
    }
}

const VARIABLE: &[&str] = &[
    "type",
    "default",
    "description",
    "sensitive",
    "nullable",
    "ephemeral",
    "validation",
];
const OUTPUT: &[&str] = &[
    "value",
    "description",
    "sensitive",
    "ephemeral",
    "depends_on",
    "precondition",
];

fn variables(ctx: &mut Ctx<'_>, value: &Value) {
    for (name, body) in level(ctx, value, "variable") {
        let path = format!("variable.{name}");
        for map in bodies(ctx, body, &path) {
            known_keys(ctx, map, VARIABLE, &path);
            if let Some(validation) = map.get("validation") {
                ctx.scan(validation, &format!("{path}.validation"));
            }
        }
    }
}

fn outputs(ctx: &mut Ctx<'_>, value: &Value) {
    for (name, body) in level(ctx, value, "output") {
        let path = format!("output.{name}");
        for map in bodies(ctx, body, &path) {
            known_keys(ctx, map, OUTPUT, &path);
            if !map.contains_key("value") {
                let message = "required argument `value` is missing".to_owned();
                ctx.report(&path, ViolationKind::MissingArgument, message);
            }
            for (key, item) in map {
                ctx.scan(item, &format!("{path}.{key}"));
            }
        }
    }
}

fn locals(ctx: &mut Ctx<'_>, value: &Value) {
    for (name, item) in level(ctx, value, "locals") {
        ctx.scan(item, &format!("locals.{name}"));
    }
}

fn known_keys(ctx: &mut Ctx<'_>, map: &Map<String, Value>, known: &[&str], path: &str) {
    for key in map.keys().filter(|k| k.as_str() != "//") {
        if !known.contains(&key.as_str()) {
            let hint = did_you_mean(key, known.iter().copied());
            let message = format!("unsupported argument `{key}`{hint}");
            ctx.report(
                &format!("{path}.{key}"),
                ViolationKind::UnknownArgument,
                message,
            );
        }
    }
}
