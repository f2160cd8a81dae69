//! API Gateway methods and stages, and CloudFront distributions.

use super::Observed;
use crate::sym::Sym;

/// One REST API method (or HTTP API route).
#[derive(Clone, Debug)]
pub struct ApiMethod {
    pub http_method: Observed<String>,
    /// `NONE`, `AWS_IAM`, `CUSTOM`, `COGNITO_USER_POOLS`, `JWT`.
    pub authorization: Observed<String>,
    /// The authorizer the method names, and its type when the template
    /// defines it.
    pub authorizer: Option<Sym>,
    pub authorizer_type: Option<String>,
    pub api_key_required: Observed<bool>,
    /// True for a genuine CORS preflight: `OPTIONS` with a `MOCK`
    /// integration answering 204/200 with `Access-Control-Allow-*` headers.
    pub is_cors_preflight: bool,
    pub rest_api: Option<Sym>,
}

/// An API stage: where throttling, logging and TLS are set.
#[derive(Clone, Debug)]
pub struct ApiStage {
    pub rest_api: Option<Sym>,
    /// Default route throttling: rate and burst, when set.
    pub throttling_rate: Observed<f64>,
    pub throttling_burst: Observed<i64>,
    /// Throttling from a usage plan that names this stage.
    pub usage_plan_throttled: bool,
    pub access_log_destination: Observed<Sym>,
    pub access_log_format: Observed<String>,
    pub data_trace: Observed<bool>,
}

/// A CloudFront viewer protocol policy per cache behaviour.
#[derive(Clone, Debug)]
pub struct ViewerPolicy {
    pub behavior: String,
    pub policy: Observed<String>,
}

/// How a distribution reaches an S3 origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginAccess {
    Oac,
    Oai,
    /// An S3 website endpoint or a custom origin.
    Public,
}

/// A CloudFront distribution.
#[derive(Clone, Debug)]
pub struct Distribution {
    pub viewer_policies: Vec<ViewerPolicy>,
    /// `TLSv1.2_2021` and friends; absent with the default certificate.
    pub minimum_protocol: Observed<String>,
    pub uses_default_certificate: bool,
    pub origins: Vec<(String, OriginAccess)>,
}
