//! Reads the embedded catalog text (`data/iam-catalog.tsv`, written by
//! `scripts/gen-iam-catalog`).
//!
//! Loading happens in two steps so a lint run pays only for the services its
//! policies name. [`index`] finds the header and the `S` lines with one
//! substring search over the text; [`body`] reads one service's `R` and `A`
//! lines the first time that service is asked for. Every name is borrowed
//! from the `'static` text.
//!
//! Lines the reader cannot read become [`Defect`]s instead of errors: the
//! text is generated and checked by tests, and a damaged line should cost one
//! action, not the whole linter.

use std::sync::OnceLock;

use super::{AccessLevel, Action, ResourceType, Service};

/// A catalog line that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defect {
    /// 1-based line number in the catalog text.
    pub line: usize,
    pub reason: &'static str,
}

/// What [`index`] finds: provenance, services in order, and defects.
pub(super) struct Index {
    pub(super) provenance: Vec<(&'static str, &'static str)>,
    pub(super) services: Vec<Service>,
    pub(super) defects: Vec<Defect>,
}

/// The parsed `R` and `A` lines of one service.
#[derive(Debug, Default)]
pub(super) struct Body {
    pub(super) actions: Vec<Action>,
    pub(super) resources: Vec<ResourceType>,
    pub(super) defects: Vec<Defect>,
}

/// Splits `text` into header and services without reading action lines.
pub(super) fn index(text: &'static str) -> Index {
    let header_end = text.find("\nS\t").map_or(text.len(), |i| i + 1);
    let mut index = Index {
        provenance: header(&text[..header_end]),
        services: Vec::with_capacity(512),
        defects: Vec::new(),
    };
    let starts: Vec<usize> = text[header_end..]
        .match_indices("\nS\t")
        .map(|(i, _)| header_end + i + 1)
        .collect();
    let ends = starts.iter().copied().chain([text.len()]);
    let first = (header_end < text.len()).then_some(header_end);
    for (start, end) in first.into_iter().chain(starts.iter().copied()).zip(ends) {
        service(&mut index, text, start, end);
    }
    index
}

fn header(text: &'static str) -> Vec<(&'static str, &'static str)> {
    let entries = text.lines().filter_map(|line| line.strip_prefix('#'));
    entries
        .map(|entry| entry.split_once('\t').unwrap_or((entry, "")))
        .collect()
}

fn service(index: &mut Index, text: &'static str, start: usize, end: usize) {
    let chunk = &text[start..end];
    let (head, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
    let mut fields = head.split('\t').skip(1);
    let prefix = fields.next().unwrap_or_default();
    let in_order = index
        .services
        .last()
        .is_none_or(|last| last.prefix < prefix);
    if prefix.is_empty() || !in_order {
        let reason = if prefix.is_empty() {
            "service without prefix"
        } else {
            "services out of order"
        };
        let line = line_number(text, start);
        index.defects.push(Defect { line, reason });
        return;
    }
    index.services.push(Service {
        prefix,
        name: fields.next().unwrap_or_default(),
        text,
        body_start: end - body.len(),
        body_end: end,
        body: OnceLock::new(),
    });
}

/// Reads the lines of one service, `text[start..end]`.
pub(super) fn body(prefix: &'static str, text: &'static str, start: usize, end: usize) -> Body {
    let mut body = Body::default();
    let mut at = start;
    for line in text[start..end].split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if let Err(reason) = body_line(&mut body, prefix, content) {
            let line = line_number(text, at);
            body.defects.push(Defect { line, reason });
        }
        at += line.len();
    }
    body
}

fn body_line(
    body: &mut Body,
    prefix: &'static str,
    line: &'static str,
) -> Result<(), &'static str> {
    let mut fields = line.split('\t');
    match fields.next() {
        Some("A") => action(body, prefix, fields),
        Some("R") => match (fields.next(), fields.next()) {
            (Some(name), Some(arn)) => {
                body.resources.push(ResourceType { name, arn });
                Ok(())
            }
            _ => Err("resource line needs a name and an ARN"),
        },
        Some("") => Ok(()),
        _ => Err("unknown line kind"),
    }
}

fn action(
    body: &mut Body,
    prefix: &'static str,
    mut fields: impl Iterator<Item = &'static str>,
) -> Result<(), &'static str> {
    let name = fields
        .next()
        .filter(|n| !n.is_empty())
        .ok_or("action without name")?;
    let access = fields
        .next()
        .and_then(AccessLevel::from_code)
        .ok_or("bad access level")?;
    if body
        .actions
        .last()
        .is_some_and(|p| super::cmp_caseless(p.name, name).is_ge())
    {
        return Err("actions out of order");
    }
    body.actions.push(Action {
        prefix,
        name,
        access,
        types: fields.next().unwrap_or_default(),
        keys: fields.next().unwrap_or_default(),
    });
    Ok(())
}

/// 1-based line number of byte `offset`, computed only for defects.
fn line_number(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
