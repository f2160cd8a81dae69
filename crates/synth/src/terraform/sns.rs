//! `AWS::SNS::Topic` → `aws_sns_topic`, `AWS::SNS::Subscription` → `aws_sns_topic_subscription`;
//! `AWS::SNS::TopicPolicy` → one `aws_sns_topic_policy`
//! per topic it names (the provider's resource takes one topic).

use serde_json::Value as Json;

use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn topic(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_sns_topic", res.name.clone());
    res.copy_all(
        &mut block,
        &[
            ("name", "TopicName"),
            ("display_name", "DisplayName"),
            ("kms_master_key_id", "KmsMasterKeyId"),
            ("fifo_topic", "FifoTopic"),
        ],
    )?;
    res.tag(&mut block);
    Ok(vec![block])
}

pub(super) fn policy(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let document = res.take("PolicyDocument").unwrap_or(Json::Null);
    let policy = res.x.policy(&res.path, &document)?;
    let topics = res.take("Topics").unwrap_or(Json::Null);
    let topics = topics.as_array().cloned().unwrap_or_default();
    let mut blocks = Vec::new();
    for (i, topic) in topics.iter().enumerate() {
        let name = if topics.len() == 1 {
            res.name.clone()
        } else {
            format!("{}_{i}", res.name)
        };
        let mut block = Block::new("aws_sns_topic_policy", name);
        block.set("arn", res.value(topic)?);
        block.set("policy", policy.clone());
        blocks.push(block);
    }
    if blocks.is_empty() {
        return Err(res.error("the topic policy names no topic"));
    }
    Ok(blocks)
}

pub(super) fn subscription(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_sns_topic_subscription", res.name.clone());
    res.copy_all(
        &mut block,
        &[
            ("topic_arn", "TopicArn"),
            ("protocol", "Protocol"),
            ("endpoint", "Endpoint"),
            ("raw_message_delivery", "RawMessageDelivery"),
            ("filter_policy_scope", "FilterPolicyScope"),
        ],
    )?;
    res.policy(&mut block, "filter_policy", "FilterPolicy")?;
    Ok(vec![block])
}
