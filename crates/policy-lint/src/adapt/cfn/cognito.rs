//! Cognito user pools and clients, with Cognito's documented defaults.

use super::ResourceCx;
use crate::model::{Kind, UserPool, UserPoolClient};
use crate::tree::Node;

const POOL_DEFAULT: &str = "Cognito's default password policy";
const PARTIAL_POLICY: &str = "a flag left out of an explicit password policy is off";

pub(super) fn user_pool(cx: &ResourceCx<'_>, props: &Node) -> Kind {
    let r = &cx.reader;
    let p = "Properties";
    let explicit = props.pointer(&["Policies", "PasswordPolicy"]).is_some();
    let flag = |name: &str| {
        let value = r.bool(props, &["Policies", "PasswordPolicy", name], p);
        if explicit {
            value.or_default(false, PARTIAL_POLICY)
        } else {
            value.or_default(true, POOL_DEFAULT)
        }
    };
    Kind::UserPool(Box::new(UserPool {
        auto_verified: r.strings(props, &["AutoVerifiedAttributes"], p),
        password_min_length: r
            .int(props, &["Policies", "PasswordPolicy", "MinimumLength"], p)
            .or_default(8, POOL_DEFAULT),
        require_numbers: flag("RequireNumbers"),
        require_uppercase: flag("RequireUppercase"),
        require_lowercase: flag("RequireLowercase"),
        require_symbols: flag("RequireSymbols"),
        mfa: r
            .string(props, &["MfaConfiguration"], p)
            .or_default("OFF".to_owned(), "Cognito leaves MFA off by default"),
        enabled_mfas: r.strings(props, &["EnabledMfas"], p),
    }))
}

pub(super) fn user_pool_client(cx: &ResourceCx<'_>, props: &Node) -> Kind {
    let r = &cx.reader;
    let p = "Properties";
    let minutes = |prop: &str, unit_key: &str, default_unit: &str, default: i64| {
        let unit = r
            .string(props, &["TokenValidityUnits", unit_key], p)
            .value()
            .cloned()
            .unwrap_or_else(|| default_unit.to_owned());
        let factor = match unit.as_str() {
            "seconds" => None,
            "minutes" => Some(1),
            "hours" => Some(60),
            "days" => Some(24 * 60),
            _ => Some(1),
        };
        let value = r.int(props, &[prop], p);
        let value = match factor {
            Some(f) => value.map(|v| v * f),
            None => value.map(|v| v / 60),
        };
        value.or_default(default, "Cognito's default token lifetime")
    };
    Kind::UserPoolClient(Box::new(UserPoolClient {
        access_token_minutes: minutes("AccessTokenValidity", "AccessToken", "hours", 60),
        id_token_minutes: minutes("IdTokenValidity", "IdToken", "hours", 60),
        refresh_token_minutes: minutes(
            "RefreshTokenValidity",
            "RefreshToken",
            "days",
            30 * 24 * 60,
        ),
        generate_secret: r
            .bool(props, &["GenerateSecret"], p)
            .or_default(false, "Cognito creates clients without a secret by default"),
        token_revocation: r
            .bool(props, &["EnableTokenRevocation"], p)
            .or_default(true, "Cognito turns token revocation on by default"),
    }))
}
