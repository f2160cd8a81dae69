//! Functions, log groups, keys, topics, queues and alarms.

use std::collections::BTreeMap;

use super::Cx;
use super::source::{TfResource, first_block};
use crate::adapt::Lookup;
use crate::model::{Alarm, Function, Kind, KmsKey, LogGroup, Model, Observed, State, Topic};
use crate::sym::Sym;
use crate::tree::Value;

pub(super) fn function(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Kind {
    let reader = cx.reader(r);
    let mut environment = BTreeMap::new();
    if let Some((env, path)) = first_block(&r.body, "environment", &r.address) {
        let vars = env.get("variables").map(|v| cx.lookup.expand(v));
        if let Some(map) = vars.as_ref().and_then(|v| v.as_object()) {
            for (key, value) in map.iter() {
                let var_path = format!("{path}.variables.{}", key.name);
                environment.insert(key.name.clone(), reader.sym_of(value, var_path));
            }
        } else if let Some(Value::Unknown(reason)) = vars.as_ref().map(|v| &v.value) {
            // The variables are there, but not which: count them as one
            // unknown variable so the KMS rule still asks for a key.
            let path = format!("{path}.variables");
            let loc = vars.as_ref().map_or(r.loc, |v| v.loc);
            environment.insert("*".to_owned(), Observed::unknown(reason.clone(), path, loc));
        }
    }
    Kind::Function(Box::new(Function {
        role: reader.sym(&r.body, &["role"], &r.address),
        environment,
        kms_key: reader.sym(&r.body, &["kms_key_arn"], &r.address),
        runtime: reader.string(&r.body, &["runtime"], &r.address),
    }))
}

pub(super) fn log_group(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Kind {
    let mut days = cx
        .reader(r)
        .int(&r.body, &["retention_in_days"], &r.address);
    // Terraform writes "never expire" as 0; it is the same as leaving the
    // retention out, and the rule should say so.
    if days.state == State::Set(0) {
        days.state = State::Absent;
    }
    Kind::LogGroup(Box::new(LogGroup {
        retention_days: days,
    }))
}

pub(super) fn kms_key(cx: &Cx<'_, '_>, r: &TfResource<'_>, model: &mut Model) -> Kind {
    let reader = cx.reader(r);
    super::iam::inline_resource_policy(cx, r, "policy", model);
    Kind::KmsKey(Box::new(KmsKey {
        rotation: reader
            .bool(&r.body, &["enable_key_rotation"], &r.address)
            .or_default(false, "KMS keys do not rotate unless rotation is turned on"),
        spec: reader
            .string(&r.body, &["customer_master_key_spec"], &r.address)
            .or_default(
                "SYMMETRIC_DEFAULT".to_owned(),
                "KMS creates symmetric keys by default",
            ),
    }))
}

pub(super) fn topic(cx: &Cx<'_, '_>, r: &TfResource<'_>, model: &mut Model) -> Kind {
    let reader = cx.reader(r);
    super::iam::inline_resource_policy(cx, r, "policy", model);
    let kms = reader.sym(&r.body, &["kms_master_key_id"], &r.address);
    let key = if r.ty == "aws_sqs_queue" {
        let managed = reader.bool(&r.body, &["sqs_managed_sse_enabled"], &r.address);
        // SQS encrypts new queues with SQS-owned keys unless told otherwise.
        if kms.is_absent() && managed.value() != Some(&false) {
            Observed::default(
                Sym::text("SQS-managed"),
                "SQS encrypts new queues with SSE-SQS by default",
                format!("{}.kms_master_key_id", r.address),
                r.loc,
            )
        } else {
            kms
        }
    } else {
        kms
    };
    Kind::Topic(Box::new(Topic { kms_key: key }))
}

pub(super) fn alarm(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Kind {
    let text = |key: &str| r.body.get(key).and_then(|n| cx.text(n));
    let dimensions = r
        .body
        .get("dimensions")
        .map(|d| cx.lookup.expand(d))
        .and_then(|d| {
            d.as_object().map(|map| {
                map.iter()
                    .map(|(k, v)| (k.name.clone(), cx.lookup.sym(v)))
                    .collect()
            })
        })
        .unwrap_or_default();
    let has_actions =
        r.body
            .get("alarm_actions")
            .is_some_and(|a| match &cx.lookup.expand(a).value {
                Value::Array(items) => !items.is_empty(),
                Value::Null => false,
                _ => true,
            });
    Kind::Alarm(Box::new(Alarm {
        namespace: text("namespace"),
        metric: text("metric_name"),
        dimensions,
        has_actions,
    }))
}
