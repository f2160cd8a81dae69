//! Roles, identity policies, resource policies and Lambda permissions.
//!
//! Every document becomes a [`Policy`] in the model, as in the
//! CloudFormation adapter: a role's `assume_role_policy` and
//! `inline_policy` blocks; `aws_iam_role_policy`; `aws_iam_policy`,
//! attached through `aws_iam_role_policy_attachment` and
//! `aws_iam_policy_attachment`; the resource policies written inline
//! (`aws_s3_bucket.policy`, `aws_kms_key.policy`, …) or as their own
//! resources (`aws_s3_bucket_policy`, `aws_sqs_queue_policy`, …); and
//! `aws_lambda_permission`, rewritten into the one statement it grants.
//! An attachment of a policy that is not in the document (an AWS-managed
//! ARN) counts among the role's managed policies.

use std::collections::HashMap;

use super::Cx;
use super::policy_doc::{self, object};
use super::source::{TfResource, blocks_at};
use crate::adapt::Lookup;
use crate::model::{Kind, Model, Observed, Policy, PolicyKind, Problem, Role};
use crate::sym::Sym;
use crate::tree::{Key, Loc, Map, Node, Value};

const ROLE: &str = "aws_iam_role";
const POLICY: &str = "aws_iam_policy";

/// Policy attachments, gathered once.
#[derive(Debug, Default)]
pub(crate) struct Links {
    /// Where each `aws_iam_policy` (by position) is attached.
    attached: HashMap<usize, Vec<Sym>>,
    /// Policies attached to each role (by position) by an ARN that names
    /// no policy in the document.
    managed: HashMap<usize, Vec<Observed<Sym>>>,
}

impl Links {
    pub(crate) fn new(cx: &Cx<'_, '_>) -> Self {
        let mut links = Self::default();
        for (_, r) in cx.of_type("aws_iam_role_policy_attachment") {
            if let Some(role) = r.body.get("role") {
                links.attach(cx, r, role);
            }
        }
        for (_, r) in cx.of_type("aws_iam_policy_attachment") {
            for role in list(cx, r.body.get("roles")) {
                links.attach(cx, r, &role);
            }
            let policy = cx.link(r.body.get("policy_arn"), POLICY);
            for principal in list(cx, r.body.get("users"))
                .iter()
                .chain(&list(cx, r.body.get("groups")))
            {
                if let Some(p) = policy {
                    links
                        .attached
                        .entry(p)
                        .or_default()
                        .push(cx.lookup.sym(principal));
                }
            }
        }
        links
    }

    fn attach(&mut self, cx: &Cx<'_, '_>, attachment: &TfResource<'_>, role: &Node) {
        match cx.link(attachment.body.get("policy_arn"), POLICY) {
            Some(policy) => self
                .attached
                .entry(policy)
                .or_default()
                .push(cx.target(role, ROLE)),
            None => {
                if let Some(role) = cx.link(Some(role), ROLE) {
                    let arn = cx.reader(attachment).sym(
                        &attachment.body,
                        &["policy_arn"],
                        &attachment.address,
                    );
                    self.managed.entry(role).or_default().push(arn);
                }
            }
        }
    }
}

/// The items of a list argument.
fn list(cx: &Cx<'_, '_>, node: Option<&Node>) -> Vec<Node> {
    match node.map(|n| cx.lookup.expand(n)) {
        Some(Node {
            value: Value::Array(items),
            ..
        }) => items,
        Some(other) => vec![other],
        None => Vec::new(),
    }
}

pub(super) fn role(cx: &Cx<'_, '_>, i: usize, model: &mut Model) -> Kind {
    let r = &cx.source.resources[i];
    let me = || vec![Sym::reference(r.address.clone(), None)];
    let mut trusted_services = Vec::new();
    if let Some(node) = r.body.get("assume_role_policy") {
        let doc = push(
            cx,
            model,
            r,
            Use::on(PolicyKind::Trust, me(), None),
            node,
            "assume_role_policy",
        );
        trusted_services = services(cx, &doc);
    }
    for (block, path) in blocks_at(&r.body, "inline_policy", "") {
        let name = block.get("name").map(|n| cx.lookup.sym(n).to_string());
        if let Some(node) = block.get("policy") {
            let path = format!("{}.policy", path.trim_start_matches('.'));
            push(
                cx,
                model,
                r,
                Use::on(PolicyKind::Identity, me(), name),
                node,
                &path,
            );
        }
    }
    let mut managed_policies = managed_arns(cx, r);
    managed_policies.extend(cx.iam.managed.get(&i).cloned().unwrap_or_default());
    Kind::Role(Box::new(Role {
        managed_policies,
        trusted_services,
    }))
}

fn managed_arns(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Vec<Observed<Sym>> {
    let Some(node) = r.body.get("managed_policy_arns") else {
        return Vec::new();
    };
    let path = format!("{}.managed_policy_arns", r.address);
    let reader = cx.reader(r);
    match cx.lookup.expand(node).value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(n, item)| reader.sym_of(item, format!("{path}[{n}]")))
            .collect(),
        Value::Unknown(reason) => vec![Observed::unknown(reason, path, node.loc)],
        _ => vec![reader.sym_of(node, path)],
    }
}

/// The service principals a trust policy admits.
fn services(cx: &Cx<'_, '_>, doc: &Node) -> Vec<String> {
    let statements = match doc.get("Statement").map(|s| &s.value) {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(_) => doc.get("Statement").into_iter().collect(),
        None => Vec::<&Node>::new(),
    };
    let mut out = Vec::new();
    for statement in statements {
        let denies = statement.get("Effect").and_then(|e| cx.text(e)).as_deref() == Some("Deny");
        let Some(service) = statement
            .pointer(&["Principal", "Service"])
            .filter(|_| !denies)
        else {
            continue;
        };
        match &cx.lookup.expand(service).value {
            Value::Array(items) => out.extend(items.iter().filter_map(|s| cx.text(s))),
            _ => out.extend(cx.text(service)),
        }
    }
    out
}

pub(super) fn managed_policy(cx: &Cx<'_, '_>, i: usize, model: &mut Model) -> Kind {
    let r = &cx.source.resources[i];
    let attached = cx.iam.attached.get(&i).cloned().unwrap_or_default();
    let name = r.body.get("name").map(|n| cx.lookup.sym(n).to_string());
    if let Some(node) = r.body.get("policy") {
        push(
            cx,
            model,
            r,
            Use::on(PolicyKind::Identity, attached, name),
            node,
            "policy",
        );
    }
    Kind::ManagedPolicy
}

/// The document written inline in the resource it protects.
pub(super) fn inline_resource_policy(
    cx: &Cx<'_, '_>,
    r: &TfResource<'_>,
    arg: &str,
    model: &mut Model,
) {
    if let Some(node) = r.body.get(arg) {
        let me = vec![Sym::reference(r.address.clone(), None)];
        push(
            cx,
            model,
            r,
            Use::on(PolicyKind::Resource, me, None),
            node,
            arg,
        );
    }
}

/// Policy resources, and types with no model view that hold a policy.
pub(super) fn resource_policies(cx: &Cx<'_, '_>, r: &TfResource<'_>, model: &mut Model) {
    let (kind, target, ty) = match r.ty {
        "aws_iam_role_policy" => (PolicyKind::Identity, "role", ROLE),
        "aws_iam_user_policy" => (PolicyKind::Identity, "user", "aws_iam_user"),
        "aws_iam_group_policy" => (PolicyKind::Identity, "group", "aws_iam_group"),
        "aws_s3_bucket_policy" => (PolicyKind::Resource, "bucket", "aws_s3_bucket"),
        "aws_sns_topic_policy" => (PolicyKind::Resource, "arn", "aws_sns_topic"),
        "aws_sqs_queue_policy" => (PolicyKind::Resource, "queue_url", "aws_sqs_queue"),
        "aws_kms_key_policy" => (PolicyKind::Resource, "key_id", "aws_kms_key"),
        "aws_dynamodb_resource_policy" => {
            (PolicyKind::Resource, "resource_arn", "aws_dynamodb_table")
        }
        "aws_secretsmanager_secret_policy" => (
            PolicyKind::Resource,
            "secret_arn",
            "aws_secretsmanager_secret",
        ),
        "aws_lambda_permission" => return lambda_permission(cx, r, model),
        _ => return,
    };
    let attached = r
        .body
        .get(target)
        .map(|n| cx.target(n, ty))
        .into_iter()
        .collect();
    let name = r.body.get("name").map(|n| cx.lookup.sym(n).to_string());
    if let Some(node) = r.body.get("policy") {
        push(cx, model, r, Use::on(kind, attached, name), node, "policy");
    }
}

/// The conditions a Lambda permission's arguments stand for.
const PERMISSION_CONDITIONS: &[(&str, &str, &str)] = &[
    ("source_arn", "ArnLike", "aws:SourceArn"),
    ("source_account", "StringEquals", "aws:SourceAccount"),
    ("principal_org_id", "StringEquals", "aws:PrincipalOrgID"),
    (
        "function_url_auth_type",
        "StringEquals",
        "lambda:FunctionUrlAuthType",
    ),
];

/// A Lambda permission is a one-statement resource policy on the function.
fn lambda_permission(cx: &Cx<'_, '_>, r: &TfResource<'_>, model: &mut Model) {
    let loc = r.loc;
    let statements = Node::new(Value::Array(vec![permission_statement(cx, r)]), loc);
    let version = Node::string("2012-10-17", loc);
    let attached = r
        .body
        .get("function_name")
        .map(|n| cx.target(n, "aws_lambda_function"));
    let document = object([("Version", version), ("Statement", statements)], loc);
    model.policies.push(Policy {
        owner: r.address.clone(),
        owner_type: r.ty.to_owned(),
        kind: PolicyKind::Resource,
        attached_to: attached.into_iter().collect(),
        name: None,
        parsed: parse(cx, &document),
        document,
        path: r.address.clone(),
        assumptions: Vec::new(),
    });
}

fn permission_statement(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Node {
    let (loc, body) = (r.loc, &r.body);
    let principal = body
        .get("principal")
        .cloned()
        .unwrap_or_else(|| Node::string("*", loc));
    let principal_key = match cx.text(&principal) {
        Some(p) if p.ends_with(".amazonaws.com") => "Service",
        _ => "AWS",
    };
    let mut statement = vec![
        ("Effect", Node::string("Allow", loc)),
        ("Principal", object([(principal_key, principal)], loc)),
    ];
    statement.extend(body.get("action").map(|a| ("Action", a.clone())));
    statement.extend(body.get("function_name").map(|f| ("Resource", f.clone())));
    let tests: Vec<_> = PERMISSION_CONDITIONS
        .iter()
        .filter_map(|(arg, test, key)| Some((*test, *key, body.get(arg)?.clone())))
        .collect();
    if !tests.is_empty() {
        statement.push(("Condition", conditions(tests, loc)));
    }
    object(statement, loc)
}

/// Condition keys under one operator (two `StringEquals` keys) share its
/// entry, as JSON keys must be unique.
fn conditions(tests: Vec<(&str, &str, Node)>, loc: Loc) -> Node {
    let mut map = Map::new();
    for (test, key, value) in tests {
        let at = value.loc;
        let mut inner = map
            .get(test)
            .and_then(Node::as_object)
            .cloned()
            .unwrap_or_default();
        inner.insert(
            Key {
                name: key.to_owned(),
                loc: at,
            },
            value,
        );
        map.insert(
            Key {
                name: test.to_owned(),
                loc: at,
            },
            Node::new(Value::Object(inner), at),
        );
    }
    Node::new(Value::Object(map), loc)
}

/// What a document is for: its kind, what it attaches to, its name.
struct Use {
    kind: PolicyKind,
    attached_to: Vec<Sym>,
    name: Option<String>,
}

impl Use {
    fn on(kind: PolicyKind, attached_to: Vec<Sym>, name: Option<String>) -> Self {
        Self {
            kind,
            attached_to,
            name,
        }
    }
}

/// Reads the document in `node` and records it; returns the document.
fn push(
    cx: &Cx<'_, '_>,
    model: &mut Model,
    r: &TfResource<'_>,
    used: Use,
    node: &Node,
    arg: &str,
) -> Node {
    let path = format!("{}.{arg}", r.address);
    let document = policy_doc::document(cx, node).into_node(node.loc, |message| {
        cx.problems.borrow_mut().push(Problem {
            resource: r.address.clone(),
            message: format!("`{path}`: {message}"),
            loc: node.loc,
        });
    });
    model.policies.push(Policy {
        owner: r.address.clone(),
        owner_type: r.ty.to_owned(),
        kind: used.kind,
        attached_to: used.attached_to,
        name: used.name,
        parsed: parse(cx, &document),
        document: document.clone(),
        path,
        assumptions: Vec::new(),
    });
    document
}

/// The document as the IAM evaluator reads it, strings resolved through the
/// Terraform lookup.
fn parse(cx: &Cx<'_, '_>, document: &Node) -> crate::iam::Policy {
    crate::iam::Policy::parse(document, &crate::adapt::values::LookupValues(cx.lookup))
}
