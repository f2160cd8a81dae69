//! `AWS::Cognito::UserPool` → `aws_cognito_user_pool`, `AWS::Cognito::UserPoolClient` →
//! `aws_cognito_user_pool_client`.
//!
//! The provider requires the pool's name (derived from the path when CloudFormation generates
//! it). `EnabledMfas: [SOFTWARE_TOKEN_MFA]` is the provider's `software_token_mfa_configuration`
//! block; SMS MFA needs an SMS configuration this translator does not write, so it is an error.

use serde_json::json;

use super::names;
use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn user_pool(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_cognito_user_pool", res.name.clone());
    match res.take("UserPoolName") {
        Some(name) => block.set("name", res.value(&name)?),
        None => block.set("name", names::physical(&res.x.stack, &res.name, 128)),
    }
    res.copy_all(
        &mut block,
        &[
            ("auto_verified_attributes", "AutoVerifiedAttributes"),
            ("deletion_protection", "DeletionProtection"),
            ("mfa_configuration", "MfaConfiguration"),
            ("username_attributes", "UsernameAttributes"),
            ("alias_attributes", "AliasAttributes"),
        ],
    )?;
    if let Some(mfas) = res.take("EnabledMfas") {
        for mfa in mfas.as_array().into_iter().flatten() {
            match mfa.as_str() {
                Some("SOFTWARE_TOKEN_MFA") => {
                    block.set("software_token_mfa_configuration", json!({"enabled": true}));
                }
                _ => {
                    return Err(
                        res.error(&format!("MFA method {mfa} has no Terraform translation"))
                    );
                }
            }
        }
    }
    nested_blocks(res, &mut block)?;
    res.tag(&mut block);
    Ok(vec![block])
}

fn nested_blocks(res: &mut Res<'_>, block: &mut Block) -> Result<()> {
    if let Some(recovery) = res.take("AccountRecoverySetting") {
        let mechanisms = recovery
            .get("RecoveryMechanisms")
            .cloned()
            .unwrap_or(json!([]));
        let list = res.nested_list(
            "AccountRecoverySetting.RecoveryMechanisms",
            &mechanisms,
            &[("name", "Name"), ("priority", "Priority")],
        )?;
        block.set(
            "account_recovery_setting",
            json!({ "recovery_mechanism": list }),
        );
    }
    if let Some(admin) = res.take("AdminCreateUserConfig") {
        block.set(
            "admin_create_user_config",
            res.nested(
                "AdminCreateUserConfig",
                &admin,
                &[("allow_admin_create_user_only", "AllowAdminCreateUserOnly")],
            )?,
        );
    }
    if let Some(policies) = res.take("Policies") {
        let password = policies.get("PasswordPolicy").cloned().unwrap_or(json!({}));
        block.set(
            "password_policy",
            res.nested(
                "Policies.PasswordPolicy",
                &password,
                &[
                    ("minimum_length", "MinimumLength"),
                    ("require_lowercase", "RequireLowercase"),
                    ("require_numbers", "RequireNumbers"),
                    ("require_symbols", "RequireSymbols"),
                    ("require_uppercase", "RequireUppercase"),
                    (
                        "temporary_password_validity_days",
                        "TemporaryPasswordValidityDays",
                    ),
                    ("password_history_size", "PasswordHistorySize"),
                ],
            )?,
        );
    }
    if let Some(schema) = res.take("Schema") {
        block.set(
            "schema",
            res.nested_list(
                "Schema",
                &schema,
                &[
                    ("attribute_data_type", "AttributeDataType"),
                    ("developer_only_attribute", "DeveloperOnlyAttribute"),
                    ("mutable", "Mutable"),
                    ("name", "Name"),
                    ("required", "Required"),
                ],
            )?,
        );
    }
    if let Some(update) = res.take("UserAttributeUpdateSettings") {
        block.set(
            "user_attribute_update_settings",
            res.nested(
                "UserAttributeUpdateSettings",
                &update,
                &[(
                    "attributes_require_verification_before_update",
                    "AttributesRequireVerificationBeforeUpdate",
                )],
            )?,
        );
    }
    if let Some(username) = res.take("UsernameConfiguration") {
        block.set(
            "username_configuration",
            res.nested(
                "UsernameConfiguration",
                &username,
                &[("case_sensitive", "CaseSensitive")],
            )?,
        );
    }
    if let Some(template) = res.take("VerificationMessageTemplate") {
        block.set(
            "verification_message_template",
            res.nested(
                "VerificationMessageTemplate",
                &template,
                &[
                    ("default_email_option", "DefaultEmailOption"),
                    ("email_message", "EmailMessage"),
                    ("email_subject", "EmailSubject"),
                ],
            )?,
        );
    }
    if let Some(add_ons) = res.take("UserPoolAddOns") {
        block.set(
            "user_pool_add_ons",
            res.nested(
                "UserPoolAddOns",
                &add_ons,
                &[("advanced_security_mode", "AdvancedSecurityMode")],
            )?,
        );
    }
    Ok(())
}

pub(super) fn client(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_cognito_user_pool_client", res.name.clone());
    match res.take("ClientName") {
        Some(name) => block.set("name", res.value(&name)?),
        None => block.set("name", names::physical(&res.x.stack, &res.name, 128)),
    }
    res.copy_all(
        &mut block,
        &[
            ("user_pool_id", "UserPoolId"),
            ("access_token_validity", "AccessTokenValidity"),
            ("id_token_validity", "IdTokenValidity"),
            ("refresh_token_validity", "RefreshTokenValidity"),
            ("auth_session_validity", "AuthSessionValidity"),
            ("enable_token_revocation", "EnableTokenRevocation"),
            ("explicit_auth_flows", "ExplicitAuthFlows"),
            ("generate_secret", "GenerateSecret"),
            (
                "prevent_user_existence_errors",
                "PreventUserExistenceErrors",
            ),
            ("supported_identity_providers", "SupportedIdentityProviders"),
            ("callback_urls", "CallbackURLs"),
            ("logout_urls", "LogoutURLs"),
            ("allowed_oauth_flows", "AllowedOAuthFlows"),
            ("allowed_oauth_scopes", "AllowedOAuthScopes"),
            (
                "allowed_oauth_flows_user_pool_client",
                "AllowedOAuthFlowsUserPoolClient",
            ),
        ],
    )?;
    if let Some(units) = res.take("TokenValidityUnits") {
        block.set(
            "token_validity_units",
            res.nested(
                "TokenValidityUnits",
                &units,
                &[
                    ("access_token", "AccessToken"),
                    ("id_token", "IdToken"),
                    ("refresh_token", "RefreshToken"),
                ],
            )?,
        );
    }
    Ok(vec![block])
}
