//! How far a `Resource` value is scoped. ARNs are read segment by segment
//! (`arn:partition:service:region:account:resource`), so a wildcard hidden
//! in the account or in the resource name (`arn:aws:s3:::*/*`) counts, while
//! a wildcard below a named resource (`${Table.Arn}/index/*`,
//! `arn:aws:s3:::reports/*`) does not.
//!
//! The resource segment is split into the resource-type prefix and the name
//! with the ARN templates of the service from the catalog: `table/` is a
//! type prefix for DynamoDB, while an S3 ARN starts with the bucket name.

use std::fmt;

use crate::sym::Sym;

use super::super::catalog::Catalog;
use super::tokens::{Tok, tokens};

/// How a resource value is scoped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceScope {
    /// Names one resource, or resources below one named resource.
    Scoped,
    Wildcard(Wildcard),
    /// The value is not known; the reason says why.
    Unresolved(String),
}

/// Where the wildcard that unscopes a resource sits, broadest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Wildcard {
    /// `*`, `arn:*`, `arn:aws:*`: every resource.
    All,
    /// `arn:aws:*:…`: a wildcard in the service segment.
    Service,
    /// `arn:aws:iam::*:role/x`: any account.
    Account,
    /// The resource name is nothing but wildcards: `arn:aws:s3:::*/*`,
    /// `…:table/*`, `…:log-group:*`.
    ResourceName,
    /// `arn:aws:dynamodb:*:…`: any region.
    Region,
    /// The resource name mixes text and wildcards: `arn:aws:s3:::logs-*`,
    /// `${Bucket.Arn}*`.
    ResourceNamePattern,
    /// `NotResource`: everything except the listed resources.
    NotResource,
}

impl fmt::Display for Wildcard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Wildcard::All => "every resource",
            Wildcard::Service => "a wildcard in the service segment",
            Wildcard::Account => "a wildcard in the account segment",
            Wildcard::ResourceName => "a wildcard resource name",
            Wildcard::Region => "a wildcard in the region segment",
            Wildcard::ResourceNamePattern => "a wildcard inside the resource name",
            Wildcard::NotResource => "`NotResource`",
        })
    }
}

impl ResourceScope {
    /// Reads one `Resource` value.
    pub fn of(sym: &Sym, catalog: &Catalog) -> ResourceScope {
        match tokens(sym) {
            Ok(toks) => scope(&toks, catalog),
            Err(reason) => ResourceScope::Unresolved(reason.to_owned()),
        }
    }

    pub fn wildcard(&self) -> Option<Wildcard> {
        match self {
            ResourceScope::Wildcard(w) => Some(*w),
            _ => None,
        }
    }
}

fn scope(toks: &[Tok<'_>], catalog: &Catalog) -> ResourceScope {
    let wild = |w| ResourceScope::Wildcard(w);
    match toks.first() {
        None => ResourceScope::Scoped,
        Some(Tok::Atom(_)) => after_reference(toks),
        Some(_) if starts_with(toks, "arn:") => arn(toks, catalog),
        Some(_) if toks.iter().all(|t| t.is_wildcard()) => wild(Wildcard::All),
        Some(_) if toks.iter().any(|t| t.is_wildcard()) => wild(Wildcard::ResourceNamePattern),
        Some(_) => ResourceScope::Scoped,
    }
}

/// A value that starts with a reference (`${Bucket.Arn}/*`): whatever
/// follows is below the referenced resource, unless a wildcard extends the
/// reference itself (`${Bucket.Arn}*` also matches `other-bucket-2`).
fn after_reference(toks: &[Tok<'_>]) -> ResourceScope {
    let rest = toks.iter().skip_while(|t| matches!(t, Tok::Atom(_)));
    match rest.clone().next() {
        Some(t) if t.is_wildcard() => ResourceScope::Wildcard(Wildcard::ResourceNamePattern),
        _ => ResourceScope::Scoped,
    }
}

fn arn(toks: &[Tok<'_>], catalog: &Catalog) -> ResourceScope {
    let segments = split_segments(toks);
    let wild_in = |i: usize| {
        segments
            .get(i)
            .is_some_and(|s| s.iter().any(|t| t.is_wildcard()))
    };
    if segments.len() < 6 {
        // A `*` in a truncated ARN (`arn:aws:s3:*`) also matches the segments
        // that follow it.
        return match (1..segments.len()).find(|&i| wild_in(i)) {
            Some(1) => ResourceScope::Wildcard(Wildcard::All),
            Some(2) => ResourceScope::Wildcard(Wildcard::Service),
            Some(_) => ResourceScope::Wildcard(Wildcard::ResourceName),
            None => ResourceScope::Scoped,
        };
    }
    let checks = [(2, Wildcard::Service), (4, Wildcard::Account)];
    if let Some((_, w)) = checks.iter().find(|(i, _)| wild_in(*i)) {
        return ResourceScope::Wildcard(*w);
    }
    match resource_name(segments[2], segments[5], catalog) {
        Some(w) => ResourceScope::Wildcard(w),
        None if wild_in(3) => ResourceScope::Wildcard(Wildcard::Region),
        None => ResourceScope::Scoped,
    }
}

/// Splits at the first five `:`; the resource segment keeps its colons.
fn split_segments<'t, 'a>(toks: &'t [Tok<'a>]) -> Vec<&'t [Tok<'a>]> {
    let mut segments = Vec::with_capacity(6);
    let mut rest = toks;
    while segments.len() < 5 {
        let Some(colon) = rest.iter().position(|t| t.is_char(':')) else {
            break;
        };
        segments.push(&rest[..colon]);
        rest = &rest[colon + 1..];
    }
    segments.push(rest);
    segments
}

/// Judges the resource name: the first component after the longest
/// resource-type prefix the service's ARN templates allow.
fn resource_name(service: &[Tok<'_>], resource: &[Tok<'_>], catalog: &Catalog) -> Option<Wildcard> {
    let prefix_len = type_prefix_len(service, resource, catalog);
    let name = first_component(&resource[prefix_len..]);
    let has_wild = name.iter().any(|t| t.is_wildcard());
    if !has_wild {
        return None;
    }
    let only_wild = name.iter().all(|t| t.is_wildcard());
    // Without a known type prefix a wildcard in the first component may
    // swallow the type keyword too (`table*` matches `table/any`).
    if only_wild || prefix_len == 0 && !has_empty_prefix(service, catalog) {
        return Some(Wildcard::ResourceName);
    }
    Some(Wildcard::ResourceNamePattern)
}

/// The name component: skip leading separators (log group names start with
/// `/`), then read up to the next `/` or `:`.
fn first_component<'t, 'a>(toks: &'t [Tok<'a>]) -> &'t [Tok<'a>] {
    let is_sep = |t: &Tok<'_>| t.is_char('/') || t.is_char(':');
    let start = toks.iter().position(|t| !is_sep(t)).unwrap_or(toks.len());
    let rest = &toks[start..];
    let end = rest.iter().position(is_sep).unwrap_or(rest.len());
    &rest[..end]
}

/// The length of the longest literal type prefix (`table/`, `log-group:`)
/// of the service's resource templates that `resource` starts with.
fn type_prefix_len(service: &[Tok<'_>], resource: &[Tok<'_>], catalog: &Catalog) -> usize {
    let prefixes = template_prefixes(service, catalog);
    let matching = prefixes.filter(|p| starts_with(resource, p));
    matching.map(|p| p.chars().count()).max().unwrap_or(0)
}

fn has_empty_prefix(service: &[Tok<'_>], catalog: &Catalog) -> bool {
    template_prefixes(service, catalog).any(str::is_empty)
}

fn template_prefixes<'c>(
    service: &[Tok<'_>],
    catalog: &'c Catalog,
) -> impl Iterator<Item = &'c str> {
    let name: Option<String> = service
        .iter()
        .map(|t| match t {
            Tok::Char(c) => Some(*c),
            Tok::Atom(_) => None,
        })
        .collect();
    let found = name.and_then(|n| catalog.service(&n));
    let templates = found.map(|s| s.resource_types()).unwrap_or_default();
    templates.iter().filter_map(|r| {
        let resource = r.arn.splitn(6, ':').nth(5)?;
        Some(&resource[..resource.find("${").unwrap_or(resource.len())])
    })
}

fn starts_with(toks: &[Tok<'_>], text: &str) -> bool {
    let mut toks = toks.iter();
    text.chars()
        .all(|c| toks.next().is_some_and(|t| t.is_char(c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sym::Part;

    fn of(text: &str) -> ResourceScope {
        ResourceScope::of(&Sym::text(text), Catalog::embedded())
    }

    fn wild(w: Wildcard) -> ResourceScope {
        ResourceScope::Wildcard(w)
    }

    #[test]
    fn literal_arns_by_segment() {
        use Wildcard::*;
        let cases = [
            ("*", wild(All)),
            ("arn:*", wild(All)),
            ("arn:aws:s3:*", wild(ResourceName)),
            ("arn:aws:*:us-east-1:123456789012:thing/x", wild(Service)),
            ("arn:aws:s3:::*/*", wild(ResourceName)),
            ("arn:aws:s3:::*", wild(ResourceName)),
            ("arn:aws:s3:::reports-*", wild(ResourceNamePattern)),
            ("arn:aws:s3:::reports/*", ResourceScope::Scoped),
            (
                "arn:aws:s3:::example-upload-bucket/incoming/*",
                ResourceScope::Scoped,
            ),
            ("arn:aws:iam::*:role/admin", wild(Account)),
            ("arn:aws:iam::123456789012:role/*", wild(ResourceName)),
            (
                "arn:aws:iam::123456789012:role/app-*",
                wild(ResourceNamePattern),
            ),
            (
                "arn:aws:dynamodb:eu-west-1:123456789012:table/*",
                wild(ResourceName),
            ),
            (
                "arn:aws:dynamodb:eu-west-1:123456789012:table*",
                wild(ResourceName),
            ),
            (
                "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
                ResourceScope::Scoped,
            ),
            (
                "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/index/*",
                ResourceScope::Scoped,
            ),
            ("arn:aws:dynamodb:*:123456789012:table/orders", wild(Region)),
            (
                "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn:*",
                ResourceScope::Scoped,
            ),
            (
                "arn:aws:logs:eu-west-1:123456789012:log-group:*",
                wild(ResourceName),
            ),
            ("arn:aws:logs:*:*:*", wild(Account)),
            (
                "arn:aws:kms:eu-west-1:123456789012:key/*",
                wild(ResourceName),
            ),
            (
                "arn:aws:nosuchsvc:eu-west-1:123456789012:*",
                wild(ResourceName),
            ),
            (
                "arn:aws:nosuchsvc:eu-west-1:123456789012:thing/*",
                ResourceScope::Scoped,
            ),
        ];
        for (arn, expected) in cases {
            assert_eq!(of(arn), expected, "{arn}");
        }
    }

    #[test]
    fn references_scope_what_follows_them() {
        let table = Part::Ref {
            target: "Table".into(),
            attribute: Some("Arn".into()),
        };
        let sym = |tail: &str| Sym::from_parts([table.clone(), Part::Text(tail.into())]);
        let catalog = Catalog::embedded();
        assert_eq!(ResourceScope::of(&sym(""), catalog), ResourceScope::Scoped);
        assert_eq!(
            ResourceScope::of(&sym("/index/*"), catalog),
            ResourceScope::Scoped
        );
        assert_eq!(
            ResourceScope::of(&sym("*"), catalog),
            wild(Wildcard::ResourceNamePattern)
        );
        let sub = Sym::from_parts([
            Part::Text("arn:".into()),
            Part::Pseudo("AWS::Partition".into()),
            Part::Text(":s3:::".into()),
            Part::Ref {
                target: "Bucket".into(),
                attribute: None,
            },
            Part::Text("/*".into()),
        ]);
        assert_eq!(ResourceScope::of(&sub, catalog), ResourceScope::Scoped);
        let account = Sym::from_parts([
            Part::Text("arn:aws:dynamodb:".into()),
            Part::Pseudo("AWS::Region".into()),
            Part::Text(":".into()),
            Part::Pseudo("AWS::AccountId".into()),
            Part::Text(":table/*".into()),
        ]);
        assert_eq!(
            ResourceScope::of(&account, catalog),
            wild(Wildcard::ResourceName)
        );
        let unknown = ResourceScope::of(&Sym::unknown("import"), catalog);
        assert_eq!(unknown, ResourceScope::Unresolved("import".into()));
    }
}
