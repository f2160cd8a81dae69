//! The parameter values of a change set.
//!
//! Values deploy knows (the asset bucket) are passed; on an update every other parameter the
//! stack already has keeps its previous value, so secrets are never read back or re-entered.
//! On create, a parameter with a default takes it, and a `NoEcho` parameter without one is a
//! secret that deploy generates once from the operating system's randomness (32 bytes,
//! base64) and never prints. Anything else must be given.

use aws_sdk_cloudformation::types::Parameter;
use base64::Engine as _;
use serde_json::Value;

use crate::error::Error;

/// The parameters for a change set of `template`.
///
/// `given` are explicit values; `previous` the keys the deployed stack has (empty on create).
///
/// # Errors
/// [`Error::ParameterMissing`] for a parameter with no value, default or previous value;
/// [`Error::Randomness`] when no random bytes are available for a generated secret.
pub fn for_template(
    template: &Value,
    given: &[(String, String)],
    previous: &[String],
) -> Result<Vec<Parameter>, Error> {
    let Some(declared) = template.get("Parameters").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    let mut parameters = Vec::new();
    for (name, declaration) in declared {
        let builder = Parameter::builder().parameter_key(name);
        if let Some((_, value)) = given.iter().find(|(key, _)| key == name) {
            parameters.push(builder.parameter_value(value).build());
        } else if previous.contains(name) {
            parameters.push(builder.use_previous_value(true).build());
        } else if declaration.get("Default").is_some() {
            continue;
        } else if declaration.get("NoEcho").and_then(Value::as_bool) == Some(true) {
            parameters.push(builder.parameter_value(generate_secret(name)?).build());
        } else {
            return Err(Error::ParameterMissing(name.clone()));
        }
    }
    Ok(parameters)
}

fn generate_secret(name: &str) -> Result<String, Error> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| Error::Randomness {
        name: name.to_owned(),
        reason: err.to_string(),
    })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template() -> Value {
        json!({"Parameters": {
            "AssetBucket": {"Type": "String"},
            "CursorKey": {"Type": "String", "NoEcho": true},
            "Size": {"Type": "Number", "Default": 3}
        }})
    }

    #[test]
    fn create_generates_the_secret_and_leaves_defaults() {
        let given = [("AssetBucket".to_owned(), "b".to_owned())];
        let params = for_template(&template(), &given, &[]).unwrap();
        let keys: Vec<_> = params.iter().map(|p| p.parameter_key().unwrap()).collect();
        assert_eq!(keys, ["AssetBucket", "CursorKey"]);
        let secret = params[1].parameter_value().unwrap();
        assert_eq!(secret.len(), 44);
        let again = for_template(&template(), &given, &[]).unwrap();
        assert_ne!(
            again[1].parameter_value(),
            Some(secret),
            "fresh randomness each time"
        );
    }

    #[test]
    fn update_keeps_previous_values() {
        let given = [("AssetBucket".to_owned(), "b".to_owned())];
        let previous = ["AssetBucket".to_owned(), "CursorKey".to_owned()];
        let params = for_template(&template(), &given, &previous).unwrap();
        assert_eq!(params[1].use_previous_value(), Some(true));
        assert_eq!(params[1].parameter_value(), None);
    }

    #[test]
    fn a_plain_parameter_without_value_is_an_error() {
        let err = for_template(&template(), &[], &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "parameter `AssetBucket` has no default and no value; deploy cannot create the stack"
        );
    }
}
