//! The failures of deploy operations, each naming the stack, change set or call involved.

use std::path::PathBuf;
use std::time::Duration;

use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// What went wrong talking to AWS or preparing a deployment.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An API call failed; `message` is the service's (or transport's) description.
    #[error("{call} failed: {message}")]
    Api { call: &'static str, message: String },
    /// The endpoint URL (`--endpoint-url` or an `AWS_ENDPOINT_URL*` variable) is unusable.
    #[error("endpoint URL {url:?} ({from}): {reason}")]
    BadEndpoint {
        url: String,
        from: String,
        reason: String,
    },
    /// No region in the environment, profile or config.
    #[error("no AWS region: set AWS_REGION, a profile region or `region` in the config")]
    NoRegion,
    /// The stack is not deployed.
    #[error("stack `{0}` does not exist")]
    StackMissing(String),
    /// The stack is in a state from which CloudFormation accepts no change.
    #[error("stack `{stack}` is in state {status}: {hint}")]
    StackNotReady {
        stack: String,
        status: String,
        hint: &'static str,
    },
    /// A wait exceeded its limit.
    #[error("timed out after {waited:?} waiting for {what}")]
    TimedOut { what: String, waited: Duration },
    /// CloudFormation could not compute the change set.
    #[error("change set `{name}` of stack `{stack}` failed: {reason}")]
    ChangeSetFailed {
        stack: String,
        name: String,
        reason: String,
    },
    /// An asset file could not be read.
    #[error("cannot read asset `{id}` at `{}`: {source}", path.display())]
    AssetUnreadable {
        id: String,
        path: PathBuf,
        source: std::io::Error,
    },
    /// An asset has no bytes yet.
    #[error("asset `{0}` is a placeholder (no built Lambda bundle): run synth without --no-build")]
    PlaceholderAsset(String),
    /// An asset's bytes do not match the digest the template was synthesized with.
    #[error("asset `{id}` at `{}` has sha256 {actual}, the template expects {expected}", path.display())]
    AssetChanged {
        id: String,
        path: PathBuf,
        expected: String,
        actual: String,
    },
    /// The manifest's asset description is not one this version understands.
    #[error("asset entry {index} of stack `{stack}` is malformed: {reason}")]
    AssetMalformed {
        stack: String,
        index: usize,
        reason: String,
    },
    /// A template or deployed document is not what CloudFormation or IAM should return.
    #[error("{what} is not valid JSON: {reason}")]
    Malformed { what: String, reason: String },
    /// A parameter without a default has no value on create.
    #[error("parameter `{0}` has no default and no value; deploy cannot create the stack")]
    ParameterMissing(String),
    /// The stack lacks an output the site sync needs.
    #[error("stack `{stack}` has no output `{output}`: the site cannot be synced")]
    SiteOutputMissing { stack: String, output: String },
    /// A file of the site build folder could not be read.
    #[error("cannot read site file `{}`: {source}", path.display())]
    SiteFileUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The site build folder has no files.
    #[error(
        "site build folder `{}` is empty: syncing it would delete every object of bucket `{bucket}`; build the web app first",
        dir.display()
    )]
    SiteFolderEmpty { dir: PathBuf, bucket: String },
    /// A site file changed after it was checked and fingerprinted.
    #[error(
        "site file `{}` has sha256 {actual}, but {expected} was checked; nothing after it was uploaded (run deploy again)",
        path.display()
    )]
    SiteFileChanged {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    /// The operating system gave no random bytes for a generated secret.
    #[error("cannot generate parameter `{name}`: {reason}")]
    Randomness { name: String, reason: String },
}

/// Maps an SDK error of `call` to [`Error::Api`], keeping the service's code and message.
pub(crate) fn api<E>(call: &'static str) -> impl FnOnce(E) -> Error
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    move |err| Error::Api {
        call,
        message: match (err.code(), err.message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.to_owned(),
            _ => readable(&err),
        },
    }
}

/// Maps a request builder's error (a required field left unset, our mistake rather than the
/// service's) to [`Error::Api`] for `call`.
pub(crate) fn built<E: std::error::Error + 'static>(call: &'static str) -> impl FnOnce(E) -> Error {
    move |err| Error::Api {
        call,
        message: readable(&err),
    }
}

/// The error and its causes, each once, joined by `: `. The SDK's own context printer
/// appends the whole error's `Debug` form (request internals, sometimes the request body),
/// which a person reading a failed deploy does not need.
fn readable(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(current) = next {
        let text = current.to_string();
        if !text.is_empty() && !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = current.source();
    }
    if parts.is_empty() {
        return DisplayErrorContext(err).to_string();
    }
    parts.join(": ")
}
