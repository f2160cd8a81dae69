//! Meta-arguments: what Terraform itself reads in a resource, data or provider body
//! (`count`, `for_each`, `provider`, `depends_on`, `lifecycle`, `alias`, …) and in a
//! `dynamic` block, checked by Terraform's rules rather than the provider schema.

use serde_json::{Map, Value};

use super::body::{check_body, kind_of};
use super::context::Ctx;
use super::expr::expression_references;
use super::schema::Block;
use super::template::{is_single_interpolation, is_templated};
use super::types::{CtyType, conform};
use super::violation::ViolationKind;

/// Which meta-arguments a body may hold.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Meta<'a> {
    /// A nested block: none.
    None,
    /// A managed resource of this schema.
    Resource(&'a Block),
    /// A data source.
    Data,
    /// A provider configuration.
    Provider,
}

const RESOURCE: &[&str] = &[
    "count",
    "for_each",
    "provider",
    "depends_on",
    "lifecycle",
    "provisioner",
    "connection",
];
const DATA: &[&str] = &["count", "for_each", "provider", "depends_on", "lifecycle"];
const PROVIDER: &[&str] = &["alias", "version"];

impl Meta<'_> {
    pub(crate) fn accepts(self, key: &str) -> bool {
        let names = match self {
            Meta::None => return false,
            Meta::Resource(_) => RESOURCE,
            Meta::Data => DATA,
            Meta::Provider => PROVIDER,
        };
        names.contains(&key)
    }
}

pub(crate) fn check(ctx: &mut Ctx<'_>, meta: Meta<'_>, key: &str, value: &Value, path: &str) {
    match key {
        "count" => typed(ctx, &CtyType::Number, key, value, path),
        "for_each" => for_each(ctx, value, path),
        "provider" => provider_ref(ctx, value, path),
        "depends_on" => depends_on(ctx, value, path),
        "lifecycle" => lifecycle(ctx, meta, value, path),
        "alias" | "version" => typed(ctx, &CtyType::String, key, value, path),
        // provisioner and connection bodies belong to provisioners, not the provider.
        _ => ctx.scan(value, path),
    }
}

fn bad(ctx: &mut Ctx<'_>, path: &str, message: String) {
    ctx.report(path, ViolationKind::BadMetaArgument, message);
}

fn typed(ctx: &mut Ctx<'_>, ty: &CtyType, key: &str, value: &Value, path: &str) {
    if let Err(mismatch) = conform(ty, value) {
        bad(ctx, path, format!("`{key}`: {}", mismatch.message));
    }
    ctx.scan(value, path);
}

fn for_each(ctx: &mut Ctx<'_>, value: &Value, path: &str) {
    let fine = match value {
        Value::Object(_) | Value::Array(_) => true,
        Value::String(s) => is_single_interpolation(s),
        _ => false,
    };
    if !fine {
        bad(
            ctx,
            path,
            format!(
                "`for_each` must be a map or a set, found {}",
                kind_of(value)
            ),
        );
    }
    ctx.scan(value, path);
}

/// `"provider": "aws.east"`: a provider name and optional alias, not a template.
fn provider_ref(ctx: &mut Ctx<'_>, value: &Value, path: &str) {
    let valid = value.as_str().is_some_and(|s| {
        let s = unwrap_interpolation(s);
        !s.is_empty() && s.split('.').count() <= 2 && s.split('.').all(is_identifier)
    });
    if !valid {
        bad(
            ctx,
            path,
            format!("`provider` must be `name` or `name.alias`, found {value}"),
        );
    }
}

/// Each entry is a bare reference (`aws_s3_bucket.site`) to a resource, data source or module.
fn depends_on(ctx: &mut Ctx<'_>, value: &Value, path: &str) {
    let Value::Array(items) = value else {
        return bad(
            ctx,
            path,
            format!("`depends_on` must be an array, found {}", kind_of(value)),
        );
    };
    for (i, item) in items.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let refs = item
            .as_str()
            .map(|s| expression_references(unwrap_interpolation(s)));
        match refs.as_deref() {
            Some([reference]) if !reference.steps.is_empty() => {
                ctx.check_reference(reference, &here);
            }
            _ => bad(
                ctx,
                &here,
                format!("`depends_on` entry {item} is not a reference"),
            ),
        }
    }
}

fn lifecycle(ctx: &mut Ctx<'_>, meta: Meta<'_>, value: &Value, path: &str) {
    let bodies: Vec<&Map<String, Value>> = match value {
        Value::Object(map) => vec![map],
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        other => {
            return bad(
                ctx,
                path,
                format!("`lifecycle` is a block, found {}", kind_of(other)),
            );
        }
    };
    for (i, body) in bodies.into_iter().enumerate() {
        let here = format!("{path}[{i}]");
        for (key, item) in body {
            lifecycle_entry(ctx, meta, key, item, &format!("{here}.{key}"));
        }
    }
}

fn lifecycle_entry(ctx: &mut Ctx<'_>, meta: Meta<'_>, key: &str, value: &Value, path: &str) {
    let resource = match meta {
        Meta::Resource(block) => Some(block),
        _ => None,
    };
    match (key, resource) {
        ("//", _) => {}
        ("precondition" | "postcondition", _) => conditions(ctx, key, value, path),
        ("create_before_destroy" | "prevent_destroy", Some(_)) => {
            literal_bool(ctx, key, value, path)
        }
        ("ignore_changes", Some(block)) => ignore_changes(ctx, block, value, path),
        ("replace_triggered_by", Some(_)) => replace_triggered_by(ctx, value, path),
        _ => bad(
            ctx,
            path,
            format!("unsupported `lifecycle` argument `{key}`"),
        ),
    }
}

/// Terraform reads these before evaluating anything: variables and references are refused.
fn literal_bool(ctx: &mut Ctx<'_>, key: &str, value: &Value, path: &str) {
    let literal = match value {
        Value::Bool(_) => true,
        Value::String(s) => !is_templated(s) && conform(&CtyType::Bool, value).is_ok(),
        _ => false,
    };
    if !literal {
        bad(
            ctx,
            path,
            format!("`{key}` must be a literal bool, found {value}"),
        );
    }
}

/// `"all"`, or attribute paths of the resource's own arguments.
fn ignore_changes(ctx: &mut Ctx<'_>, block: &Block, value: &Value, path: &str) {
    let items = match value {
        Value::String(s) if unwrap_interpolation(s) == "all" => return,
        Value::Array(items) => items,
        other => {
            let message = format!(
                "`ignore_changes` must be \"all\" or an array, found {}",
                kind_of(other)
            );
            return bad(ctx, path, message);
        }
    };
    for (i, item) in items.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let root = item.as_str().and_then(|s| {
            expression_references(unwrap_interpolation(s))
                .into_iter()
                .next()
        });
        match root {
            Some(r)
                if block.attributes.contains_key(&r.root)
                    || block.block_types.contains_key(&r.root) => {}
            Some(r) => {
                let hint = super::suggest::did_you_mean(&r.root, block.names());
                bad(
                    ctx,
                    &here,
                    format!(
                        "`ignore_changes` names unknown attribute `{}`{hint}",
                        r.root
                    ),
                );
            }
            None => bad(
                ctx,
                &here,
                format!("`ignore_changes` entry {item} is not an attribute path"),
            ),
        }
    }
}

fn replace_triggered_by(ctx: &mut Ctx<'_>, value: &Value, path: &str) {
    let Value::Array(items) = value else {
        let message = format!(
            "`replace_triggered_by` must be an array, found {}",
            kind_of(value)
        );
        return bad(ctx, path, message);
    };
    for (i, item) in items.iter().enumerate() {
        let here = format!("{path}[{i}]");
        for r in item
            .as_str()
            .map(|s| expression_references(unwrap_interpolation(s)))
            .unwrap_or_default()
        {
            ctx.check_reference(&r, &here);
        }
    }
}

/// `precondition` / `postcondition` blocks: `condition` and `error_message`.
fn conditions(ctx: &mut Ctx<'_>, key: &str, value: &Value, path: &str) {
    let bodies: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for (i, body) in bodies.into_iter().enumerate() {
        let here = format!("{path}[{i}]");
        let Some(map) = body.as_object() else {
            bad(
                ctx,
                &here,
                format!("`{key}` is a block, found {}", kind_of(body)),
            );
            continue;
        };
        for required in ["condition", "error_message"] {
            if !map.contains_key(required) {
                bad(ctx, &here, format!("`{key}` needs `{required}`"));
            }
        }
        ctx.scan(body, &here);
    }
}

/// The body of one `dynamic "<type>"` block; its iterator (`iterator`, else the block
/// type's name) is in scope in `content`.
pub(crate) fn check_dynamic_spec(
    ctx: &mut Ctx<'_>,
    block: &Block,
    label: &str,
    spec: &Map<String, Value>,
    path: &str,
) {
    let iterator = spec
        .get("iterator")
        .and_then(Value::as_str)
        .unwrap_or(label);
    ctx.iterators.push(iterator.to_owned());
    for (key, value) in spec {
        let here = format!("{path}.{key}");
        match key.as_str() {
            "//" => {}
            "for_each" => for_each(ctx, value, &here),
            "iterator" | "labels" => ctx.scan(value, &here),
            "content" => match value {
                Value::Object(body) => check_body(ctx, block, body, &here, Meta::None),
                other => bad(
                    ctx,
                    &here,
                    format!("`content` is a block, found {}", kind_of(other)),
                ),
            },
            _ => bad(
                ctx,
                &here,
                format!("unsupported `dynamic` argument `{key}`"),
            ),
        }
    }
    ctx.iterators.pop();
    if !spec.contains_key("for_each") {
        bad(ctx, path, "`dynamic` block needs `for_each`".to_owned());
    }
}

/// JSON allows `"${aws_s3_bucket.x}"` where HCL has a bare reference.
fn unwrap_interpolation(text: &str) -> &str {
    if is_single_interpolation(text) {
        text[2..text.len() - 1].trim_matches('~').trim()
    } else {
        text
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}
