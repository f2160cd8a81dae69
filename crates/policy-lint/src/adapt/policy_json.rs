//! What a policy property holds, shared by the CloudFormation and Terraform
//! adapters: a document, a document that cannot be known, or something that
//! cannot be a policy at all.
//!
//! Both formats accept a policy written as JSON text. Such a document is
//! read as if it had been written in place, every value located at the
//! string that held it.

use crate::tree::{Loc, Node, Value};

/// What a policy property holds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Doc {
    Known(Node),
    Unknown(String),
    /// The property cannot be a policy (not JSON), with the reason.
    Invalid(String),
}

impl Doc {
    /// The document as the IAM policy parser takes it: an unknown document
    /// becomes an unknown value, which the parser records so that every
    /// rule reading the policy reports unknown. An invalid one is handed to
    /// `report` (an input problem) and is unknown as well.
    pub(crate) fn into_node(self, loc: Loc, report: impl FnOnce(&str)) -> Node {
        match self {
            Doc::Known(doc) => doc,
            Doc::Unknown(reason) => Node::new(Value::Unknown(reason), loc),
            Doc::Invalid(message) => {
                report(&message);
                Node::new(Value::Unknown(message), loc)
            }
        }
    }
}

/// Reads policy JSON text; every node it yields is located at `loc`. Text
/// that is not a JSON object cannot be a policy.
pub(crate) fn parse_text(text: &str, loc: Loc) -> Result<Node, String> {
    let json = serde_json::from_str::<serde_json::Value>(text)
        .map_err(|e| format!("the policy is not valid JSON: {e}"))?;
    if !json.is_object() {
        return Err("the policy JSON is not an object".to_owned());
    }
    Ok(Node::from_json(&json, loc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_read_at_the_string() {
        let loc = Loc { line: 3, column: 7 };
        let doc = parse_text(r#"{"Statement": [{"Effect": "Allow"}]}"#, loc).unwrap();
        let effect = doc
            .pointer(&["Statement"])
            .and_then(Node::as_array)
            .unwrap()[0]
            .get("Effect")
            .unwrap();
        assert_eq!(effect.as_str(), Some("Allow"));
        assert_eq!(effect.loc, loc);
    }

    #[test]
    fn broken_text_says_why() {
        let err = parse_text(r#"{"Statement": ["#, Loc::default()).unwrap_err();
        assert!(err.starts_with("the policy is not valid JSON: "), "{err}");
        let err = parse_text(r#"["Statement"]"#, Loc::default()).unwrap_err();
        assert_eq!(err, "the policy JSON is not an object");
    }

    #[test]
    fn invalid_is_reported_and_unknown() {
        let mut reported = None;
        let node = Doc::Invalid("bad".to_owned())
            .into_node(Loc::default(), |m| reported = Some(m.to_owned()));
        assert_eq!(reported.as_deref(), Some("bad"));
        assert_eq!(node.value, Value::Unknown("bad".to_owned()));
    }
}
