//! Terraform value types (cty types, in the JSON encoding of `terraform providers schema`)
//! and whether a JSON value converts to one under Terraform's conversion rules.
//!
//! The rules are Terraform's (go-cty's `convert` package), not stricter: a number or bool
//! converts to a string, a bool to a number, a string to a number or bool when its text is
//! one, and any template with an interpolation is only known at plan time, so it passes
//! wherever a string could (and a lone `${…}` passes anywhere: it yields the expression's own
//! value, of any type).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::error::SchemaError;
use super::template::{is_single_interpolation, is_templated};

/// A Terraform type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Value")]
pub(crate) enum CtyType {
    String,
    Number,
    Bool,
    Dynamic,
    List(Box<CtyType>),
    Set(Box<CtyType>),
    Map(Box<CtyType>),
    Object(BTreeMap<String, CtyType>),
    Tuple(Vec<CtyType>),
}

impl TryFrom<Value> for CtyType {
    type Error = SchemaError;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        let unknown = || SchemaError::UnknownType {
            found: value.to_string(),
        };
        match &value {
            Value::String(s) => primitive(s).ok_or_else(unknown),
            Value::Array(items) => match items.as_slice() {
                [Value::String(kind), inner] => {
                    collection(kind, inner.clone())?.ok_or_else(unknown)
                }
                _ => Err(unknown()),
            },
            _ => Err(unknown()),
        }
    }
}

fn primitive(name: &str) -> Option<CtyType> {
    Some(match name {
        "string" => CtyType::String,
        "number" => CtyType::Number,
        "bool" => CtyType::Bool,
        "dynamic" => CtyType::Dynamic,
        _ => return None,
    })
}

fn collection(kind: &str, inner: Value) -> Result<Option<CtyType>, SchemaError> {
    let boxed = |v: Value| CtyType::try_from(v).map(Box::new);
    Ok(Some(match kind {
        "list" => CtyType::List(boxed(inner)?),
        "set" => CtyType::Set(boxed(inner)?),
        "map" => CtyType::Map(boxed(inner)?),
        "object" => CtyType::Object(serde_json::from_value(inner)?),
        "tuple" => CtyType::Tuple(serde_json::from_value(inner)?),
        _ => return Ok(None),
    }))
}

impl CtyType {
    /// The type as Terraform writes it: `list(string)`.
    pub(crate) fn describe(&self) -> String {
        match self {
            CtyType::String => "string".into(),
            CtyType::Number => "number".into(),
            CtyType::Bool => "bool".into(),
            CtyType::Dynamic => "any".into(),
            CtyType::List(e) => format!("list({})", e.describe()),
            CtyType::Set(e) => format!("set({})", e.describe()),
            CtyType::Map(e) => format!("map({})", e.describe()),
            CtyType::Object(_) => "object".into(),
            CtyType::Tuple(_) => "tuple".into(),
        }
    }
}

/// A value that does not convert: the path below the argument (`[2]`, `.key`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    pub(crate) suffix: String,
    pub(crate) message: String,
}

/// Checks that `value` converts to `ty`; null converts to every type (it means "unset").
pub(crate) fn conform(ty: &CtyType, value: &Value) -> Result<(), Mismatch> {
    match value {
        Value::Null => Ok(()),
        Value::String(s) if is_single_interpolation(s) => Ok(()),
        _ => conform_known(ty, value),
    }
}

fn conform_known(ty: &CtyType, value: &Value) -> Result<(), Mismatch> {
    match (ty, value) {
        (CtyType::Dynamic, _) => Ok(()),
        (CtyType::String, Value::String(_) | Value::Number(_) | Value::Bool(_)) => Ok(()),
        // cty converts a bool to 1 or 0, but a number never to a bool.
        (CtyType::Number, Value::Number(_) | Value::Bool(_)) => Ok(()),
        (CtyType::Bool, Value::Bool(_)) => Ok(()),
        (CtyType::Number, Value::String(s)) if is_templated(s) || is_number(s) => Ok(()),
        (CtyType::Bool, Value::String(s)) if is_templated(s) || is_bool(s) => Ok(()),
        (CtyType::List(e) | CtyType::Set(e), Value::Array(items)) => conform_items(e, items),
        (CtyType::Tuple(types), Value::Array(items)) if types.len() == items.len() => {
            conform_tuple(types, items)
        }
        (CtyType::Map(e), Value::Object(map)) => conform_entries(map, |_| Some(e)),
        (CtyType::Object(attrs), Value::Object(map)) => conform_entries(map, |k| attrs.get(k)),
        _ => Err(Mismatch {
            suffix: String::new(),
            message: format!("{} does not convert to {}", shape(value), ty.describe()),
        }),
    }
}

fn conform_items(element: &CtyType, items: &[Value]) -> Result<(), Mismatch> {
    for (i, item) in items.iter().enumerate() {
        conform(element, item).map_err(|m| m.under(&format!("[{i}]")))?;
    }
    Ok(())
}

fn conform_tuple(types: &[CtyType], items: &[Value]) -> Result<(), Mismatch> {
    for (i, (ty, item)) in types.iter().zip(items).enumerate() {
        conform(ty, item).map_err(|m| m.under(&format!("[{i}]")))?;
    }
    Ok(())
}

/// Object conversion ignores attributes the type lacks, as Terraform's does.
fn conform_entries<'t>(
    map: &serde_json::Map<String, Value>,
    type_of: impl Fn(&str) -> Option<&'t CtyType>,
) -> Result<(), Mismatch> {
    for (key, item) in map {
        if let Some(ty) = type_of(key) {
            conform(ty, item).map_err(|m| m.under(&format!("[{key:?}]")))?;
        }
    }
    Ok(())
}

impl Mismatch {
    fn under(self, step: &str) -> Mismatch {
        Mismatch {
            suffix: format!("{step}{}", self.suffix),
            message: self.message,
        }
    }
}

fn shape(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("bool `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Terraform parses a string as a number with Go's big-float syntax; this accepts the
/// decimal forms (sign, digits, fraction, exponent) that covers.
fn is_number(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !(whole.is_empty() && fraction.is_empty())
        && digits(whole)
        && digits(fraction)
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

/// cty converts exactly these strings to bool.
fn is_bool(text: &str) -> bool {
    matches!(text, "true" | "false" | "1" | "0")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ty(v: Value) -> CtyType {
        CtyType::try_from(v).unwrap()
    }

    #[test]
    fn terraform_conversions_pass() {
        assert!(conform(&CtyType::String, &json!(3)).is_ok());
        assert!(conform(&CtyType::String, &json!(true)).is_ok());
        assert!(conform(&CtyType::Number, &json!("1.5e3")).is_ok());
        assert!(conform(&CtyType::Bool, &json!("false")).is_ok());
        assert!(conform(&CtyType::Bool, &json!("0")).is_ok());
        assert!(conform(&CtyType::Number, &json!(true)).is_ok());
        assert!(conform(&CtyType::Bool, &json!("${var.on}")).is_ok());
        assert!(conform(&ty(json!(["list", "number"])), &json!(["${var.n}", 2])).is_ok());
        assert!(conform(&ty(json!(["map", "string"])), &json!({"a": 1})).is_ok());
        assert!(conform(&ty(json!(["list", "string"])), &json!("${var.list}")).is_ok());
    }

    #[test]
    fn non_conversions_fail_with_the_inner_path() {
        assert!(conform(&CtyType::String, &json!({"a": 1})).is_err());
        assert!(conform(&CtyType::Number, &json!("ten")).is_err());
        assert!(conform(&CtyType::Bool, &json!("yes")).is_err());
        assert!(conform(&CtyType::Bool, &json!(1)).is_err());
        let err = conform(&ty(json!(["list", "number"])), &json!([1, "x"])).unwrap_err();
        assert_eq!(err.suffix, "[1]");
        // A template with text around the interpolation is a string, never a list.
        assert!(conform(&ty(json!(["list", "string"])), &json!("a-${var.x}")).is_err());
    }

    #[test]
    fn number_syntax() {
        for ok in ["0", "-1", "1.5", ".5", "5.", "1e9", "2E-3"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", "-", ".", "1e", "0x10", "1,0", " 1"] {
            assert!(!is_number(bad), "{bad}");
        }
    }
}
