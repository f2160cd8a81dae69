//! What a site sync has to do, decided without AWS: the local build folder's fingerprints
//! against the bucket's listing give the uploads, the deletions and the paths to invalidate.
//!
//! An object is current when its size, its `sha256` metadata (which every upload stores),
//! its `Content-Type` and its `Cache-Control` all match the local file; anything else is
//! uploaded again, so a changed cache policy reaches objects whose bytes did not change.
//! Only objects whose size matches need their metadata read ([`needs_head`]): a different
//! size already settles it.
//!
//! The order is the safety property: assets first, HTML last, deletions after both. A sync
//! stopped half-way leaves the old `index.html` pointing at old assets that are all still
//! there, never a new one pointing at assets not yet uploaded.

use std::collections::{BTreeMap, BTreeSet};

/// More paths than this become one `/*` invalidation (CloudFront allows 3,000 file paths in
/// progress per distribution; a wildcard counts once).
const MAX_INVALIDATION_PATHS: usize = 1000;

/// A file of the local build folder, as the manifest describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// The object key: the path relative to the folder, `/`-separated.
    pub key: String,
    /// Lower-case hex sha256 of the bytes.
    pub sha256: String,
    pub size: u64,
    pub content_type: String,
    pub cache_control: String,
}

/// An object of the site bucket, from the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteObject {
    pub key: String,
    pub size: u64,
    /// Its metadata, when it was read (only for objects whose size matches a local file).
    pub head: Option<RemoteHead>,
}

/// What `HeadObject` says about an object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteHead {
    /// The `sha256` user metadata; `None` for an object some other tool uploaded.
    pub sha256: Option<String>,
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
}

/// Why a file is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// The bucket has no object of that key.
    New,
    /// The bytes differ (or the object carries no digest to compare with).
    Changed,
    /// Same bytes, different `Content-Type` or `Cache-Control`.
    Headers,
}

impl Reason {
    /// A short word for progress lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Changed => "changed",
            Self::Headers => "headers",
        }
    }
}

/// One upload of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub file: LocalFile,
    pub reason: Reason,
}

/// Everything a sync does, in the order it does it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SitePlan {
    /// Non-HTML files first, then HTML with the root `index.html` last, otherwise in byte
    /// order of the key.
    pub uploads: Vec<Upload>,
    /// Keys of objects no longer in the folder, in byte order.
    pub deletes: Vec<String>,
    /// Files already current.
    pub unchanged: usize,
    /// CloudFront paths to invalidate: every changed or deleted key, `/` with a changed root
    /// `index.html`; a single `/*` when there are too many.
    pub invalidate: Vec<String>,
}

impl SitePlan {
    /// Whether the sync changes nothing.
    pub fn is_empty(&self) -> bool {
        self.uploads.is_empty() && self.deletes.is_empty()
    }
}

/// The keys whose metadata [`plan`] needs: listed objects of the same size as the local
/// file of that key.
pub fn needs_head(local: &[LocalFile], listed: &[RemoteObject]) -> Vec<String> {
    let sizes: BTreeMap<&str, u64> = listed.iter().map(|o| (o.key.as_str(), o.size)).collect();
    local
        .iter()
        .filter(|file| sizes.get(file.key.as_str()) == Some(&file.size))
        .map(|file| file.key.clone())
        .collect()
}

/// Compares the local files with the bucket's objects.
pub fn plan(local: &[LocalFile], remote: &[RemoteObject]) -> SitePlan {
    let remote: BTreeMap<&str, &RemoteObject> =
        remote.iter().map(|o| (o.key.as_str(), o)).collect();
    let mut uploads: Vec<Upload> = Vec::new();
    let mut unchanged = 0;
    for file in local {
        match upload_reason(file, remote.get(file.key.as_str()).copied()) {
            Some(reason) => uploads.push(Upload {
                file: file.clone(),
                reason,
            }),
            None => unchanged += 1,
        }
    }
    // HTML last, the root page last of all: pages name the assets, so those must be there
    // before the pages are.
    uploads.sort_by_cached_key(|upload| {
        let file = &upload.file;
        (is_html(file), file.key == "index.html", file.key.clone())
    });
    let kept: BTreeSet<&str> = local.iter().map(|file| file.key.as_str()).collect();
    // A BTreeMap's keys come in byte order already.
    let deletes: Vec<String> = remote
        .keys()
        .filter(|key| !kept.contains(*key))
        .map(|key| (*key).to_owned())
        .collect();
    let invalidate = invalidation_paths(&uploads, &deletes);
    SitePlan {
        uploads,
        deletes,
        unchanged,
        invalidate,
    }
}

fn upload_reason(file: &LocalFile, remote: Option<&RemoteObject>) -> Option<Reason> {
    let Some(remote) = remote else {
        return Some(Reason::New);
    };
    if remote.size != file.size {
        return Some(Reason::Changed);
    }
    let Some(head) = &remote.head else {
        return Some(Reason::Changed);
    };
    if head.sha256.as_deref() != Some(file.sha256.as_str()) {
        return Some(Reason::Changed);
    }
    if head.content_type.as_deref() != Some(file.content_type.as_str())
        || head.cache_control.as_deref() != Some(file.cache_control.as_str())
    {
        return Some(Reason::Headers);
    }
    None
}

/// Whether a file is HTML, the kind uploaded last.
pub fn is_html(file: &LocalFile) -> bool {
    file.content_type.starts_with("text/html")
}

/// What CloudFront must forget: replaced and deleted objects. A new key was never served
/// from the bucket, so it has nothing cached to invalidate.
fn invalidation_paths(uploads: &[Upload], deletes: &[String]) -> Vec<String> {
    let mut paths: Vec<String> = uploads
        .iter()
        .filter(|upload| upload.reason != Reason::New)
        .map(|upload| upload.file.key.as_str())
        .chain(deletes.iter().map(String::as_str))
        .flat_map(|key| {
            // The distribution serves the root object at `/` too.
            let root = (key == "index.html").then(|| "/".to_owned());
            root.into_iter().chain([format!("/{}", encode_path(key))])
        })
        .collect();
    paths.sort();
    paths.dedup();
    if paths.len() > MAX_INVALIDATION_PATHS {
        return vec!["/*".to_owned()];
    }
    paths
}

/// Percent-encodes what CloudFront wants encoded in an invalidation path: anything outside
/// RFC 3986's unreserved characters and `/`. `*` is encoded too, so a key never acts as a
/// wildcard.
fn encode_path(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(key: &str, sha: &str, size: u64) -> LocalFile {
        let html = key.ends_with(".html");
        LocalFile {
            key: key.to_owned(),
            sha256: sha.to_owned(),
            size,
            content_type: if html {
                "text/html; charset=utf-8".to_owned()
            } else {
                "text/javascript; charset=utf-8".to_owned()
            },
            cache_control: if html {
                "no-cache"
            } else {
                "public, max-age=300"
            }
            .to_owned(),
        }
    }

    fn synced(file: &LocalFile) -> RemoteObject {
        RemoteObject {
            key: file.key.clone(),
            size: file.size,
            head: Some(RemoteHead {
                sha256: Some(file.sha256.clone()),
                content_type: Some(file.content_type.clone()),
                cache_control: Some(file.cache_control.clone()),
            }),
        }
    }

    fn keys(plan: &SitePlan) -> Vec<(&str, Reason)> {
        plan.uploads
            .iter()
            .map(|u| (u.file.key.as_str(), u.reason))
            .collect()
    }

    #[test]
    fn an_empty_bucket_gets_everything_with_html_last() {
        let files = [
            local("about.html", "a", 1),
            local("assets/z.js", "b", 2),
            local("index.html", "c", 3),
            local("app.js", "d", 4),
            local("zoo.html", "e", 5),
        ];
        let plan = plan(&files, &[]);
        assert_eq!(
            keys(&plan),
            [
                ("app.js", Reason::New),
                ("assets/z.js", Reason::New),
                ("about.html", Reason::New),
                ("zoo.html", Reason::New),
                ("index.html", Reason::New),
            ]
        );
        assert!(plan.deletes.is_empty());
        assert!(plan.invalidate.is_empty(), "nothing was served before");
    }

    #[test]
    fn a_synced_bucket_needs_nothing() {
        let files = [local("index.html", "a", 1), local("app.js", "b", 2)];
        let remote: Vec<RemoteObject> = files.iter().map(synced).collect();
        let plan = plan(&files, &remote);
        assert!(plan.is_empty(), "{plan:?}");
        assert_eq!(plan.unchanged, 2);
        assert!(plan.invalidate.is_empty());
    }

    #[test]
    fn changes_deletions_and_header_changes_are_found_and_invalidated() {
        let files = [
            local("index.html", "new-index", 10),
            local("app.js", "same", 2),
            local("logo.svg", "same-logo", 3),
        ];
        let mut remote = vec![
            synced(&local("index.html", "old-index", 10)),
            synced(&files[1]),
            synced(&local("old chunk.js", "x", 5)),
        ];
        let mut logo = synced(&files[2]);
        logo.head.as_mut().unwrap().cache_control = Some("max-age=60".into());
        remote.push(logo);
        let plan = plan(&files, &remote);
        assert_eq!(
            keys(&plan),
            [
                ("logo.svg", Reason::Headers),
                ("index.html", Reason::Changed)
            ]
        );
        assert_eq!(plan.deletes, ["old chunk.js"]);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(
            plan.invalidate,
            ["/", "/index.html", "/logo.svg", "/old%20chunk.js"]
        );
    }

    #[test]
    fn a_different_size_needs_no_head_and_a_missing_digest_means_changed() {
        let files = [local("a.js", "a", 1), local("b.js", "b", 2)];
        let listed = [
            RemoteObject {
                key: "a.js".into(),
                size: 9,
                head: None,
            },
            RemoteObject {
                key: "b.js".into(),
                size: 2,
                head: None,
            },
        ];
        assert_eq!(needs_head(&files, &listed), ["b.js"]);
        let mut remote = listed.to_vec();
        remote[1].head = Some(RemoteHead::default());
        let plan = plan(&files, &remote);
        assert_eq!(
            keys(&plan),
            [("a.js", Reason::Changed), ("b.js", Reason::Changed)]
        );
    }

    #[test]
    fn too_many_paths_become_one_wildcard() {
        let remote: Vec<RemoteObject> = (0..=MAX_INVALIDATION_PATHS)
            .map(|i| synced(&local(&format!("f{i}.js"), "x", 1)))
            .collect();
        let plan = plan(&[], &remote);
        assert_eq!(plan.deletes.len(), MAX_INVALIDATION_PATHS + 1);
        assert_eq!(plan.invalidate, ["/*"]);
    }

    #[test]
    fn keys_are_encoded_for_invalidation() {
        assert_eq!(encode_path("a b/ü*.js"), "a%20b/%C3%BC%2A.js");
    }
}
