//! The AWS clients of one deployment: credentials and region from the standard chain
//! (environment, profiles, SSO, IMDS), optionally all pointed at one endpoint URL.

use aws_config::{BehaviorVersion, Region};

use crate::error::{Error, api};

/// Where to connect.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// Every service at this URL (a local stand-in) instead of AWS's endpoints.
    pub endpoint_url: Option<String>,
    /// The region; `None` takes it from the chain.
    pub region: Option<String>,
}

/// The service clients deploy uses, sharing one configuration.
#[derive(Debug, Clone)]
pub struct Clients {
    pub cloudformation: aws_sdk_cloudformation::Client,
    /// The site's invalidations.
    pub cloudfront: aws_sdk_cloudfront::Client,
    pub iam: aws_sdk_iam::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub s3: aws_sdk_s3::Client,
    pub sts: aws_sdk_sts::Client,
    /// The region every client talks to.
    pub region: String,
}

impl Clients {
    /// Loads the configuration and builds the clients.
    ///
    /// # Errors
    /// [`Error::NoRegion`] when neither `connection` nor the chain names a region.
    pub async fn connect(connection: &Connection) -> Result<Self, Error> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(url) = &connection.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(region) = &connection.region {
            loader = loader.region(Region::new(region.clone()));
        }
        let config = loader.load().await;
        let region = config.region().ok_or(Error::NoRegion)?.to_string();
        // A local endpoint has no per-bucket host names, so S3 must address buckets by path.
        let s3_config = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(config.endpoint_url().is_some())
            .build();
        Ok(Self {
            cloudformation: aws_sdk_cloudformation::Client::new(&config),
            cloudfront: aws_sdk_cloudfront::Client::new(&config),
            iam: aws_sdk_iam::Client::new(&config),
            lambda: aws_sdk_lambda::Client::new(&config),
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            sts: aws_sdk_sts::Client::new(&config),
            region,
        })
    }

    /// The account the credentials belong to.
    ///
    /// # Errors
    /// When STS rejects the credentials.
    pub async fn account(&self) -> Result<String, Error> {
        let identity = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(api("sts:GetCallerIdentity"))?;
        identity.account.ok_or_else(|| Error::Api {
            call: "sts:GetCallerIdentity",
            message: "the response names no account".to_owned(),
        })
    }
}
