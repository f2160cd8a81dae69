//! OPS001: a function or API whose errors raise no alarm.

use crate::finding::Severity;
use crate::model::{Alarm, Kind, Resource};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "OPS001",
        name: "errors-without-alarm",
        title: "Function or API errors raise no CloudWatch alarm",
        control: "OPS-2",
        severity: Severity::Warning,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &[],
        rationale: "Detection is the first step of the incident response plan: errors that \
            nobody is told about are found by users.",
        remediation: "Add an alarm on the function's `AWS/Lambda` `Errors` metric and on the \
            API's `AWS/ApiGateway` `5XXError` metric, with an alarm action.",
        limitations: "Alarms are matched by metric and dimension within the same template; \
            alarms defined elsewhere (another stack, an organisation-wide dashboard) are not \
            seen.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let alarms: Vec<&Alarm> = cx
        .model
        .resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::Alarm(a) => Some(a.as_ref()),
            _ => None,
        })
        .collect();
    let single_api = cx
        .model
        .resources
        .iter()
        .filter(|r| matches!(r.kind, Kind::RestApi))
        .count()
        == 1;
    for resource in &cx.model.resources {
        let (namespace, metric, dimension) = match resource.kind {
            Kind::Function(_) => ("AWS/Lambda", "Errors", "FunctionName"),
            Kind::RestApi => ("AWS/ApiGateway", "5XXError", "ApiName"),
            _ => continue,
        };
        // An API alarm names the API by its name, which a template rarely
        // spells as a reference; with one API in the template it is that one.
        let lenient = single_api && matches!(resource.kind, Kind::RestApi);
        let watched = alarms
            .iter()
            .any(|a| watches(a, resource, namespace, metric, dimension, lenient));
        let finding = out.on(resource);
        if watched {
            finding.pass(format!("an alarm watches `{metric}`"));
        } else {
            finding.fail(format!(
                "no alarm on `{namespace}` `{metric}` for this resource"
            ));
        }
    }
}

fn watches(
    alarm: &Alarm,
    resource: &Resource,
    namespace: &str,
    metric: &str,
    dim: &str,
    lenient: bool,
) -> bool {
    let names_it = |(name, value): &(String, crate::sym::Sym)| {
        name == dim && (lenient || value.references().any(|(t, _)| t == resource.id))
    };
    alarm.namespace.as_deref() == Some(namespace)
        && alarm.metric.as_deref() == Some(metric)
        && alarm.dimensions.iter().any(names_it)
}
