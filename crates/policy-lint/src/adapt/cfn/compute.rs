//! Functions, log groups, keys, topics and queues.

use std::collections::BTreeMap;

use super::ResourceCx;
use crate::model::{Alarm, Function, Kind, KmsKey, LogGroup, Model, Observed, Topic};
use crate::tree::Node;

pub(super) fn function(cx: &ResourceCx<'_>, props: &Node) -> Kind {
    let r = &cx.reader;
    let p = "Properties";
    let mut environment = BTreeMap::new();
    if let Some(vars) = props
        .pointer(&["Environment", "Variables"])
        .and_then(Node::as_object)
    {
        for (key, value) in vars.iter() {
            let path = format!("Properties.Environment.Variables.{}", key.name);
            environment.insert(key.name.clone(), r.sym_of(value, path));
        }
    }
    Kind::Function(Box::new(Function {
        role: r.sym(props, &["Role"], p),
        environment,
        kms_key: r.sym(props, &["KmsKeyArn"], p),
        runtime: r.string(props, &["Runtime"], p),
    }))
}

pub(super) fn log_group(cx: &ResourceCx<'_>, props: &Node) -> Kind {
    Kind::LogGroup(Box::new(LogGroup {
        retention_days: cx.reader.int(props, &["RetentionInDays"], "Properties"),
    }))
}

pub(super) fn kms_key(cx: &ResourceCx<'_>, props: &Node, model: &mut Model) -> Kind {
    let r = &cx.reader;
    super::iam::inline_resource_policy(cx, props, &["KeyPolicy"], model);
    Kind::KmsKey(Box::new(KmsKey {
        rotation: r
            .bool(props, &["EnableKeyRotation"], "Properties")
            .or_default(false, "KMS keys do not rotate unless rotation is turned on"),
        spec: r.string(props, &["KeySpec"], "Properties").or_default(
            "SYMMETRIC_DEFAULT".to_owned(),
            "KMS creates symmetric keys by default",
        ),
    }))
}

pub(super) fn topic(cx: &ResourceCx<'_>, props: &Node) -> Kind {
    let key = if cx.ty == "AWS::SQS::Queue" {
        let managed = cx
            .reader
            .bool(props, &["SqsManagedSseEnabled"], "Properties");
        let kms = cx.reader.sym(props, &["KmsMasterKeyId"], "Properties");
        // SQS encrypts new queues with SQS-owned keys unless told otherwise.
        if kms.is_absent() && managed.value() != Some(&false) {
            Observed::default(
                crate::sym::Sym::text("SQS-managed"),
                "SQS encrypts new queues with SSE-SQS by default",
                "Properties.KmsMasterKeyId",
                cx.loc,
            )
        } else {
            kms
        }
    } else {
        cx.reader.sym(props, &["KmsMasterKeyId"], "Properties")
    };
    Kind::Topic(Box::new(Topic { kms_key: key }))
}

pub(super) fn alarm(cx: &ResourceCx<'_>, props: &Node) -> Kind {
    let lookup = cx.reader.resolver();
    let text = |key: &str| {
        props
            .get(key)
            .and_then(|n| lookup.sym(n).as_literal().map(str::to_owned))
    };
    let dimensions = props
        .get("Dimensions")
        .and_then(Node::as_array)
        .map(|dims| {
            dims.iter()
                .filter_map(|d| {
                    let name = d.get("Name").and_then(Node::as_str)?;
                    let value = d.get("Value").map(|v| lookup.sym(v))?;
                    Some((name.to_owned(), value))
                })
                .collect()
        })
        .unwrap_or_default();
    let has_actions = props
        .get("AlarmActions")
        .and_then(Node::as_array)
        .is_some_and(|a| !a.is_empty());
    Kind::Alarm(Box::new(Alarm {
        namespace: text("Namespace"),
        metric: text("MetricName"),
        dimensions,
        has_actions,
    }))
}
