//! The site sync of `deploy` against moto: a planted credential stops the deploy before any
//! upload, the first deploy uploads the folder with its headers (HTML last), a second uploads
//! nothing, a dry run changes nothing, and a changed and a deleted file are uploaded, removed
//! and invalidated.

use std::fs;
use std::path::Path;

use crate::scenario::{Env, STACK, dev_config, s3_client};

/// The build folder, beside the config file that names it.
const WEB: &str = "web";

const JS: &str = "assets/index-BdQq_4o5.js";
const CSS: &str = "assets/index-3f2a1b9c.css";

fn write(dir: &Path, key: &str, text: &str) {
    let path = dir.join(key);
    fs::create_dir_all(path.parent().expect("a parent")).expect("folder");
    fs::write(path, text).expect("site file");
}

/// A small built app: hashed bundles, the page naming them, an unhashed file.
fn build(web: &Path) {
    write(
        web,
        "index.html",
        "<!doctype html><script src=\"/assets/index-BdQq_4o5.js\"></script>\n",
    );
    write(web, JS, "console.log(\"expenses\");\n");
    write(web, CSS, "body{margin:0}\n");
    write(web, "robots.txt", "User-agent: *\n");
}

struct Object {
    body: String,
    content_type: String,
    cache_control: String,
    sha256: String,
}

impl Env {
    /// The stack output `name`.
    fn output(&self, name: &str) -> String {
        let described = self
            .block(
                aws_sdk_cloudformation::Client::new(&self.sdk)
                    .describe_stacks()
                    .stack_name(STACK)
                    .send(),
            )
            .expect("describe_stacks");
        described.stacks()[0]
            .outputs()
            .iter()
            .find(|o| o.output_key() == Some(name))
            .and_then(|o| o.output_value())
            .unwrap_or_else(|| panic!("no output {name}"))
            .to_owned()
    }

    fn site_bucket(&self) -> String {
        self.output("SiteBucketName")
    }

    fn site_keys(&self) -> Vec<String> {
        let listing = self
            .block(
                s3_client(self)
                    .list_objects_v2()
                    .bucket(self.site_bucket())
                    .send(),
            )
            .expect("site listing");
        listing
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_owned))
            .collect()
    }

    fn site_object(&self, key: &str) -> Object {
        let got = self
            .block(
                s3_client(self)
                    .get_object()
                    .bucket(self.site_bucket())
                    .key(key)
                    .send(),
            )
            .unwrap_or_else(|e| panic!("get {key}: {e}"));
        let content_type = got.content_type().unwrap_or_default().to_owned();
        let cache_control = got.cache_control().unwrap_or_default().to_owned();
        let sha256 = got
            .metadata()
            .and_then(|m| m.get("sha256"))
            .cloned()
            .unwrap_or_default();
        let bytes = self
            .block(got.body.collect())
            .expect("object body")
            .into_bytes();
        Object {
            body: String::from_utf8_lossy(&bytes).into_owned(),
            content_type,
            cache_control,
            sha256,
        }
    }

    /// Every invalidation of the site's distribution, as path lists.
    fn invalidations(&self) -> Vec<Vec<String>> {
        let distribution = self.output("SiteDistributionId");
        let cloudfront = aws_sdk_cloudfront::Client::new(&self.sdk);
        let list = self
            .block(
                cloudfront
                    .list_invalidations()
                    .distribution_id(&distribution)
                    .send(),
            )
            .expect("list_invalidations");
        let ids: Vec<String> = list
            .invalidation_list()
            .map(|l| l.items().iter().map(|i| i.id().to_owned()).collect())
            .unwrap_or_default();
        ids.iter()
            .map(|id| {
                let got = self
                    .block(
                        cloudfront
                            .get_invalidation()
                            .distribution_id(&distribution)
                            .id(id)
                            .send(),
                    )
                    .expect("get_invalidation");
                let batch = got.invalidation().expect("invalidation");
                let paths = batch.invalidation_batch().and_then(|b| b.paths());
                paths.map(|p| p.items().to_vec()).unwrap_or_default()
            })
            .collect()
    }
}

#[test]
fn site_folder_is_synced_with_the_bucket() {
    let config = format!("{}\n[site]\nbuild_dir = \"{WEB}\"\n", dev_config());
    let env = Env::new(&config);
    let web = env.dir.path().join(WEB);
    build(&web);

    a_planted_key_stops_the_deploy_before_anything(&env, &web);
    let run = env.stackwright("deploy", &["--no-build", "--dry-run"]);
    run.expect(0, "dry run before the stack exists");
    assert!(
        run.stdout.contains("the stack does not exist")
            && run.stdout.contains("upload all 4 site file(s)"),
        "{}",
        run.stdout
    );
    assert_eq!(env.stack_status(), None, "a dry run creates nothing");

    first_deploy_uploads_everything_html_last(&env);
    second_deploy_uploads_nothing(&env);
    changes_are_planned_by_a_dry_run_then_synced(&env, &web);
    a_key_planted_later_stops_the_deploy_and_the_bucket_stays(&env, &web);
}

fn a_planted_key_stops_the_deploy_before_anything(env: &Env, web: &Path) {
    write(web, "assets/leak.js", "const k=\"AKIAIOSFODNN7EXAMPLE\";\n");
    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(2, "a deploy with a planted access key");
    assert!(
        run.stderr
            .contains("assets/leak.js:1: holds an AWS access key ID"),
        "{}",
        run.stderr
    );
    assert_eq!(env.stack_status(), None, "no stack was created");
    let buckets = env
        .block(s3_client(env).list_buckets().send())
        .expect("list_buckets");
    assert!(
        buckets.buckets().is_empty(),
        "no bucket, so no upload: {:?}",
        buckets.buckets()
    );
    fs::remove_file(web.join("assets/leak.js")).expect("leak removed");
}

fn first_deploy_uploads_everything_html_last(env: &Env) {
    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(0, "first deploy with a site");
    assert!(
        run.stdout
            .contains(&format!("{STACK}: site synced: 4 uploaded, 0 deleted")),
        "{}",
        run.stdout
    );
    let uploads: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("site: ["))
        .collect();
    assert_eq!(uploads.len(), 4, "{}", run.stderr);
    assert!(
        uploads[3].contains("uploaded index.html (new, no-cache)"),
        "HTML goes last: {uploads:?}"
    );
    assert_eq!(env.site_keys(), [CSS, JS, "index.html", "robots.txt"]);

    let js = env.site_object(JS);
    assert_eq!(js.content_type, "text/javascript; charset=utf-8");
    assert_eq!(js.cache_control, "public, max-age=31536000, immutable");
    assert_eq!(js.sha256.len(), 64);
    let index = env.site_object("index.html");
    assert_eq!(index.content_type, "text/html; charset=utf-8");
    assert_eq!(index.cache_control, "no-cache");
    assert!(
        env.invalidations().is_empty(),
        "new files need no invalidation"
    );
}

fn second_deploy_uploads_nothing(env: &Env) {
    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(0, "second deploy");
    assert!(
        run.stdout.contains(&format!(
            "{STACK}: site up to date (4 file(s) in bucket {})",
            env.site_bucket()
        )),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("site: "), "{}", run.stderr);
    assert!(env.invalidations().is_empty());
}

fn changes_are_planned_by_a_dry_run_then_synced(env: &Env, web: &Path) {
    write(web, "robots.txt", "User-agent: *\nDisallow: /private\n");
    fs::remove_file(web.join(CSS)).expect("css removed");
    write(web, "favicon.ico", "ico");

    let run = env.stackwright("deploy", &["--no-build", "--dry-run"]);
    run.expect(0, "dry run of a change");
    for line in [
        "upload      changed  robots.txt  (text/plain; charset=utf-8; public, max-age=300)",
        "upload      new      favicon.ico",
        &format!("delete               {CSS}"),
        "invalidate           /robots.txt",
        &format!("invalidate           /{CSS}"),
        "would upload 2, delete 1, invalidate 2 path(s); 2 unchanged",
    ] {
        assert!(run.stdout.contains(line), "`{line}` in:\n{}", run.stdout);
    }
    assert_eq!(
        env.site_keys(),
        [CSS, JS, "index.html", "robots.txt"],
        "a dry run deletes nothing"
    );
    assert_eq!(env.site_object("robots.txt").body, "User-agent: *\n");
    assert!(
        env.invalidations().is_empty(),
        "a dry run invalidates nothing"
    );

    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(0, "deploy of a change");
    assert!(
        run.stdout
            .contains("site synced: 2 uploaded, 1 deleted, 2 unchanged; invalidation "),
        "{}",
        run.stdout
    );
    assert_eq!(
        env.site_keys(),
        [JS, "favicon.ico", "index.html", "robots.txt"]
    );
    let robots = env.site_object("robots.txt");
    assert_eq!(robots.body, "User-agent: *\nDisallow: /private\n");
    assert_eq!(robots.content_type, "text/plain; charset=utf-8");
    assert_eq!(robots.cache_control, "public, max-age=300");
    assert_eq!(
        env.invalidations(),
        [vec![format!("/{CSS}"), "/robots.txt".to_owned()]]
    );
}

fn a_key_planted_later_stops_the_deploy_and_the_bucket_stays(env: &Env, web: &Path) {
    write(web, "index.html", "<!doctype html>changed\n");
    write(web, "config.js", "window.k=\"AKIAIOSFODNN7EXAMPLE\";\n");
    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(2, "a deploy with a key planted after the first sync");
    assert!(
        run.stderr
            .contains("config.js:1: holds an AWS access key ID"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.site_keys(),
        [JS, "favicon.ico", "index.html", "robots.txt"]
    );
    assert!(
        !env.site_object("index.html").body.contains("changed"),
        "nothing was uploaded, the clean file neither"
    );
}
