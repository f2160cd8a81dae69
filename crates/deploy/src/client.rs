//! The AWS clients of one deployment: credentials and region from the standard chain
//! (environment, profiles, SSO, IMDS), optionally all pointed at one endpoint URL.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
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
    /// [`Error::BadEndpoint`] for an endpoint URL (given, or in an `AWS_ENDPOINT_URL*`
    /// variable) that is empty or not an `http`/`https` URL with a host;
    /// [`Error::NoRegion`] when neither `connection` nor the chain names a region.
    pub async fn connect(connection: &Connection) -> Result<Self, Error> {
        check_endpoint_variables(std::env::vars_os())?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts());
        if let Some(url) = &connection.endpoint_url {
            check_endpoint(url, "--endpoint-url")?;
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

/// Bounds on every call, so an endpoint that accepts a connection and never answers fails
/// the command instead of hanging it: 5 s to connect, 30 s of silence while reading, and
/// 5 minutes for one attempt (an asset upload included). The SDK retries an attempt that
/// timed out, up to its standard three attempts.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(30))
        .operation_attempt_timeout(Duration::from_secs(300))
        .build()
}

/// The SDK reads `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` itself, and stops the
/// process on an empty one; each set one must be a usable URL.
fn check_endpoint_variables(
    vars: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
) -> Result<(), Error> {
    for (name, value) in vars {
        let Some(name) = name.to_str().filter(|n| n.starts_with("AWS_ENDPOINT_URL")) else {
            continue;
        };
        let value = value.to_string_lossy();
        check_endpoint(&value, name)?;
    }
    Ok(())
}

/// An `http` or `https` URL with a host (and a valid port, when it names one).
fn check_endpoint(url: &str, from: &str) -> Result<(), Error> {
    let bad = |reason: &str| Error::BadEndpoint {
        url: url.to_owned(),
        from: from.to_owned(),
        reason: reason.to_owned(),
    };
    if url.trim().is_empty() {
        return Err(bad("empty (leave it out to reach AWS's own endpoints)"));
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("not a URL: expected http://HOST[:PORT] or https://HOST[:PORT]"))?;
    if !matches!(scheme, "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    // `[v6]:port` or `host:port`, the port optional.
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, "")) => (host, None),
            Some((host, after)) => (host, Some(after.strip_prefix(':').unwrap_or(after))),
            None => return Err(bad("an IPv6 host lacks its closing `]`")),
        },
        None => match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    if let Some(port) = port {
        if port.parse::<u16>().map_or(true, |port| port == 0) {
            return Err(bad("the port must be a number from 1 to 65535"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_endpoints_pass() {
        for url in [
            "http://127.0.0.1:5000",
            "https://cloudformation.eu-west-1.amazonaws.com",
            "http://localhost:4566/",
            "http://[::1]:8080",
            "http://[::1]",
            "http://user:pass@127.0.0.1:9000",
        ] {
            assert!(check_endpoint(url, "test").is_ok(), "{url}");
        }
    }

    #[test]
    fn unusable_endpoints_are_named_with_their_origin() {
        for url in [
            "",
            "  ",
            "notaurl",
            "ftp://127.0.0.1",
            "http://",
            "http://:80",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:0",
            "http://127.0.0.1:port",
        ] {
            let err = check_endpoint(url, "AWS_ENDPOINT_URL").expect_err(url);
            assert!(err.to_string().contains("AWS_ENDPOINT_URL"), "{err}");
        }
    }

    #[test]
    fn an_empty_endpoint_variable_is_refused_and_others_are_ignored() {
        let vars = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect::<Vec<(std::ffi::OsString, std::ffi::OsString)>>()
                .into_iter()
        };
        assert!(check_endpoint_variables(vars(&[("HOME", ""), ("AWS_REGION", "")])).is_ok());
        let err = check_endpoint_variables(vars(&[("AWS_ENDPOINT_URL_S3", "")])).unwrap_err();
        assert!(err.to_string().contains("AWS_ENDPOINT_URL_S3"), "{err}");
        assert!(
            check_endpoint_variables(vars(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:1")])).is_ok()
        );
    }
}
