//! The static website: a private bucket served only through CloudFront with Origin Access
//! Control.
//!
//! The security model asks for an HTTPS-only website *and* buckets with public access
//! blocked. An S3 website endpoint can do neither (it speaks only HTTP and needs public
//! reads), so the site is a private [`Bucket`] behind a CloudFront distribution that redirects
//! HTTP to HTTPS. The distribution signs its requests to S3 with Origin Access Control, and the
//! bucket policy admits `s3:GetObject` only for the CloudFront service acting for **this**
//! distribution (`aws:SourceArn`), besides the bucket's TLS-only deny. With a custom domain and
//! an ACM certificate the viewer protocol floor is `TLSv1.2_2021` (SNI); without one, the
//! distribution's `*.cloudfront.net` certificate applies and the floor cannot be set, which
//! the linter reports (API-4). Client-side routes of the single-page app get `index.html` for
//! S3's 403/404 answers.

use crate::cfn::Value;
use crate::cfn::cloudfront::{self, distribution, origin_access_control};
use crate::constructs::{Bucket, BucketProps, get_att, reference, sub};
use crate::error::{Result, SynthError};
use crate::iam::{PolicyStatement, Principal};
use crate::logical_id::{ConstructPath, LogicalId};
use crate::stack::Stack;

/// CloudFront's managed `CachingOptimized` cache policy.
const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";

/// CloudFront's managed `SecurityHeadersPolicy` response headers policy: HSTS,
/// `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy`, `X-XSS-Protection`.
const SECURITY_HEADERS: &str = "67f7725c-6f97-4210-82d7-5512b31e9d03";

/// A custom domain and the ACM certificate (in `us-east-1`) that covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomDomain {
    /// The domain name, e.g. `app.example.com`.
    pub domain: String,
    /// The certificate ARN.
    pub certificate_arn: String,
}

/// Settings of a [`Site`].
#[derive(Debug, Clone)]
pub struct SiteProps {
    /// A custom domain with its certificate. Default: `-` none: served on the distribution's
    /// `*.cloudfront.net` name.
    pub custom_domain: Option<CustomDomain>,
    /// The object served for `/`. Default: `index.html`.
    pub root_object: String,
    /// Answer S3's 403 and 404 with `/index.html` and status 200, so the app's client-side
    /// routes load. Default: `true`.
    pub spa_fallback: bool,
    /// The CloudFront price class. Default: `PriceClass_100` (North America and Europe).
    pub price_class: String,
}

impl Default for SiteProps {
    fn default() -> Self {
        Self {
            custom_domain: None,
            root_object: "index.html".to_owned(),
            spa_fallback: true,
            price_class: "PriceClass_100".to_owned(),
        }
    }
}

/// A private bucket behind a CloudFront distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    bucket: Bucket,
    distribution: LogicalId,
    custom_domain: Option<String>,
}

impl Site {
    /// Adds a site at `id` in the current scope: `Bucket`, `OriginAccessControl`,
    /// `Distribution`, and the bucket-policy statement admitting the distribution.
    ///
    /// # Errors
    /// [`SynthError::InvalidProperty`] for an empty domain or a certificate outside
    /// `us-east-1`, or a tree error.
    pub fn new(stack: &mut Stack, id: &str, props: SiteProps) -> Result<Self> {
        let path = stack.add_construct(id, "Site")?;
        validate(stack, &path, &props)?;
        let bucket_path = stack.add_construct_at(&path, "Bucket", "Bucket")?;
        let bucket = Bucket::at(stack, &bucket_path, BucketProps::default())?;
        let oac_name = truncate(&format!("{}-{}", stack.name(), path), 64).replace('/', "-");
        let oac = cloudfront::OriginAccessControl::new(
            origin_access_control::OriginAccessControlConfig::new(
                oac_name, "s3", "always", "sigv4",
            )
            .description("signs CloudFront's requests to the site bucket"),
        );
        let oac = stack.add_resource(&path, "OriginAccessControl", &oac)?;
        let config = distribution_config(&props, &bucket, &oac);
        let distribution = cloudfront::Distribution::new(config);
        let distribution = stack.add_resource(&path, "Distribution", &distribution)?;
        let site = Self {
            bucket,
            distribution,
            custom_domain: props.custom_domain.map(|d| d.domain),
        };
        site.admit_distribution(stack);
        Ok(site)
    }

    fn admit_distribution(&self, stack: &mut Stack) {
        let statement = PolicyStatement::allow(["s3:GetObject"], [self.bucket.objects_arn()])
            .sid("AllowThisDistributionOnly")
            .principal(Principal::Service("cloudfront.amazonaws.com".to_owned()))
            .condition("StringEquals", "aws:SourceArn", self.distribution_arn());
        self.bucket.add_to_policy(stack, statement);
    }

    /// The bucket holding the site's files.
    pub fn bucket(&self) -> &Bucket {
        &self.bucket
    }

    /// The distribution's logical id.
    pub fn distribution_id(&self) -> &LogicalId {
        &self.distribution
    }

    /// The distribution ARN.
    pub fn distribution_arn(&self) -> Value<String> {
        sub(format!(
            "arn:${{AWS::Partition}}:cloudfront::${{AWS::AccountId}}:distribution/${{{}}}",
            self.distribution
        ))
    }

    /// The distribution's own domain name (`d….cloudfront.net`).
    pub fn distribution_domain(&self) -> Value<String> {
        get_att(&self.distribution, "DomainName")
    }

    /// The site's origin as browsers send it: `https://` and the custom domain, or the
    /// distribution's domain.
    pub fn origin(&self) -> Value<String> {
        match &self.custom_domain {
            Some(domain) => format!("https://{domain}").into(),
            None => sub(format!("https://${{{}.DomainName}}", self.distribution)),
        }
    }

    /// The distribution id (for invalidations).
    pub fn distribution_ref(&self) -> Value<String> {
        reference(&self.distribution)
    }
}

fn validate(stack: &Stack, path: &ConstructPath, props: &SiteProps) -> Result<()> {
    let Some(domain) = &props.custom_domain else {
        return Ok(());
    };
    let problem = if domain.domain.is_empty() || domain.domain.contains('*') {
        Some((
            "custom_domain",
            "the domain must be a plain name such as `app.example.com`",
        ))
    } else if !domain.certificate_arn.starts_with("arn:aws:acm:us-east-1:") {
        Some((
            "custom_domain",
            "CloudFront only uses ACM certificates from us-east-1",
        ))
    } else {
        None
    };
    match problem {
        Some((field, reason)) => Err(SynthError::InvalidProperty {
            path: stack.full_path(path),
            field,
            reason: reason.to_owned(),
        }),
        None => Ok(()),
    }
}

fn distribution_config(
    props: &SiteProps,
    bucket: &Bucket,
    oac: &LogicalId,
) -> distribution::DistributionConfig {
    const ORIGIN_ID: &str = "SiteBucket";
    let origin = distribution::Origin::new(bucket.regional_domain_name(), ORIGIN_ID)
        .origin_access_control_id(get_att(oac, "Id"))
        .s3_origin_config(distribution::S3OriginConfig::default().origin_access_identity(""));
    let behavior = distribution::DefaultCacheBehavior::new(ORIGIN_ID, "redirect-to-https")
        .allowed_methods(["GET", "HEAD"])
        .cached_methods(["GET", "HEAD"])
        .cache_policy_id(CACHING_OPTIMIZED)
        .response_headers_policy_id(SECURITY_HEADERS)
        .compress(true);
    let mut config = distribution::DistributionConfig::new(behavior, true)
        .origins([origin])
        .default_root_object(props.root_object.as_str())
        .http_version("http2and3")
        .ipv6_enabled(true)
        .price_class(props.price_class.as_str())
        .comment("static site; private S3 origin through Origin Access Control")
        .viewer_certificate(viewer_certificate(props.custom_domain.as_ref()));
    if let Some(domain) = &props.custom_domain {
        config = config.aliases([domain.domain.as_str()]);
    }
    if props.spa_fallback {
        let fallback = |code: i64| {
            distribution::CustomErrorResponse::new(code)
                .response_code(200_i64)
                .response_page_path("/index.html")
                .error_caching_min_ttl(10.0)
        };
        config = config.custom_error_responses([fallback(403), fallback(404)]);
    }
    config
}

fn viewer_certificate(domain: Option<&CustomDomain>) -> distribution::ViewerCertificate {
    match domain {
        Some(domain) => distribution::ViewerCertificate::default()
            .acm_certificate_arn(domain.certificate_arn.as_str())
            .minimum_protocol_version("TLSv1.2_2021")
            .ssl_support_method("sni-only"),
        None => distribution::ViewerCertificate::default().cloud_front_default_certificate(true),
    }
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
