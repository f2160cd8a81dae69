//! Which resource an argument points at, and which of the aws provider's
//! split resources belong to which bucket.
//!
//! An argument names another resource by reference
//! (`bucket = "${aws_s3_bucket.site.id}"`, in any attribute) or by the
//! literal name that resource is given (`bucket = "site-assets"`, or its
//! ARN). Both are followed. A split resource whose bucket is not in the
//! document (it lives in another file or state) is an orphan: it stays a
//! resource of its own and does not make up a bucket, since the bucket's
//! other settings cannot be seen.

use std::collections::HashMap;

use super::lookup::TfLookup;
use super::source::Source;
use crate::adapt::Lookup;
use crate::sym::Sym;
use crate::tree::Node;

/// The argument that holds a resource's name, by type, for literal links.
const NAME_ARGS: &[(&str, &str)] = &[
    ("aws_s3_bucket", "bucket"),
    ("aws_iam_role", "name"),
    ("aws_iam_policy", "name"),
    ("aws_iam_user", "name"),
    ("aws_iam_group", "name"),
    ("aws_lambda_function", "function_name"),
    ("aws_sns_topic", "name"),
    ("aws_sqs_queue", "name"),
    ("aws_dynamodb_table", "name"),
    ("aws_cognito_user_pool", "name"),
    ("aws_api_gateway_rest_api", "name"),
    ("aws_secretsmanager_secret", "name"),
];

/// The aws provider's bucket resources, each naming its bucket in `bucket`.
pub(crate) const BUCKET_PARTS: &[&str] = &[
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_website_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_policy",
];

/// Resources by address and name, and bucket parts by bucket.
#[derive(Debug, Default)]
pub(crate) struct Index {
    by_address: HashMap<String, usize>,
    names: HashMap<(String, String), usize>,
    parts: HashMap<(usize, String), Vec<usize>>,
}

impl Index {
    pub(crate) fn new(source: &Source<'_>, lookup: &TfLookup<'_>) -> Self {
        let mut index = Self::default();
        for (i, r) in source.resources.iter().enumerate() {
            index.by_address.insert(r.address.clone(), i);
            let name_arg = NAME_ARGS
                .iter()
                .find(|(ty, _)| *ty == r.ty)
                .map(|(_, arg)| *arg);
            let name = name_arg
                .and_then(|arg| r.body.get(arg))
                .map(|n| lookup.sym(n));
            if let Some(name) = name.as_ref().and_then(Sym::as_literal) {
                index
                    .names
                    .entry((r.ty.to_owned(), name.to_owned()))
                    .or_insert(i);
            }
        }
        for (i, r) in source.resources.iter().enumerate() {
            if !BUCKET_PARTS.contains(&r.ty) {
                continue;
            }
            let bucket = r.body.get("bucket");
            if let Some(owner) =
                bucket.and_then(|b| index.resolve(source, lookup, b, "aws_s3_bucket"))
            {
                index
                    .parts
                    .entry((owner, r.ty.to_owned()))
                    .or_default()
                    .push(i);
            }
        }
        index
    }

    /// The resource of type `ty` that `node` names, by reference or name.
    pub(crate) fn resolve(
        &self,
        source: &Source<'_>,
        lookup: &TfLookup<'_>,
        node: &Node,
        ty: &str,
    ) -> Option<usize> {
        let sym = lookup.sym(node);
        let by_ref = sym.references().find_map(|(target, _)| {
            let i = *self.by_address.get(target)?;
            (source.resources[i].ty == ty).then_some(i)
        });
        by_ref.or_else(|| {
            let literal = sym.as_literal()?;
            name_candidates(literal)
                .find_map(|n| self.names.get(&(ty.to_owned(), n.to_owned())).copied())
        })
    }

    /// The parts of type `ty` that belong to the resource at `owner`.
    pub(crate) fn parts(&self, owner: usize, ty: &str) -> &[usize] {
        self.parts
            .get(&(owner, ty.to_owned()))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// A name as written, and the last segment of an ARN or URL holding it
/// (`arn:aws:s3:::site` → `site`, `arn:…:role/app/fn` → `fn`).
fn name_candidates(literal: &str) -> impl Iterator<Item = &str> {
    let last = literal.rsplit(['/', ':']).next();
    std::iter::once(literal).chain(last.filter(|l| *l != literal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_in_arns_and_urls() {
        let all = |s| name_candidates(s).collect::<Vec<_>>();
        assert_eq!(all("site"), ["site"]);
        assert_eq!(all("arn:aws:s3:::site"), ["arn:aws:s3:::site", "site"]);
        assert_eq!(
            all("https://sqs.eu-west-1.amazonaws.com/1/q"),
            ["https://sqs.eu-west-1.amazonaws.com/1/q", "q"]
        );
    }
}
