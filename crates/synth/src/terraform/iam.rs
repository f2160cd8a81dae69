//! `AWS::IAM::Role` → `aws_iam_role`, one `aws_iam_role_policy` per inline policy (the
//! provider deprecates the `inline_policy` block) and one `aws_iam_role_policy_attachment` per
//! managed policy ARN.

use serde_json::Value as Json;

use super::names;
use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn role(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut role = Block::new("aws_iam_role", res.name.clone());
    res.copy_all(
        &mut role,
        &[
            ("name", "RoleName"),
            ("description", "Description"),
            ("path", "Path"),
            ("max_session_duration", "MaxSessionDuration"),
            ("permissions_boundary", "PermissionsBoundary"),
        ],
    )?;
    res.policy(&mut role, "assume_role_policy", "AssumeRolePolicyDocument")?;
    res.tag(&mut role);
    let role_id = role.attr("id");
    let mut blocks = vec![role];
    let policies = res.take("Policies").unwrap_or(Json::Null);
    for policy in policies.as_array().into_iter().flatten() {
        let Some(name) = policy.get("PolicyName").and_then(Json::as_str) else {
            return Err(res.error("an inline policy has no literal `PolicyName`"));
        };
        let document = policy.get("PolicyDocument").unwrap_or(&Json::Null);
        let mut block = Block::new(
            "aws_iam_role_policy",
            format!("{}_{}", res.name, names::snake(name)),
        );
        block.set("name", name);
        block.set("role", role_id.clone());
        block.set("policy", res.x.policy(&res.path, document)?);
        blocks.push(block);
    }
    let managed = res.take("ManagedPolicyArns").unwrap_or(Json::Null);
    for (i, arn) in managed.as_array().into_iter().flatten().enumerate() {
        let mut block = Block::new(
            "aws_iam_role_policy_attachment",
            format!("{}_managed_{i}", res.name),
        );
        block.set("role", role_id.clone());
        block.set("policy_arn", res.value(arn)?);
        blocks.push(block);
    }
    Ok(blocks)
}
