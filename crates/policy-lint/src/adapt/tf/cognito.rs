//! Cognito user pools and clients, with Cognito's documented defaults.

use super::Cx;
use super::source::{TfResource, blocks, first_block};
use crate::adapt::read::Reader;
use crate::model::{Kind, Observed, UserPool, UserPoolClient};

const POOL_DEFAULT: &str = "Cognito's default password policy";
const PARTIAL_POLICY: &str = "a flag left out of an explicit password policy is off";

pub(super) fn user_pool(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Kind {
    let reader = cx.reader(r);
    let policy = first_block(&r.body, "password_policy", &r.address);
    let flag = |name: &str| match &policy {
        Some((block, path)) => reader
            .bool(block, &[name], path)
            .or_default(false, PARTIAL_POLICY),
        None => Observed::absent(format!("{}.password_policy.{name}", r.address), r.loc)
            .or_default(true, POOL_DEFAULT),
    };
    let min_length = match &policy {
        Some((block, path)) => reader.int(block, &["minimum_length"], path),
        None => Observed::absent(
            format!("{}.password_policy.minimum_length", r.address),
            r.loc,
        ),
    };
    Kind::UserPool(Box::new(UserPool {
        auto_verified: reader.strings(&r.body, &["auto_verified_attributes"], &r.address),
        password_min_length: min_length.or_default(8, POOL_DEFAULT),
        require_numbers: flag("require_numbers"),
        require_uppercase: flag("require_uppercase"),
        require_lowercase: flag("require_lowercase"),
        require_symbols: flag("require_symbols"),
        mfa: reader
            .string(&r.body, &["mfa_configuration"], &r.address)
            .or_default("OFF".to_owned(), "Cognito leaves MFA off by default"),
        enabled_mfas: enabled_mfas(&reader, r),
    }))
}

/// The MFA methods a pool offers, from the blocks that configure them.
fn enabled_mfas(reader: &Reader<'_>, r: &TfResource<'_>) -> Observed<Vec<String>> {
    let mut out = Vec::new();
    let mut loc = None;
    let software = blocks(&r.body, "software_token_mfa_configuration");
    for block in software {
        let enabled = reader.bool(block, &["enabled"], &r.address);
        if enabled.value() == Some(&true) {
            out.push("SOFTWARE_TOKEN_MFA".to_owned());
            loc.get_or_insert(block.loc);
        }
    }
    for (key, method) in [
        ("sms_configuration", "SMS_MFA"),
        ("email_mfa_configuration", "EMAIL_OTP"),
    ] {
        if let Some(block) = blocks(&r.body, key).first() {
            out.push(method.to_owned());
            loc.get_or_insert(block.loc);
        }
    }
    let path = format!("{}.software_token_mfa_configuration", r.address);
    match loc {
        Some(loc) => Observed::set(out, path, loc),
        None => Observed::absent(path, r.loc),
    }
}

pub(super) fn user_pool_client(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Kind {
    let reader = cx.reader(r);
    let units = first_block(&r.body, "token_validity_units", &r.address);
    let minutes = |arg: &str, unit_key: &str, default_unit: &str, default: i64| {
        let unit = units
            .as_ref()
            .and_then(|(block, _)| block.get(unit_key))
            .and_then(|u| cx.text(u))
            .unwrap_or_else(|| default_unit.to_owned());
        let value = reader.int(&r.body, &[arg], &r.address);
        scale(value, &unit).or_default(default, "Cognito's default token lifetime")
    };
    Kind::UserPoolClient(Box::new(UserPoolClient {
        access_token_minutes: minutes("access_token_validity", "access_token", "hours", 60),
        id_token_minutes: minutes("id_token_validity", "id_token", "hours", 60),
        refresh_token_minutes: minutes(
            "refresh_token_validity",
            "refresh_token",
            "days",
            30 * 24 * 60,
        ),
        generate_secret: reader
            .bool(&r.body, &["generate_secret"], &r.address)
            .or_default(false, "Cognito creates clients without a secret by default"),
        token_revocation: reader
            .bool(&r.body, &["enable_token_revocation"], &r.address)
            .or_default(true, "Cognito turns token revocation on by default"),
    }))
}

/// A lifetime in `unit`s, in minutes.
fn scale(value: Observed<i64>, unit: &str) -> Observed<i64> {
    match unit {
        "seconds" => value.map(|v| v / 60),
        "hours" => value.map(|v| v * 60),
        "days" => value.map(|v| v * 24 * 60),
        _ => value,
    }
}
