//! Terraform JSON and Terraform plan JSON → model.
//!
//! Both formats are first brought into one form ([`source`]): resource
//! blocks with bodies in which every string is a Terraform template. A
//! [`TfLookup`] resolves those templates; [`index`] follows the arguments
//! that name other resources. Each model resource is then read like its
//! CloudFormation counterpart (see `adapt::cfn`), with the same documented
//! defaults:
//! - the aws provider splits a bucket over many resources
//!   (`aws_s3_bucket_public_access_block`, `…_server_side_encryption_configuration`,
//!   and seven more); they are folded into the one bucket they name, and the settings
//!   still written inline on `aws_s3_bucket` count where no split resource
//!   sets them;
//! - every policy document (inline JSON, `jsonencode(…)`, an
//!   `aws_iam_policy_document` data source, a Lambda permission) becomes a
//!   [`crate::model::Policy`] in the JSON policy shape whose strings are
//!   templates, read with [`TfLookup`];
//! - the paths of observed values are Terraform addresses plus arguments
//!   (`aws_s3_bucket_public_access_block.site.block_public_acls`).
//!
//! Waivers sit in a resource's `"//"` comment object, in the shape of a
//! CloudFormation resource's `Metadata` (`stackwright.waivers`, `cdk_nag`,
//! `checkov`), which is where stackwright writes them.
//!
//! A bucket part that names a bucket not in the document does not make up
//! a bucket (the bucket's other settings are not visible, and judging them
//! by their defaults would be a guess); it stays an ordinary resource.

mod apigw;
mod cognito;
mod compute;
mod expr;
mod iam;
mod index;
mod lookup;
mod planned;
mod policy_doc;
mod problems;
mod secrets;
mod source;
mod storage;
mod tags;
mod template;

pub use lookup::TfLookup;

use std::cell::RefCell;

use crate::adapt::read::Reader;
use crate::load::{Document, Format};
use crate::model::{Kind, Model, Problem, Resource, SourceFormat};
use crate::sym::Sym;
use crate::tree::Node;

use index::Index;
use source::{Source, TfResource};

/// Reads a Terraform configuration or plan into the model.
pub fn adapt(doc: &Document) -> Model {
    let (format, source) = if doc.format == Format::TerraformPlan {
        (SourceFormat::TerraformPlan, planned::from_plan(&doc.root))
    } else {
        (SourceFormat::Terraform, source::from_config(&doc.root))
    };
    let mut model = Model::new(doc.path.clone(), format);
    let lookup = source.lookup();
    let index = Index::new(&source, &lookup);
    let mut cx = Cx {
        source: &source,
        lookup: &lookup,
        index: &index,
        iam: iam::Links::default(),
        api: apigw::Links::default(),
        problems: RefCell::new(Vec::new()),
    };
    cx.iam = iam::Links::new(&cx);
    cx.api = apigw::Links::new(&cx);
    let default_tags = tags::DefaultTags::new(&cx);
    model.default_tags = default_tags.model_wide();
    secrets::collect(&cx, &mut model);
    problems::collect(&cx);
    let log_targets = storage::log_targets(&cx);
    for (i, r) in source.resources.iter().enumerate() {
        let kind = kind_of(&cx, i, &log_targets, &mut model);
        // The `"//"` comment object holds waivers in the CloudFormation `Metadata` shape.
        let waivers = r.body.get("//").map_or_else(Vec::new, |metadata| {
            crate::adapt::cfn::waivers::read_metadata(&r.address, metadata, &mut model.problems)
        });
        model.resources.push(Resource {
            id: r.address.clone(),
            source_type: r.ty.to_owned(),
            loc: r.loc,
            kind,
            tags: default_tags.of(&cx, r),
            retained: r.retained.clone(),
            assumptions: Vec::new(),
            waivers,
        });
    }
    model.problems.extend(cx.problems.into_inner());
    model
}

/// The lookup of a loaded Terraform document: it reads the template
/// strings in the policy documents of the document's model.
pub fn lookup(doc: &Document) -> TfLookup<'_> {
    if doc.format == Format::TerraformPlan {
        planned::from_plan(&doc.root).lookup()
    } else {
        source::from_config(&doc.root).lookup()
    }
}

fn kind_of(cx: &Cx<'_, '_>, i: usize, log_targets: &[usize], model: &mut Model) -> Kind {
    let r = &cx.source.resources[i];
    match r.ty {
        "aws_s3_bucket" => storage::bucket(cx, i, log_targets.contains(&i), model),
        "aws_dynamodb_table" => storage::table(cx, r),
        "aws_lambda_function" => compute::function(cx, r),
        "aws_cloudwatch_log_group" => compute::log_group(cx, r),
        "aws_kms_key" => compute::kms_key(cx, r, model),
        "aws_sns_topic" | "aws_sqs_queue" => compute::topic(cx, r, model),
        "aws_cloudwatch_metric_alarm" => compute::alarm(cx, r),
        "aws_cognito_user_pool" => cognito::user_pool(cx, r),
        "aws_cognito_user_pool_client" => cognito::user_pool_client(cx, r),
        "aws_api_gateway_method" => apigw::method(cx, r),
        "aws_api_gateway_stage" => apigw::stage(cx, r),
        "aws_api_gateway_rest_api" => Kind::RestApi,
        "aws_cloudfront_distribution" => apigw::distribution(cx, r),
        "aws_iam_role" => iam::role(cx, i, model),
        "aws_iam_policy" => iam::managed_policy(cx, i, model),
        _ => {
            iam::resource_policies(cx, r, model);
            Kind::Other
        }
    }
}

/// What the per-type readers share.
pub(crate) struct Cx<'s, 'a> {
    pub source: &'s Source<'a>,
    pub lookup: &'s TfLookup<'a>,
    pub index: &'s Index,
    pub iam: iam::Links,
    pub api: apigw::Links,
    /// Input problems met while reading (a policy that is not JSON).
    pub problems: RefCell<Vec<Problem>>,
}

impl<'s, 'a> Cx<'s, 'a> {
    pub(crate) fn reader(&self, r: &TfResource<'_>) -> Reader<'s> {
        Reader::new(self.lookup, r.loc)
    }

    /// The resource of type `ty` that `node` names.
    pub(crate) fn link(&self, node: Option<&Node>, ty: &str) -> Option<usize> {
        self.index.resolve(self.source, self.lookup, node?, ty)
    }

    /// What `node` points at: a reference to the resource of type `ty` it
    /// names, or its value as written.
    pub(crate) fn target(&self, node: &Node, ty: &str) -> Sym {
        match self.link(Some(node), ty) {
            Some(i) => Sym::reference(self.source.resources[i].address.clone(), None),
            None => crate::adapt::Lookup::sym(self.lookup, node),
        }
    }

    /// A value's literal text, when it has one.
    pub(crate) fn text(&self, node: &Node) -> Option<String> {
        crate::adapt::Lookup::sym(self.lookup, node)
            .as_literal()
            .map(str::to_owned)
    }

    /// The first part of type `ty` of the resource at `owner`.
    pub(crate) fn part(&self, owner: usize, ty: &str) -> Option<&'s TfResource<'a>> {
        self.index
            .parts(owner, ty)
            .first()
            .map(|&i| &self.source.resources[i])
    }

    /// Resources of one type, with their positions.
    pub(crate) fn of_type<'t>(
        &self,
        ty: &'t str,
    ) -> impl Iterator<Item = (usize, &'s TfResource<'a>)> + 't
    where
        's: 't,
    {
        self.source
            .resources
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.ty == ty)
    }
}
