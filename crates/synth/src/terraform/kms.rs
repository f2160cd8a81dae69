//! `AWS::KMS::Key` → `aws_kms_key`, `AWS::KMS::Alias` → `aws_kms_alias`.

use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn key(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_kms_key", res.name.clone());
    res.copy_all(
        &mut block,
        &[
            ("description", "Description"),
            ("enable_key_rotation", "EnableKeyRotation"),
            ("is_enabled", "Enabled"),
            ("customer_master_key_spec", "KeySpec"),
            ("key_usage", "KeyUsage"),
            ("deletion_window_in_days", "PendingWindowInDays"),
            ("rotation_period_in_days", "RotationPeriodInDays"),
            ("multi_region", "MultiRegion"),
        ],
    )?;
    res.policy(&mut block, "policy", "KeyPolicy")?;
    res.tag(&mut block);
    Ok(vec![block])
}

pub(super) fn alias(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_kms_alias", res.name.clone());
    res.copy_all(
        &mut block,
        &[("name", "AliasName"), ("target_key_id", "TargetKeyId")],
    )?;
    Ok(vec![block])
}
