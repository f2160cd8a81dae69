//! The role a GitHub Actions workflow assumes to deploy this stack, through GitHub's OIDC
//! provider: no long-lived AWS keys in repository secrets.
//!
//! Trust: `sts:AssumeRoleWithWebIdentity` from the provider `token.actions.githubusercontent.com`
//! (created here, or an existing one: IAM allows one per URL per account), only for tokens
//! whose `aud` is `sts.amazonaws.com` and whose `sub` is exactly one repository's branch
//! (`repo:OWNER/REPO:ref:refs/heads/BRANCH`) or environment
//! (`repo:OWNER/REPO:environment:NAME`), compared with `StringEquals`, so no wildcard can
//! widen it. Sessions last at most one hour, the shortest IAM allows.
//!
//! Permissions, each on this stack's own resources only:
//! - `Deploy`: the change-set actions and `DescribeStacks`, `DescribeStackEvents`,
//!   `DescribeStackResources`, `GetTemplate` on this stack's ARN;
//! - `Assets`: `s3:PutObject`/`GetObject` on the objects and `s3:ListBucket` on the asset
//!   bucket the `AssetBucket` parameter names;
//! - `Releases`: for each function of the stack, reading its aliases and versions on the
//!   function's ARN, and `lambda:DeleteFunction` on its qualified ARNs (`<ARN>:<version>`)
//!   only, so `deploy` can prune old versions but never delete a function;
//! - `Site` (when given a [`SiteSync`]): `s3:ListBucket` on the site bucket,
//!   `s3:GetObject`/`PutObject`/`DeleteObject` on its objects and
//!   `cloudfront:CreateInvalidation` on its distribution, what deploy's site sync calls;
//! - `PassRoles`: `iam:PassRole` on exactly the roles this stack creates, each statement
//!   limited by `iam:PassedToService` to the service the roles trust; when a CloudFormation
//!   execution role is configured, `iam:PassRole` on it for `cloudformation.amazonaws.com`.
//!
//! Create it last: it reads the roles already in the stack.

use std::collections::BTreeMap;

use crate::asset::BUCKET_PARAMETER;
use crate::cfn::{Value, iam};
use crate::constructs::{get_att, sub};
use crate::error::{Result, SynthError};
use crate::iam::{PolicyDocument, PolicyStatement, Principal};
use crate::logical_id::{ConstructPath, LogicalId};
use crate::stack::Stack;

/// The issuer of GitHub Actions OIDC tokens.
pub const GITHUB_OIDC_HOST: &str = "token.actions.githubusercontent.com";

/// The audience `aws-actions/configure-aws-credentials` requests.
pub const STS_AUDIENCE: &str = "sts.amazonaws.com";

/// The shortest `MaxSessionDuration` IAM accepts, in seconds.
const MAX_SESSION_SECS: i64 = 3600;

/// Which workflow runs of the repository may assume the role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GithubSubject {
    /// Runs on this branch (`repo:OWNER/REPO:ref:refs/heads/BRANCH`).
    Branch(String),
    /// Jobs that name this deployment environment (`repo:OWNER/REPO:environment:NAME`);
    /// the environment's protection rules (reviewers, branches) then gate the deploy.
    Environment(String),
}

/// Where the GitHub OIDC provider comes from.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum OidcProvider {
    /// Created in this stack.
    #[default]
    Create,
    /// An existing provider, by ARN (one per account: share it between environments).
    Existing(Value<String>),
}

/// Settings of a [`GithubDeployRole`].
#[derive(Debug, Clone, PartialEq)]
pub struct GithubDeployRoleProps {
    /// The repository owner (user or organisation).
    pub owner: String,
    /// The repository name.
    pub repository: String,
    /// The branch or environment whose runs may deploy.
    pub subject: GithubSubject,
    /// The OIDC provider. Default: [`OidcProvider::Create`].
    pub provider: OidcProvider,
    /// A role CloudFormation acts with (`--role-arn`), which the deploy role may pass to
    /// `cloudformation.amazonaws.com`. Default: `-` none: CloudFormation acts with the
    /// deploy role's own permissions.
    pub cloudformation_role: Option<Value<String>>,
    /// The site bucket and distribution deploy syncs and invalidates. Default: `-` none:
    /// the role cannot touch the site (for a stack deployed without a site build folder).
    pub site: Option<SiteSync>,
}

/// What deploy's site sync writes to: the bucket and the distribution to invalidate.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSync {
    /// The bucket's ARN.
    pub bucket_arn: Value<String>,
    /// The ARN of every object in it (`…/*`).
    pub objects_arn: Value<String>,
    /// The CloudFront distribution's ARN.
    pub distribution_arn: Value<String>,
}

impl SiteSync {
    /// The bucket and distribution of `site`.
    pub fn of(site: &crate::constructs::Site) -> Self {
        Self {
            bucket_arn: site.bucket().arn(),
            objects_arn: site.bucket().objects_arn(),
            distribution_arn: site.distribution_arn(),
        }
    }
}

impl GithubDeployRoleProps {
    /// Settings for `owner/repository`, deploying from `subject`.
    pub fn new(
        owner: impl Into<String>,
        repository: impl Into<String>,
        subject: GithubSubject,
    ) -> Self {
        Self {
            owner: owner.into(),
            repository: repository.into(),
            subject,
            provider: OidcProvider::Create,
            cloudformation_role: None,
            site: None,
        }
    }

    /// The exact `sub` claim the trust policy admits.
    pub fn subject_claim(&self) -> String {
        let repo = format!("repo:{}/{}", self.owner, self.repository);
        match &self.subject {
            GithubSubject::Branch(branch) => format!("{repo}:ref:refs/heads/{branch}"),
            GithubSubject::Environment(name) => format!("{repo}:environment:{name}"),
        }
    }
}

/// The CI deploy role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubDeployRole {
    role: LogicalId,
}

impl GithubDeployRole {
    /// Adds the role (and the provider, unless an existing one is given) at `id`.
    ///
    /// # Errors
    /// [`SynthError::InvalidProperty`] for an owner, repository, branch or environment that
    /// is empty or holds characters that would widen or break the `sub` claim.
    pub fn new(stack: &mut Stack, id: &str, props: GithubDeployRoleProps) -> Result<Self> {
        let path = stack.add_construct(id, "GithubDeployRole")?;
        validate(stack, &path, &props)?;
        let provider = match &props.provider {
            OidcProvider::Existing(arn) => arn.clone(),
            OidcProvider::Create => {
                let provider = iam::OIDCProvider::default()
                    .url(format!("https://{GITHUB_OIDC_HOST}"))
                    .client_id_list([STS_AUDIENCE]);
                get_att(&stack.add_resource(&path, "Provider", &provider)?, "Arn")
            }
        };
        let passable = passable_roles(stack);
        let trust = trust_policy(provider, &props.subject_claim());
        let role = iam::Role::new(trust.to_json())
            .description(format!(
                "assumed by GitHub Actions ({}) to deploy {}",
                props.subject_claim(),
                stack.name()
            ))
            .max_session_duration(MAX_SESSION_SECS);
        let role = stack.add_resource(&path, "Resource", &role)?;
        grant_deploy(stack, &role, &passable, props.cloudformation_role.as_ref());
        if let Some(site) = &props.site {
            grant_site(stack, &role, site);
        }
        Ok(Self { role })
    }

    /// The role's logical id.
    pub fn logical_id(&self) -> &LogicalId {
        &self.role
    }

    /// The role ARN (the workflow's `role-to-assume`).
    pub fn arn(&self) -> Value<String> {
        get_att(&self.role, "Arn")
    }
}

fn validate(stack: &Stack, path: &ConstructPath, props: &GithubDeployRoleProps) -> Result<()> {
    let (field, value) = match &props.subject {
        GithubSubject::Branch(branch) => ("subject.branch", branch),
        GithubSubject::Environment(name) => ("subject.environment", name),
    };
    let checks = [
        ("owner", &props.owner, plain_name as fn(&str) -> bool),
        ("repository", &props.repository, plain_name),
        (field, value, ref_name),
    ];
    match checks.into_iter().find(|(_, value, valid)| !valid(value)) {
        Some((field, value, _)) => Err(SynthError::InvalidProperty {
            path: stack.full_path(path),
            field,
            reason: format!(
                "{value:?} is not a plain GitHub name (letters, digits, `-`, `_`, `.`; \
                 `/` in a branch); wildcards and `:` would widen the trusted subject"
            ),
        }),
        None => Ok(()),
    }
}

fn plain_name(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn ref_name(value: &str) -> bool {
    !value.starts_with('/') && !value.ends_with('/') && value.split('/').all(plain_name)
}

fn trust_policy(provider: Value<String>, subject: &str) -> PolicyDocument {
    PolicyDocument::new([
        PolicyStatement::allow(["sts:AssumeRoleWithWebIdentity"], [])
            .principal(Principal::Federated(provider))
            .condition(
                "StringEquals",
                format!("{GITHUB_OIDC_HOST}:aud"),
                STS_AUDIENCE,
            )
            .condition("StringEquals", format!("{GITHUB_OIDC_HOST}:sub"), subject),
    ])
}

/// The roles already in the stack, grouped by the one service their trust policy names.
fn passable_roles(stack: &Stack) -> BTreeMap<String, Vec<LogicalId>> {
    let mut by_service: BTreeMap<String, Vec<LogicalId>> = BTreeMap::new();
    for entry in stack
        .resources
        .iter()
        .filter(|e| e.type_name == "AWS::IAM::Role")
    {
        let statements = &entry.properties["AssumeRolePolicyDocument"]["Statement"];
        let services = statements
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["Principal"]["Service"].as_str());
        for service in services {
            by_service
                .entry(service.to_owned())
                .or_default()
                .push(entry.id.clone());
        }
    }
    by_service
}

/// What deploy's site sync calls: list, head (`s3:GetObject`), put and delete objects, and
/// one invalidation.
fn grant_site(stack: &mut Stack, role: &LogicalId, site: &SiteSync) {
    let list = PolicyStatement::allow(["s3:ListBucket"], [site.bucket_arn.clone()]);
    stack.add_role_statement(role, "Site", list);
    let objects = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"];
    let write = PolicyStatement::allow(objects, [site.objects_arn.clone()]);
    stack.add_role_statement(role, "Site", write);
    let invalidate = PolicyStatement::allow(
        ["cloudfront:CreateInvalidation"],
        [site.distribution_arn.clone()],
    );
    stack.add_role_statement(role, "Site", invalidate);
}

fn grant_deploy(
    stack: &mut Stack,
    role: &LogicalId,
    passable: &BTreeMap<String, Vec<LogicalId>>,
    cloudformation_role: Option<&Value<String>>,
) {
    let this_stack = sub(
        "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/\
         ${AWS::StackName}/*",
    );
    let deploy = [
        "cloudformation:CreateChangeSet",
        "cloudformation:DeleteChangeSet",
        "cloudformation:DescribeChangeSet",
        "cloudformation:DescribeStackEvents",
        "cloudformation:DescribeStackResources",
        "cloudformation:DescribeStacks",
        "cloudformation:ExecuteChangeSet",
        "cloudformation:GetTemplate",
        "cloudformation:ListChangeSets",
    ];
    stack.add_role_statement(role, "Deploy", PolicyStatement::allow(deploy, [this_stack]));
    // A stack without assets has no `AssetBucket` parameter and nothing to upload.
    if stack.parameter(BUCKET_PARAMETER).is_some() {
        let bucket = format!("arn:${{AWS::Partition}}:s3:::${{{BUCKET_PARAMETER}}}");
        let objects = sub(format!("{bucket}/*"));
        let put_get = ["s3:GetObject", "s3:PutObject"];
        stack.add_role_statement(role, "Assets", PolicyStatement::allow(put_get, [objects]));
        let list = PolicyStatement::allow(["s3:ListBucket"], [sub(bucket)]);
        stack.add_role_statement(role, "Assets", list);
    }
    grant_releases(stack, role);
    for (service, roles) in passable {
        let arns = roles.iter().map(|r| get_att(r, "Arn"));
        let pass = PolicyStatement::allow(["iam:PassRole"], arns).condition(
            "StringEquals",
            "iam:PassedToService",
            service.as_str(),
        );
        stack.add_role_statement(role, "PassRoles", pass);
    }
    if let Some(arn) = cloudformation_role {
        let pass = PolicyStatement::allow(["iam:PassRole"], [arn.clone()]).condition(
            "StringEquals",
            "iam:PassedToService",
            "cloudformation.amazonaws.com",
        );
        stack.add_role_statement(role, "PassRoles", pass);
    }
}

/// What `deploy` needs to see where each function's aliases point and to prune its old
/// versions: reads on the function, and deletion of its published versions. The qualifier
/// wildcard (`<ARN>:*`) matches versions and aliases of that one function, never the
/// function itself (`DeleteFunction` refuses an alias).
fn grant_releases(stack: &mut Stack, role: &LogicalId) {
    let functions: Vec<LogicalId> = stack
        .resources
        .iter()
        .filter(|e| e.type_name == "AWS::Lambda::Function")
        .map(|e| e.id.clone())
        .collect();
    if functions.is_empty() {
        return;
    }
    let read = [
        "lambda:GetAlias",
        "lambda:ListAliases",
        "lambda:ListVersionsByFunction",
    ];
    let arns = functions.iter().map(|f| get_att(f, "Arn"));
    stack.add_role_statement(role, "Releases", PolicyStatement::allow(read, arns));
    let versions = functions
        .iter()
        .map(|f| sub(format!("${{{}.Arn}}:*", f.as_str())));
    let delete = PolicyStatement::allow(["lambda:DeleteFunction", "lambda:GetAlias"], versions);
    stack.add_role_statement(role, "Releases", delete);
}
