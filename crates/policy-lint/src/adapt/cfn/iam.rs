//! Roles, identity policies and resource policies.
//!
//! Every policy document, wherever it is written (inline in a role, an
//! `AWS::IAM::Policy`, a bucket or key policy, a Lambda permission), becomes
//! a [`Policy`] in the model, so the IAM rules evaluate one shape.

use super::{ResourceCx, policy_doc};
use crate::adapt::values::LookupValues;
use crate::model::{Kind, Model, Policy, PolicyKind, Problem, Role};
use crate::sym::Sym;
use crate::tree::{Key, Loc, Map, Node, Value};

pub(super) fn role(cx: &ResourceCx<'_>, props: &Node, model: &mut Model) -> Kind {
    let r = &cx.reader;
    let trust = props.get("AssumeRolePolicyDocument").map(|doc| {
        push(
            model,
            cx,
            PolicyKind::Trust,
            vec![Sym::reference(cx.id, None)],
            None,
            doc,
            "Properties.AssumeRolePolicyDocument",
        )
    });
    inline_policies(cx, props, model);
    let managed_policies = props
        .get("ManagedPolicyArns")
        .and_then(Node::as_array)
        .map(|arns| {
            arns.iter()
                .enumerate()
                .map(|(i, arn)| r.sym_of(arn, format!("Properties.ManagedPolicyArns[{i}]")))
                .collect()
        })
        .unwrap_or_default();
    Kind::Role(Box::new(Role {
        managed_policies,
        trusted_services: trusted_services(trust.as_ref()),
    }))
}

/// The inline `Policies` of a role, user or group: identity policies
/// attached to the resource that holds them.
pub(super) fn inline_policies(cx: &ResourceCx<'_>, props: &Node, model: &mut Model) {
    let Some(inline) = props.get("Policies").and_then(Node::as_array) else {
        return;
    };
    let me = Sym::reference(cx.id, None);
    for (i, policy) in inline.iter().enumerate() {
        let name = policy
            .get("PolicyName")
            .map(|n| cx.reader.resolver().sym(n).to_string());
        if let Some(doc) = policy.get("PolicyDocument") {
            let path = format!("Properties.Policies[{i}].PolicyDocument");
            let attached = vec![me.clone()];
            push(model, cx, PolicyKind::Identity, attached, name, doc, &path);
        }
    }
}

fn trusted_services(doc: Option<&Node>) -> Vec<String> {
    let mut out = Vec::new();
    let statements = doc.and_then(|d| d.get("Statement"));
    let statements = match statements.map(|s| &s.value) {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(Value::Object(_)) => statements.into_iter().collect(),
        _ => Vec::new(),
    };
    // Only an `Allow` admits a service; a `Deny` naming one keeps it out.
    let allows = statements
        .into_iter()
        .filter(|s| s.get("Effect").and_then(Node::as_str) == Some("Allow"));
    for statement in allows {
        let Some(service) = statement.pointer(&["Principal", "Service"]) else {
            continue;
        };
        match &service.value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => {
                out.extend(items.iter().filter_map(Node::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    out
}

pub(super) fn managed_policy(cx: &ResourceCx<'_>, props: &Node, model: &mut Model) -> Kind {
    identity_policy(cx, props, model);
    Kind::ManagedPolicy
}

/// `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy`: a document attached to
/// roles, users and groups.
fn identity_policy(cx: &ResourceCx<'_>, props: &Node, model: &mut Model) {
    let mut attached = Vec::new();
    for key in ["Roles", "Users", "Groups"] {
        if let Some(items) = props.get(key).and_then(Node::as_array) {
            attached.extend(items.iter().map(|n| cx.reader.resolver().sym(n)));
        }
    }
    let name = props
        .get("PolicyName")
        .or_else(|| props.get("ManagedPolicyName"))
        .map(|n| cx.reader.resolver().sym(n).to_string());
    if let Some(doc) = props.get("PolicyDocument") {
        push(
            model,
            cx,
            PolicyKind::Identity,
            attached,
            name,
            doc,
            "Properties.PolicyDocument",
        );
    }
}

/// Resource policies and policy-like resources of types without a model
/// view of their own.
pub(super) fn resource_policies(cx: &ResourceCx<'_>, props: &Node, model: &mut Model) {
    let attached = |key: &str| -> Vec<Sym> {
        match props.get(key).map(|n| (&n.value, n)) {
            Some((Value::Array(items), _)) => {
                items.iter().map(|n| cx.reader.resolver().sym(n)).collect()
            }
            Some((_, node)) => vec![cx.reader.resolver().sym(node)],
            None => Vec::new(),
        }
    };
    let (targets, doc_key) = match cx.ty {
        "AWS::IAM::Policy" => return identity_policy(cx, props, model),
        "AWS::S3::BucketPolicy" => (attached("Bucket"), "PolicyDocument"),
        "AWS::SNS::TopicPolicy" => (attached("Topics"), "PolicyDocument"),
        "AWS::SQS::QueuePolicy" => (attached("Queues"), "PolicyDocument"),
        "AWS::SecretsManager::ResourcePolicy" => (attached("SecretId"), "ResourcePolicy"),
        "AWS::Lambda::Permission" => return lambda_permission(cx, props, model),
        _ => return,
    };
    if let Some(doc) = props.get(doc_key) {
        let path = format!("Properties.{doc_key}");
        push(model, cx, PolicyKind::Resource, targets, None, doc, &path);
    }
}

/// A resource policy written inside the resource it protects (a key policy,
/// a table's resource policy).
pub(super) fn inline_resource_policy(
    cx: &ResourceCx<'_>,
    props: &Node,
    keys: &[&str],
    model: &mut Model,
) {
    if let Some(doc) = props.pointer(keys) {
        let path = format!("Properties.{}", keys.join("."));
        let me = vec![Sym::reference(cx.id, None)];
        push(model, cx, PolicyKind::Resource, me, None, doc, &path);
    }
}

/// A Lambda permission is a one-statement resource policy on the function;
/// it is rewritten into that statement so the same evaluator judges it.
fn lambda_permission(cx: &ResourceCx<'_>, props: &Node, model: &mut Model) {
    let loc = cx.loc;
    let principal = props
        .get("Principal")
        .cloned()
        .unwrap_or_else(|| Node::string("*", loc));
    let principal_key = match principal.as_str() {
        Some(p) if p.ends_with(".amazonaws.com") => "Service",
        _ => "AWS",
    };
    let mut statement = Map::new();
    let key = |name: &str| Key {
        name: name.to_owned(),
        loc,
    };
    statement.insert(key("Effect"), Node::string("Allow", loc));
    statement.insert(key("Principal"), object([(principal_key, principal)], loc));
    if let Some(action) = props.get("Action") {
        statement.insert(key("Action"), action.clone());
    }
    if let Some(function) = props.get("FunctionName") {
        statement.insert(key("Resource"), function.clone());
    }
    let mut conditions = Vec::new();
    if let Some(arn) = props.get("SourceArn") {
        conditions.push(("ArnLike", object([("aws:SourceArn", arn.clone())], arn.loc)));
    }
    if let Some(account) = props.get("SourceAccount") {
        conditions.push((
            "StringEquals",
            object([("aws:SourceAccount", account.clone())], account.loc),
        ));
    }
    if let Some(org) = props.get("PrincipalOrgID") {
        conditions.push((
            "StringEquals",
            object([("aws:PrincipalOrgID", org.clone())], org.loc),
        ));
    }
    if !conditions.is_empty() {
        statement.insert(key("Condition"), object(conditions, loc));
    }
    let doc = object(
        [
            ("Version", Node::string("2012-10-17", loc)),
            (
                "Statement",
                Node::new(
                    Value::Array(vec![Node::new(Value::Object(statement), loc)]),
                    loc,
                ),
            ),
        ],
        loc,
    );
    let targets = props
        .get("FunctionName")
        .map(|n| cx.reader.resolver().sym(n))
        .into_iter()
        .collect();
    push(
        model,
        cx,
        PolicyKind::Resource,
        targets,
        None,
        &doc,
        "Properties",
    );
}

fn object<'a>(entries: impl IntoIterator<Item = (&'a str, Node)>, loc: Loc) -> Node {
    let mut map = Map::new();
    for (name, node) in entries {
        map.insert(
            Key {
                name: name.to_owned(),
                loc,
            },
            node,
        );
    }
    Node::new(Value::Object(map), loc)
}

/// Adds the policy `written` holds (JSON text read as its document) to the
/// model and returns that document.
fn push(
    model: &mut Model,
    cx: &ResourceCx<'_>,
    kind: PolicyKind,
    attached_to: Vec<Sym>,
    name: Option<String>,
    written: &Node,
    path: &str,
) -> Node {
    let problems = &mut model.problems;
    let document = policy_doc::in_place(cx, written, &mut |message| {
        problems.push(Problem {
            resource: cx.id.to_owned(),
            message: format!("`{path}`: {message}"),
            loc: written.loc,
        });
    });
    let parsed = crate::iam::Policy::parse(&document, &LookupValues(cx.reader.resolver()));
    model.policies.push(Policy {
        owner: cx.id.to_owned(),
        owner_type: cx.ty.to_owned(),
        kind,
        attached_to,
        name,
        document: document.clone(),
        parsed,
        path: path.to_owned(),
        assumptions: cx.assumptions.clone(),
    });
    document
}
