//! IAM policy documents, statements and principals, rendered as CloudFormation JSON.
//!
//! Constructs never write policy JSON by hand: they build [`PolicyStatement`]s whose resources
//! are typed references, so every ARN in a policy points at a resource of the stack (or is an
//! explicit, documented `*` for an action that has no resource type).

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::cfn::Value;

/// The policy language version every document declares.
pub const POLICY_VERSION: &str = "2012-10-17";

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Effect {
    /// Grants the actions.
    Allow,
    /// Refuses the actions, overriding any allow.
    Deny,
}

/// Who a resource policy or trust policy statement applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// An AWS service, e.g. `lambda.amazonaws.com`.
    Service(String),
    /// An AWS account or role ARN.
    Aws(Value<String>),
    /// Everyone. Constructs use it only in `Deny` statements (TLS enforcement).
    Anyone,
    /// A web-identity provider's ARN (an OIDC provider), for `sts:AssumeRoleWithWebIdentity`.
    Federated(Value<String>),
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Self::Service(service) => map.serialize_entry("Service", service)?,
            Self::Aws(arn) => map.serialize_entry("AWS", arn)?,
            Self::Anyone => map.serialize_entry("AWS", "*")?,
            Self::Federated(arn) => map.serialize_entry("Federated", arn)?,
        }
        map.end()
    }
}

/// A condition block: operator → key → value.
pub type Conditions = BTreeMap<String, BTreeMap<String, Value<String>>>;

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStatement {
    /// Optional statement id.
    pub sid: Option<String>,
    /// Allow or deny.
    pub effect: Effect,
    /// The principal, for resource and trust policies; `None` in identity policies.
    pub principal: Option<Principal>,
    /// Exact action names, e.g. `dynamodb:GetItem`.
    pub actions: Vec<String>,
    /// Resource ARNs; empty for trust policies.
    pub resources: Vec<Value<String>>,
    /// Conditions, rendered under `Condition`.
    pub conditions: Conditions,
}

impl PolicyStatement {
    /// An `Allow` statement for `actions` on `resources`.
    pub fn allow<A: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = Value<String>>,
    ) -> Self {
        Self::new(Effect::Allow, actions, resources)
    }

    /// A `Deny` statement for `actions` on `resources`.
    pub fn deny<A: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = Value<String>>,
    ) -> Self {
        Self::new(Effect::Deny, actions, resources)
    }

    fn new<A: Into<String>>(
        effect: Effect,
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = Value<String>>,
    ) -> Self {
        let mut actions: Vec<String> = actions.into_iter().map(Into::into).collect();
        actions.sort();
        actions.dedup();
        Self {
            sid: None,
            effect,
            principal: None,
            actions,
            resources: resources.into_iter().collect(),
            conditions: Conditions::new(),
        }
    }

    /// Sets the statement id.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Sets the principal.
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Adds a condition `operator: {key: value}`.
    pub fn condition(
        mut self,
        operator: impl Into<String>,
        key: impl Into<String>,
        value: impl Into<Value<String>>,
    ) -> Self {
        let block = self.conditions.entry(operator.into()).or_default();
        block.insert(key.into(), value.into());
        self
    }

    /// Whether `other` differs from `self` only in its actions, so the two can be merged.
    pub(crate) fn same_scope(&self, other: &Self) -> bool {
        self.sid == other.sid
            && self.effect == other.effect
            && self.principal == other.principal
            && self.resources == other.resources
            && self.conditions == other.conditions
    }

    /// Adds `other`'s actions (sorted, without duplicates).
    pub(crate) fn merge_actions(&mut self, other: &Self) {
        self.actions.extend(other.actions.iter().cloned());
        self.actions.sort();
        self.actions.dedup();
    }
}

impl Serialize for PolicyStatement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(sid) = &self.sid {
            map.serialize_entry("Sid", sid)?;
        }
        map.serialize_entry("Effect", &self.effect)?;
        if let Some(principal) = &self.principal {
            map.serialize_entry("Principal", principal)?;
        }
        map.serialize_entry("Action", &OneOrMany(&self.actions))?;
        if !self.resources.is_empty() {
            map.serialize_entry("Resource", &OneOrMany(&self.resources))?;
        }
        if !self.conditions.is_empty() {
            map.serialize_entry("Condition", &self.conditions)?;
        }
        map.end()
    }
}

/// A single item serializes bare (as people write policies), several as a list.
struct OneOrMany<'a, T>(&'a [T]);

impl<T: Serialize> Serialize for OneOrMany<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [one] => one.serialize(serializer),
            many => many.serialize(serializer),
        }
    }
}

/// A policy document: the language version and its statements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyDocument {
    /// The statements, in order.
    pub statements: Vec<PolicyStatement>,
}

impl PolicyDocument {
    /// A document holding `statements`.
    pub fn new(statements: impl IntoIterator<Item = PolicyStatement>) -> Self {
        Self {
            statements: statements.into_iter().collect(),
        }
    }

    /// Adds a statement, merging it into an existing one of the same scope.
    pub fn add(&mut self, statement: PolicyStatement) {
        match self
            .statements
            .iter_mut()
            .find(|s| s.same_scope(&statement))
        {
            Some(existing) => existing.merge_actions(&statement),
            None => self.statements.push(statement),
        }
    }

    /// The document as JSON (for the `Json`-typed properties of the resource layer).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"Version": POLICY_VERSION, "Statement": self.statements_json()})
    }

    fn statements_json(&self) -> serde_json::Value {
        // Serializing statements writes only strings, lists and maps, which cannot fail.
        serde_json::to_value(&self.statements).unwrap_or(serde_json::Value::Null)
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("Version", POLICY_VERSION)?;
        map.serialize_entry("Statement", &self.statements)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::cfn::Intrinsic;

    fn arn(id: &str) -> Value<String> {
        Intrinsic::get_att(id, "Arn").into()
    }

    #[test]
    fn single_action_and_resource_render_bare() {
        let doc = PolicyDocument::new([PolicyStatement::allow(["dynamodb:GetItem"], [arn("T")])]);
        assert_eq!(
            doc.to_json(),
            json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "dynamodb:GetItem",
                "Resource": {"Fn::GetAtt": ["T", "Arn"]}}]})
        );
    }

    #[test]
    fn statements_of_one_scope_merge_with_sorted_unique_actions() {
        let mut doc = PolicyDocument::default();
        doc.add(PolicyStatement::allow(
            ["dynamodb:Query", "dynamodb:GetItem"],
            [arn("T")],
        ));
        doc.add(PolicyStatement::allow(
            ["dynamodb:GetItem", "dynamodb:PutItem"],
            [arn("T")],
        ));
        doc.add(PolicyStatement::allow(["kms:Decrypt"], [arn("K")]));
        assert_eq!(doc.statements.len(), 2);
        assert_eq!(
            doc.statements[0].actions,
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
        );
    }

    #[test]
    fn principals_and_conditions_render_in_policy_syntax() {
        let statement = PolicyStatement::deny(["s3:*"], [arn("B")])
            .principal(Principal::Anyone)
            .condition("Bool", "aws:SecureTransport", "false");
        assert_eq!(
            serde_json::to_value(statement).unwrap(),
            json!({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
                   "Resource": {"Fn::GetAtt": ["B", "Arn"]},
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
        );
    }
}
