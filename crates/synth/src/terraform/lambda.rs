//! `AWS::Lambda::Function` → `aws_lambda_function`, `AWS::Lambda::Permission` →
//! `aws_lambda_permission`.
//!
//! A built bundle is deployed from the zip the CloudFormation side uploads,
//! `<out>/assets/<sha256>.zip`: `filename` points at it from the stack's directory
//! (`<out>/<stack>/`) and `source_code_hash` is its SHA-256 in base64, so a code change is an
//! update. A placeholder asset (no bundle built) stays an S3 object in the asset bucket
//! variable, as on the CloudFormation side, so deploying it fails loudly. The provider requires
//! a function name; CloudFormation's generated one is replaced by one derived from the path.

use base64::Engine as _;
use serde_json::Value as Json;

use super::names;
use super::res::{Block, Res};
use crate::asset::{AssetRef, AssetSource};
use crate::error::Result;

pub(super) fn function(res: &mut Res<'_>, assets: &[AssetRef]) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_lambda_function", res.name.clone());
    match res.take("FunctionName") {
        Some(name) => block.set("function_name", res.value(&name)?),
        None => block.set(
            "function_name",
            names::physical(&res.x.stack, &res.name, 64),
        ),
    }
    res.copy_all(
        &mut block,
        &[
            ("description", "Description"),
            ("role", "Role"),
            ("handler", "Handler"),
            ("runtime", "Runtime"),
            ("architectures", "Architectures"),
            ("memory_size", "MemorySize"),
            ("timeout", "Timeout"),
            ("kms_key_arn", "KmsKeyArn"),
            (
                "reserved_concurrent_executions",
                "ReservedConcurrentExecutions",
            ),
        ],
    )?;
    if let Some(code) = res.take("Code") {
        code_of(res, &mut block, &code, assets)?;
    }
    if let Some(environment) = res.take("Environment") {
        block.set(
            "environment",
            res.nested("Environment", &environment, &[("variables", "Variables")])?,
        );
    }
    if let Some(logging) = res.take("LoggingConfig") {
        block.set(
            "logging_config",
            res.nested(
                "LoggingConfig",
                &logging,
                &[
                    ("log_format", "LogFormat"),
                    ("log_group", "LogGroup"),
                    ("application_log_level", "ApplicationLogLevel"),
                    ("system_log_level", "SystemLogLevel"),
                ],
            )?,
        );
    }
    if let Some(tracing) = res.take("TracingConfig") {
        block.set(
            "tracing_config",
            res.nested("TracingConfig", &tracing, &[("mode", "Mode")])?,
        );
    }
    if let Some(dlq) = res.take("DeadLetterConfig") {
        block.set(
            "dead_letter_config",
            res.nested("DeadLetterConfig", &dlq, &[("target_arn", "TargetArn")])?,
        );
    }
    let mut blocks = vec![block];
    recursion(res, &mut blocks)?;
    res.tag(&mut blocks[0]);
    Ok(blocks)
}

/// `Terminate` is Lambda's default; anything else needs the provider's own resource.
fn recursion(res: &mut Res<'_>, blocks: &mut Vec<Block>) -> Result<()> {
    let Some(setting) = res.take("RecursiveLoop") else {
        return Ok(());
    };
    if setting.as_str() == Some("Terminate") {
        return Ok(());
    }
    let mut block = Block::new("aws_lambda_function_recursion_config", res.name.clone());
    block.set("function_name", blocks[0].attr("function_name"));
    block.set("recursive_loop", res.value(&setting)?);
    blocks.push(block);
    Ok(())
}

fn code_of(res: &Res<'_>, block: &mut Block, code: &Json, assets: &[AssetRef]) -> Result<()> {
    let key = code.get("S3Key").and_then(Json::as_str);
    let asset = assets.iter().find(|a| Some(a.key.as_str()) == key);
    match asset.map(|a| &a.source) {
        Some(AssetSource::File { sha256, .. }) => {
            let bytes =
                hex_bytes(sha256).ok_or_else(|| res.error("the asset's sha256 is not hex"))?;
            let hash = base64::engine::general_purpose::STANDARD.encode(bytes);
            block.set(
                "filename",
                format!(
                    "${{path.module}}/../{}",
                    asset.map_or("", |a| a.key.as_str())
                ),
            );
            block.set("source_code_hash", hash);
        }
        _ => {
            let fields = res.nested(
                "Code",
                code,
                &[
                    ("s3_bucket", "S3Bucket"),
                    ("s3_key", "S3Key"),
                    ("s3_object_version", "S3ObjectVersion"),
                ],
            )?;
            if let Json::Object(fields) = fields {
                block.body.extend(fields);
            }
        }
    }
    Ok(())
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

pub(super) fn permission(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_lambda_permission", res.name.clone());
    res.copy_all(
        &mut block,
        &[
            ("action", "Action"),
            ("function_name", "FunctionName"),
            ("principal", "Principal"),
            ("source_account", "SourceAccount"),
            ("source_arn", "SourceArn"),
            ("function_url_auth_type", "FunctionUrlAuthType"),
        ],
    )?;
    Ok(vec![block])
}

/// `AWS::Lambda::Version` has no resource of its own: the provider publishes a version on
/// every change of a function with `publish = true` (set by the caller on the function the
/// version names), and `${aws_lambda_function.x.version}` is the version just published.
pub(super) fn version(res: &mut Res<'_>) -> Result<Vec<Block>> {
    res.take("FunctionName");
    res.take("Description");
    Ok(Vec::new())
}

pub(super) fn alias(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_lambda_alias", res.name.clone());
    res.copy_all(
        &mut block,
        &[
            ("name", "Name"),
            ("description", "Description"),
            ("function_name", "FunctionName"),
            ("function_version", "FunctionVersion"),
        ],
    )?;
    Ok(vec![block])
}
