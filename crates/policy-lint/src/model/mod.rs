//! The format-neutral model: what the security model cares about, read out
//! of a CloudFormation or Terraform document.
//!
//! Rules are written once against this model. Adapters (`crate::adapt`) fill
//! it from each format; a Terraform bucket spread over several resources
//! becomes one [`Bucket`] here, exactly like a CloudFormation bucket.
//!
//! Every property is an [`Observed`] value that remembers whether it was
//! written, taken from the service's documented default, missing with no
//! default, or impossible to know before deployment. Rules must treat the
//! last case as unknown, never as a pass.

mod api;
mod cognito;
mod compute;
mod observed;
mod storage;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use api::{ApiMethod, ApiStage, Distribution, OriginAccess, ViewerPolicy};
pub use cognito::{UserPool, UserPoolClient};
pub use compute::{Alarm, Function, KmsKey, LogGroup, Role, Topic};
pub use observed::{Evidence, Observed, State};
pub use storage::{Bucket, PublicAccessBlock, Table};

use crate::finding::Assumption;
use crate::sym::Sym;
use crate::tree::{Loc, Node};

/// The source format a model was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    CloudFormation,
    Terraform,
    TerraformPlan,
}

/// One template's worth of resources.
#[derive(Clone, Debug)]
pub struct Model {
    pub file: PathBuf,
    pub format: SourceFormat,
    pub resources: Vec<Resource>,
    /// Policy documents that attach to something else (inline role policies,
    /// `AWS::IAM::Policy`, bucket and topic policies, Lambda permissions).
    pub policies: Vec<Policy>,
    /// Plain-text values where a secret could hide: parameter defaults,
    /// outputs, environment variables, user data.
    pub secret_candidates: Vec<SecretCandidate>,
    /// Stack-wide tags applied to every taggable resource (Terraform
    /// `default_tags`, stackwright metadata).
    pub default_tags: BTreeMap<String, String>,
    /// Input problems found while loading and reading the document
    /// (duplicate keys, unresolvable references, unknown tags).
    pub problems: Vec<Problem>,
    /// Lookup tables built on first use, once the adapter is done; rules
    /// query by ID many times, and a scan per query is quadratic on large
    /// templates.
    index: std::sync::OnceLock<Index>,
}

/// Positions of resources by ID and of policies by the resources they
/// attach to.
#[derive(Clone, Debug, Default)]
struct Index {
    resources: std::collections::HashMap<String, Vec<usize>>,
    policies: std::collections::HashMap<String, Vec<usize>>,
}

/// An input problem, reported under TPL-1.
#[derive(Clone, Debug)]
pub struct Problem {
    /// The resource it concerns, or the empty string for the template.
    pub resource: String,
    pub message: String,
    pub loc: Loc,
}

/// A resource as the rules see it.
#[derive(Clone, Debug)]
pub struct Resource {
    /// CloudFormation logical ID or Terraform address.
    pub id: String,
    /// The type as written (`AWS::S3::Bucket`, `aws_s3_bucket`).
    pub source_type: String,
    pub loc: Loc,
    pub kind: Kind,
    /// Tags written on the resource; `None` when the type takes no tags.
    pub tags: Option<Observed<BTreeMap<String, String>>>,
    /// Whether deleting the stack or replacing the resource keeps it.
    pub retained: Observed<bool>,
    /// The condition values this view of the resource assumes (a resource
    /// whose properties branch on `Fn::If` is modelled once per branch).
    pub assumptions: Vec<Assumption>,
    /// Waivers written in the resource's own metadata.
    pub waivers: Vec<Waiver>,
}

/// A waiver in template metadata: rule ID (or control), optional granular
/// detail, and the reason a person gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    pub rule: String,
    pub detail: Option<String>,
    pub reason: String,
    /// Who accepted the risk, when the waiver says (stackwright's key).
    pub approver: Option<String>,
    /// The tracking ticket, when the waiver names one (stackwright's key).
    pub ticket: Option<String>,
    /// The last day the waiver applies (stackwright's key).
    pub expires: Option<crate::waivers::Date>,
    pub loc: Loc,
}

/// What a resource is, with the properties the rules read.
#[derive(Clone, Debug)]
pub enum Kind {
    Bucket(Box<Bucket>),
    Table(Box<Table>),
    Function(Box<Function>),
    Role(Box<Role>),
    ManagedPolicy,
    UserPool(Box<UserPool>),
    UserPoolClient(Box<UserPoolClient>),
    ApiMethod(Box<ApiMethod>),
    ApiStage(Box<ApiStage>),
    RestApi,
    LogGroup(Box<LogGroup>),
    KmsKey(Box<KmsKey>),
    Topic(Box<Topic>),
    Distribution(Box<Distribution>),
    Alarm(Box<Alarm>),
    /// Any other type: only cross-cutting rules (tags, secrets) apply.
    Other,
}

/// Which part of the security model a policy document speaks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// An identity policy: what a role may do.
    Identity,
    /// A role's trust policy: who may assume it.
    Trust,
    /// A resource policy on a bucket, key, topic, queue, table or function.
    Resource,
}

/// A policy document and what it attaches to.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The resource the finding is reported on (the policy resource itself,
    /// or the role or key that holds an inline document).
    pub owner: String,
    pub owner_type: String,
    pub kind: PolicyKind,
    /// The resources this policy is attached to (roles for identity
    /// policies; the bucket, key or topic for resource policies).
    pub attached_to: Vec<Sym>,
    /// A name for the document within its owner (inline policy name).
    pub name: Option<String>,
    pub document: Node,
    /// The document as the IAM evaluator reads it, intrinsics resolved.
    pub parsed: crate::iam::Policy,
    /// Where the document sits, such as `Properties.PolicyDocument`.
    pub path: String,
    pub assumptions: Vec<Assumption>,
}

/// A literal string where a secret could be hard-coded.
#[derive(Clone, Debug)]
pub struct SecretCandidate {
    pub owner: String,
    pub owner_type: String,
    /// The name that goes with the value: variable, parameter or output name.
    pub name: String,
    pub value: String,
    pub path: String,
    pub loc: Loc,
    /// A `NoEcho` parameter's default is plain text in the template too.
    pub no_echo: bool,
}

impl Model {
    pub fn new(file: PathBuf, format: SourceFormat) -> Self {
        Self {
            file,
            format,
            resources: Vec::new(),
            policies: Vec::new(),
            secret_candidates: Vec::new(),
            default_tags: BTreeMap::new(),
            problems: Vec::new(),
            index: std::sync::OnceLock::new(),
        }
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut index = Index::default();
            for (i, resource) in self.resources.iter().enumerate() {
                index
                    .resources
                    .entry(resource.id.clone())
                    .or_default()
                    .push(i);
            }
            for (i, policy) in self.policies.iter().enumerate() {
                let mut targets: Vec<&str> = policy
                    .attached_to
                    .iter()
                    .flat_map(|s| s.references().map(|(t, _)| t))
                    .collect();
                targets.sort_unstable();
                targets.dedup();
                for target in targets {
                    index.policies.entry(target.to_owned()).or_default().push(i);
                }
            }
            index
        })
    }

    /// All views of the resource with this ID. Call it only once the model
    /// is complete: the lookup table is built on first use.
    pub fn resource(&self, id: &str) -> impl Iterator<Item = &Resource> {
        let positions = self
            .index()
            .resources
            .get(id)
            .map_or(&[][..], Vec::as_slice);
        positions.iter().map(|&i| &self.resources[i])
    }

    /// Policies attached to the resource `id` by reference. Call it only
    /// once the model is complete.
    pub fn policies_on(&self, id: &str) -> impl Iterator<Item = &Policy> {
        let positions = self.index().policies.get(id).map_or(&[][..], Vec::as_slice);
        positions.iter().map(|&i| &self.policies[i])
    }
}
