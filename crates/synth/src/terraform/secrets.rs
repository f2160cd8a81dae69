//! `AWS::SecretsManager::Secret` → `aws_secretsmanager_secret`, plus, when CloudFormation would
//! generate the value, an `aws_secretsmanager_secret_version` whose write-only
//! `secret_string_wo` comes from the ephemeral `aws_secretsmanager_random_password`.
//!
//! Secrets Manager generates the value on both sides, and the write-only argument keeps it out
//! of the Terraform state and plan, as CloudFormation keeps it out of the template (Terraform
//! 1.11 or later). A `SecretStringTemplate` (a JSON secret with one generated key) has no
//! such form and is refused rather than written differently.

use serde_json::{Map, Value as Json};

use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn secret(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_secretsmanager_secret", res.name.clone());
    res.copy_all(
        &mut block,
        &[
            ("name", "Name"),
            ("description", "Description"),
            ("kms_key_id", "KmsKeyId"),
        ],
    )?;
    res.tag(&mut block);
    let mut blocks = vec![block];
    if let Some(generate) = res.take("GenerateSecretString") {
        let password = random_password(res, &generate)?;
        res.x
            .ephemeral
            .borrow_mut()
            .insert(res.name.clone(), Json::Object(password));
        let mut version = Block::new("aws_secretsmanager_secret_version", res.name.clone());
        version.set("secret_id", blocks[0].attr("id"));
        version.set(
            "secret_string_wo",
            format!(
                "${{ephemeral.aws_secretsmanager_random_password.{}.random_password}}",
                res.name
            ),
        );
        version.set("secret_string_wo_version", 1);
        blocks.push(version);
    }
    Ok(blocks)
}

fn random_password(res: &Res<'_>, generate: &Json) -> Result<Map<String, Json>> {
    if generate.get("SecretStringTemplate").is_some() || generate.get("GenerateStringKey").is_some()
    {
        return Err(res.error(
            "a generated key inside a JSON secret (`SecretStringTemplate`) has no Terraform form",
        ));
    }
    let fields = res.nested(
        "GenerateSecretString",
        generate,
        &[
            ("password_length", "PasswordLength"),
            ("exclude_characters", "ExcludeCharacters"),
            ("exclude_lowercase", "ExcludeLowercase"),
            ("exclude_numbers", "ExcludeNumbers"),
            ("exclude_punctuation", "ExcludePunctuation"),
            ("exclude_uppercase", "ExcludeUppercase"),
            ("include_space", "IncludeSpace"),
            ("require_each_included_type", "RequireEachIncludedType"),
        ],
    )?;
    Ok(match fields {
        Json::Object(fields) => fields,
        _ => Map::new(),
    })
}
