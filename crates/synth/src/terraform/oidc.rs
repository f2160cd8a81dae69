//! `AWS::IAM::OIDCProvider` → `aws_iam_openid_connect_provider`.

use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn provider(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_iam_openid_connect_provider", res.name.clone());
    res.copy_all(
        &mut block,
        &[
            ("url", "Url"),
            ("client_id_list", "ClientIdList"),
            ("thumbprint_list", "ThumbprintList"),
        ],
    )?;
    res.tag(&mut block);
    Ok(vec![block])
}
