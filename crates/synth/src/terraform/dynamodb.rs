//! `AWS::DynamoDB::Table` → `aws_dynamodb_table`.
//!
//! The provider requires a table name where CloudFormation generates one; it is derived from
//! the stack and the construct path ([`super::names::physical`]). Key schema elements become
//! `hash_key` and `range_key`; the specifications become the provider's blocks.

use serde_json::{Value as Json, json};

use super::names;
use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn table(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_dynamodb_table", res.name.clone());
    match res.take("TableName") {
        Some(name) => block.set("name", res.value(&name)?),
        None => block.set("name", names::physical(&res.x.stack, &res.name, 255)),
    }
    res.copy_all(
        &mut block,
        &[
            ("billing_mode", "BillingMode"),
            ("deletion_protection_enabled", "DeletionProtectionEnabled"),
            ("table_class", "TableClass"),
        ],
    )?;
    if let Some(keys) = res.take("KeySchema") {
        for key in keys.as_array().into_iter().flatten() {
            let attr = res.value(key.get("AttributeName").unwrap_or(&Json::Null))?;
            match key.get("KeyType").and_then(Json::as_str) {
                Some("HASH") => block.set("hash_key", attr),
                Some("RANGE") => block.set("range_key", attr),
                _ => return Err(res.error("a `KeySchema` entry is neither HASH nor RANGE")),
            }
        }
    }
    if let Some(attributes) = res.take("AttributeDefinitions") {
        block.set(
            "attribute",
            res.nested_list(
                "AttributeDefinitions",
                &attributes,
                &[("name", "AttributeName"), ("type", "AttributeType")],
            )?,
        );
    }
    if let Some(throughput) = res.take("ProvisionedThroughput") {
        for (tf, cfn) in [
            ("read_capacity", "ReadCapacityUnits"),
            ("write_capacity", "WriteCapacityUnits"),
        ] {
            if let Some(value) = throughput.get(cfn) {
                block.set(tf, res.value(value)?);
            }
        }
    }
    if let Some(pitr) = res.take("PointInTimeRecoverySpecification") {
        block.set(
            "point_in_time_recovery",
            res.nested(
                "PointInTimeRecoverySpecification",
                &pitr,
                &[
                    ("enabled", "PointInTimeRecoveryEnabled"),
                    ("recovery_period_in_days", "RecoveryPeriodInDays"),
                ],
            )?,
        );
    }
    if let Some(sse) = res.take("SSESpecification") {
        block.set("server_side_encryption", sse_of(res, &sse)?);
    }
    if let Some(ttl) = res.take("TimeToLiveSpecification") {
        block.set(
            "ttl",
            res.nested(
                "TimeToLiveSpecification",
                &ttl,
                &[("attribute_name", "AttributeName"), ("enabled", "Enabled")],
            )?,
        );
    }
    if let Some(stream) = res.take("StreamSpecification") {
        block.set("stream_enabled", true);
        let view = stream.get("StreamViewType").unwrap_or(&Json::Null);
        block.set("stream_view_type", res.value(view)?);
    }
    res.tag(&mut block);
    Ok(vec![block])
}

/// `SSEType: KMS` without a key is the AWS-managed key, which is the provider's `enabled = true`.
fn sse_of(res: &Res<'_>, sse: &Json) -> Result<Json> {
    let mut out = json!({ "enabled": res.value(sse.get("SSEEnabled").unwrap_or(&json!(false)))? });
    if let Some(key) = sse.get("KMSMasterKeyId") {
        out["kms_key_arn"] = res.value(key)?;
    }
    let known = ["SSEEnabled", "SSEType", "KMSMasterKeyId"];
    let fields = sse.as_object().into_iter().flatten().map(|(k, _)| k);
    if let Some(key) = fields.into_iter().find(|k| !known.contains(&k.as_str())) {
        return Err(res.error(&format!(
            "`SSESpecification.{key}` has no Terraform translation"
        )));
    }
    Ok(out)
}
