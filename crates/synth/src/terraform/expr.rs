//! CloudFormation values → Terraform expressions.
//!
//! Literals pass through, strings escaped so Terraform never reads a literal `${` or `%{` as
//! template syntax. Intrinsics become interpolations: `Ref` and `Fn::GetAtt` name the resource's
//! attribute that means the same thing ([`super::attrs`]), `Fn::Sub` and `Fn::Join` of strings
//! become one template string, pseudo parameters read the `aws_region`, `aws_caller_identity`
//! and `aws_partition` data sources, template parameters read `var.*`. Anything else (`Fn::If`,
//! `Fn::Select`, `Fn::ImportValue`, …) has no faithful translation here and is an error naming
//! the resource, never a silently different value.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value as Json};

use crate::error::{Result, SynthError};

/// The Terraform resource a CloudFormation logical id became.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The CloudFormation type, which decides what `Ref` and each attribute mean.
    pub(crate) cfn_type: String,
    /// `aws_s3_bucket.site_bucket`.
    pub(crate) address: String,
}

/// What value translation needs: where each logical id went, which parameters and data
/// sources the output uses.
#[derive(Debug)]
pub(crate) struct Exprs {
    pub(crate) stack: String,
    pub(crate) targets: HashMap<String, Target>,
    pub(crate) parameters: HashMap<String, String>,
    pub(crate) data: RefCell<BTreeSet<&'static str>>,
    pub(crate) variables: RefCell<BTreeSet<String>>,
    /// Ephemeral `aws_secretsmanager_random_password` blocks by name: generated secret values
    /// that never enter the state.
    pub(crate) ephemeral: RefCell<BTreeMap<String, Json>>,
}

impl Exprs {
    /// Translates any value: objects and lists member by member, intrinsics to templates.
    pub(crate) fn value(&self, path: &str, value: &Json) -> Result<Json> {
        if intrinsic_of(value).is_some() {
            return self.string(path, value).map(Json::String);
        }
        match value {
            Json::String(text) => Ok(Json::String(escape(text))),
            Json::Array(items) => items
                .iter()
                .map(|item| self.value(path, item))
                .collect::<Result<Vec<_>>>()
                .map(Json::Array),
            Json::Object(map) => {
                let mut out = Map::new();
                for (key, item) in map {
                    out.insert(key.clone(), self.value(path, item)?);
                }
                Ok(Json::Object(out))
            }
            other => Ok(other.clone()),
        }
    }

    /// A value that must be a string: an escaped literal or a template.
    pub(crate) fn string(&self, path: &str, value: &Json) -> Result<String> {
        let Some((name, arg)) = intrinsic_of(value) else {
            return match value {
                Json::String(text) => Ok(escape(text)),
                Json::Number(n) => Ok(n.to_string()),
                Json::Bool(b) => Ok(b.to_string()),
                _ => Err(unsupported(
                    path,
                    "a list or object where a string is expected",
                )),
            };
        };
        match (name, arg) {
            ("Ref", Json::String(id)) => Ok(interpolate(&self.reference(path, id)?)),
            ("Fn::GetAtt", Json::Array(parts)) => match parts.as_slice() {
                [Json::String(id), Json::String(attr)] => self.get_att(path, id, attr),
                _ => Err(unsupported(path, "a malformed Fn::GetAtt")),
            },
            ("Fn::Sub", Json::String(text)) => self.sub(path, text, &Map::new()),
            ("Fn::Sub", Json::Array(parts)) => match parts.as_slice() {
                [Json::String(text), Json::Object(vars)] => self.sub(path, text, vars),
                _ => Err(unsupported(path, "a malformed Fn::Sub")),
            },
            ("Fn::Join", Json::Array(parts)) => self.join(path, parts),
            (other, _) => Err(unsupported(
                path,
                &format!("`{other}` has no Terraform translation here"),
            )),
        }
    }

    /// A policy document as the JSON string the aws provider takes, with interpolations.
    pub(crate) fn policy(&self, path: &str, document: &Json) -> Result<String> {
        let translated = self.value(path, document)?;
        serde_json::to_string(&translated).map_err(|err| SynthError::Serialize {
            path: path.to_owned(),
            reason: err.to_string(),
        })
    }

    /// The expression (without `${}`) a `Ref` to `id` means.
    fn reference(&self, path: &str, id: &str) -> Result<String> {
        if let Some(pseudo) = id.strip_prefix("AWS::") {
            return self.pseudo(path, pseudo);
        }
        if let Some(variable) = self.parameters.get(id) {
            self.variables.borrow_mut().insert(id.to_owned());
            return Ok(format!("var.{variable}"));
        }
        let target = self.target(path, id)?;
        let attr = super::attrs::reference(&target.cfn_type);
        Ok(format!("{}.{attr}", target.address))
    }

    fn get_att(&self, path: &str, id: &str, attr: &str) -> Result<String> {
        let target = self.target(path, id)?;
        match super::attrs::attribute(&target.cfn_type, attr) {
            Some((name, suffix)) => Ok(format!("${{{}.{name}}}{suffix}", target.address)),
            None => Err(unsupported(
                path,
                &format!("attribute `{attr}` of {} has no mapping", target.cfn_type),
            )),
        }
    }

    fn target(&self, path: &str, id: &str) -> Result<&Target> {
        self.targets
            .get(id)
            .ok_or_else(|| unsupported(path, &format!("`{id}` is not a resource of the stack")))
    }

    fn pseudo(&self, path: &str, name: &str) -> Result<String> {
        let (data, expr) = match name {
            "Region" => ("aws_region", "data.aws_region.current.region"),
            "AccountId" => (
                "aws_caller_identity",
                "data.aws_caller_identity.current.account_id",
            ),
            "Partition" => ("aws_partition", "data.aws_partition.current.partition"),
            "URLSuffix" => ("aws_partition", "data.aws_partition.current.dns_suffix"),
            // The stack name is known at synth time; quoting keeps it an expression.
            "StackName" => return Ok(format!("{:?}", self.stack)),
            other => {
                return Err(unsupported(
                    path,
                    &format!("pseudo parameter `AWS::{other}` has no Terraform equivalent"),
                ));
            }
        };
        self.data.borrow_mut().insert(data);
        Ok(expr.to_owned())
    }

    fn sub(&self, path: &str, text: &str, vars: &Map<String, Json>) -> Result<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&escape(&rest[..start]));
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(unsupported(path, "an unterminated `${` in Fn::Sub"));
            };
            out.push_str(&self.sub_variable(path, &after[..end], vars)?);
            rest = &after[end + 1..];
        }
        out.push_str(&escape(rest));
        Ok(out)
    }

    fn sub_variable(&self, path: &str, name: &str, vars: &Map<String, Json>) -> Result<String> {
        if let Some(literal) = name.strip_prefix('!') {
            return Ok(escape(&format!("${{{literal}}}")));
        }
        if let Some(value) = vars.get(name) {
            return self.string(path, value);
        }
        match name.split_once('.') {
            Some((id, attr)) if !name.starts_with("AWS::") => self.get_att(path, id, attr),
            _ => Ok(interpolate(&self.reference(path, name)?)),
        }
    }

    fn join(&self, path: &str, parts: &[Json]) -> Result<String> {
        let [Json::String(separator), Json::Array(items)] = parts else {
            return Err(unsupported(
                path,
                "Fn::Join over a list that is not written out",
            ));
        };
        let items = items
            .iter()
            .map(|item| self.string(path, item))
            .collect::<Result<Vec<_>>>()?;
        Ok(items.join(&escape(separator)))
    }
}

/// The intrinsic a value is, as (function name, argument).
pub(crate) fn intrinsic_of(value: &Json) -> Option<(&str, &Json)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (key, arg) = map.iter().next()?;
    (key == "Ref" || key.starts_with("Fn::")).then_some((key.as_str(), arg))
}

fn interpolate(expr: &str) -> String {
    format!("${{{expr}}}")
}

/// A literal string as a Terraform template that evaluates to it.
pub(crate) fn escape(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

pub(crate) fn unsupported(path: &str, reason: &str) -> SynthError {
    SynthError::Terraform {
        path: path.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn exprs() -> Exprs {
        let target = |ty: &str, address: &str| Target {
            cfn_type: ty.to_owned(),
            address: address.to_owned(),
        };
        Exprs {
            stack: "demo".to_owned(),
            targets: HashMap::from([
                (
                    "Bucket".to_owned(),
                    target("AWS::S3::Bucket", "aws_s3_bucket.site"),
                ),
                (
                    "Logs".to_owned(),
                    target("AWS::Logs::LogGroup", "aws_cloudwatch_log_group.l"),
                ),
            ]),
            parameters: HashMap::from([("CursorKey".to_owned(), "cursor_key".to_owned())]),
            data: RefCell::default(),
            variables: RefCell::default(),
            ephemeral: RefCell::default(),
        }
    }

    #[test]
    fn intrinsics_become_interpolations() {
        let x = exprs();
        let value = json!({
            "a": {"Ref": "Bucket"},
            "b": {"Fn::GetAtt": ["Logs", "Arn"]},
            "c": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Bucket.Arn}"},
            "d": {"Fn::Join": ["-", ["x", {"Ref": "CursorKey"}]]},
            "e": "keep ${this} and %{that}",
            "f": [1, true],
        });
        assert_eq!(
            x.value("p", &value).unwrap(),
            json!({
                "a": "${aws_s3_bucket.site.id}",
                "b": "${aws_cloudwatch_log_group.l.arn}:*",
                "c": "arn:${data.aws_partition.current.partition}:s3:::${aws_s3_bucket.site.id}/$${Literal}/${aws_s3_bucket.site.arn}",
                "d": "x-${var.cursor_key}",
                "e": "keep $${this} and %%{that}",
                "f": [1, true],
            })
        );
        assert_eq!(
            x.data.borrow().iter().copied().collect::<Vec<_>>(),
            ["aws_partition"]
        );
        assert!(x.variables.borrow().contains("CursorKey"));
    }

    #[test]
    fn untranslatable_intrinsics_are_errors_naming_the_resource() {
        let x = exprs();
        for bad in [
            json!({"Fn::If": ["C", "a", "b"]}),
            json!({"Ref": "Missing"}),
            json!({"Fn::GetAtt": ["Bucket", "Nope"]}),
            json!({"Ref": "AWS::StackId"}),
        ] {
            let err = x.value("demo/Thing", &bad).unwrap_err().to_string();
            assert!(
                err.starts_with("`demo/Thing` cannot be written as Terraform"),
                "{err}"
            );
        }
    }
}
