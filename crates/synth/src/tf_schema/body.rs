//! Checks one block body against its schema: unknown names, required arguments and blocks,
//! value types, computed-only attributes, nested block shapes and counts.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::context::Ctx;
use super::meta::{self, Meta};
use super::schema::{Attribute, Block, BlockType, NestingMode};
use super::suggest::did_you_mean;
use super::types::conform;
use super::violation::ViolationKind;

/// Checks `body` against `block`; `meta` says which meta-arguments the body may also hold.
pub(crate) fn check_body(
    ctx: &mut Ctx<'_>,
    block: &Block,
    body: &Map<String, Value>,
    path: &str,
    meta: Meta<'_>,
) {
    let mut dynamic = BTreeSet::new();
    for (key, value) in body {
        let here = format!("{path}.{key}");
        if key == "//" {
            continue;
        }
        if meta.accepts(key) {
            meta::check(ctx, meta, key, value, &here);
        } else if key == "dynamic" {
            dynamic.extend(check_dynamic(ctx, block, value, &here));
        } else if let Some(attr) = block.attributes.get(key) {
            check_attribute(ctx, key, attr, value, &here);
        } else if let Some(nested) = block.block_types.get(key) {
            check_nested(ctx, key, nested, value, &here);
        } else {
            unknown(ctx, block, key, value, &here);
        }
    }
    missing(ctx, block, body, &dynamic, path);
}

fn check_attribute(ctx: &mut Ctx<'_>, key: &str, attr: &Attribute, value: &Value, path: &str) {
    if attr.is_computed_only() {
        let message = format!("`{key}` is computed by the provider and cannot be set");
        ctx.report(path, ViolationKind::ComputedArgument, message);
    } else if let Err(mismatch) = conform(&attr.ty, value) {
        let message = format!("`{key}`: {}", mismatch.message);
        ctx.report(
            &format!("{path}{}", mismatch.suffix),
            ViolationKind::WrongType,
            message,
        );
    }
    ctx.scan(value, path);
}

/// The blocks of a block type as JSON gives them: one object, or an array of objects.
fn check_nested(ctx: &mut Ctx<'_>, key: &str, ty: &BlockType, value: &Value, path: &str) {
    if ty.nesting_mode == NestingMode::Map {
        return check_map_nested(ctx, ty, value, path);
    }
    let items: Vec<&Value> = match value {
        Value::Object(_) => vec![value],
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => return not_a_block(ctx, key, other, path),
    };
    check_count(ctx, key, ty, items.len(), path);
    for (i, item) in items.into_iter().enumerate() {
        let here = format!("{path}[{i}]");
        match item {
            Value::Object(body) => check_body(ctx, &ty.block, body, &here, Meta::None),
            other => not_a_block(ctx, key, other, &here),
        }
    }
}

fn check_map_nested(ctx: &mut Ctx<'_>, ty: &BlockType, value: &Value, path: &str) {
    let Value::Object(map) = value else {
        return not_a_block(ctx, "map block", value, path);
    };
    for (label, body) in map {
        let here = format!("{path}.{label}");
        match body {
            Value::Object(body) => check_body(ctx, &ty.block, body, &here, Meta::None),
            other => not_a_block(ctx, label, other, &here),
        }
    }
}

fn check_count(ctx: &mut Ctx<'_>, key: &str, ty: &BlockType, count: usize, path: &str) {
    let count = count as u64;
    if let Some(max) = ty.max().filter(|max| count > *max) {
        let message = format!("at most {max} `{key}` block(s) allowed, found {count}");
        ctx.report(path, ViolationKind::TooManyBlocks, message);
    }
    if count < ty.min_items {
        let message = format!(
            "at least {} `{key}` block(s) required, found {count}",
            ty.min_items
        );
        ctx.report(path, ViolationKind::MissingBlock, message);
    }
}

fn not_a_block(ctx: &mut Ctx<'_>, key: &str, value: &Value, path: &str) {
    let message = format!(
        "`{key}` is a block: expected an object or an array of objects, found {}",
        kind_of(value)
    );
    ctx.report(path, ViolationKind::NotABlock, message);
}

/// `"dynamic": {"<block type>": {"for_each": …, "content": {…}}}`: the generated blocks'
/// number is unknown, so only the content is checked. Returns the block types generated.
fn check_dynamic(ctx: &mut Ctx<'_>, block: &Block, value: &Value, path: &str) -> Vec<String> {
    let mut generated = Vec::new();
    for (name, spec) in super::declared::labelled(value) {
        let here = format!("{path}.{name}");
        let Some(ty) = block.block_types.get(name) else {
            unknown(ctx, block, name, spec, &here);
            continue;
        };
        generated.push(name.to_owned());
        if let Some(spec) = spec.as_object() {
            meta::check_dynamic_spec(ctx, &ty.block, name, spec, &here);
        }
    }
    generated
}

fn unknown(ctx: &mut Ctx<'_>, block: &Block, key: &str, value: &Value, path: &str) {
    let hint = did_you_mean(key, block.names());
    let looks_like_block = match value {
        Value::Object(_) => true,
        Value::Array(items) => !items.is_empty() && items.iter().all(Value::is_object),
        _ => false,
    };
    let (kind, what) = if looks_like_block {
        (ViolationKind::UnknownBlock, "block type")
    } else {
        (ViolationKind::UnknownArgument, "argument")
    };
    ctx.report(path, kind, format!("unsupported {what} `{key}`{hint}"));
}

fn missing(
    ctx: &mut Ctx<'_>,
    block: &Block,
    body: &Map<String, Value>,
    dynamic: &BTreeSet<String>,
    path: &str,
) {
    for (name, attr) in &block.attributes {
        if attr.required && body.get(name).is_none_or(Value::is_null) {
            let message = format!("required argument `{name}` is missing");
            ctx.report(path, ViolationKind::MissingArgument, message);
        }
    }
    for (name, ty) in &block.block_types {
        let present = body.get(name).is_some_and(|v| !v.is_null()) || dynamic.contains(name);
        if ty.min_items > 0 && !present {
            let message = format!("required block `{name}` is missing");
            ctx.report(path, ViolationKind::MissingBlock, message);
        }
    }
}

pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
