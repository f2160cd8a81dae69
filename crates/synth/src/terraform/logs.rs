//! `AWS::Logs::LogGroup` → `aws_cloudwatch_log_group`. Without `LogGroupName` both engines
//! generate the name.

use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn log_group(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_cloudwatch_log_group", res.name.clone());
    res.copy_all(
        &mut block,
        &[
            ("name", "LogGroupName"),
            ("retention_in_days", "RetentionInDays"),
            ("kms_key_id", "KmsKeyId"),
            ("log_group_class", "LogGroupClass"),
        ],
    )?;
    res.tag(&mut block);
    Ok(vec![block])
}
