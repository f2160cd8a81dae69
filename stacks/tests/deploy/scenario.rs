//! The expense stack's life on a local CloudFormation: create, no change, update, the
//! replacement guard, drift (diff and verify), destroy; and a failing create rolled back.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudformation::config::Credentials;
use aws_sdk_cloudformation::types::{ChangeSetType, Parameter, StackStatus};

use crate::moto::Moto;

pub(crate) const STACK: &str = "expense-tracker-dev";
const REGION: &str = "eu-west-1";

/// What one run of `stackwright` did.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn expect(&self, code: i32, what: &str) -> &Self {
        assert_eq!(
            self.code, code,
            "{what}: exit {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

/// A scratch directory, a moto server and SDK clients pointed at it.
pub(crate) struct Env {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) moto: Moto,
    runtime: tokio::runtime::Runtime,
    pub(crate) sdk: SdkConfig,
}

impl Env {
    pub(crate) fn new(config: &str) -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let moto = Moto::start(dir.path());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let sdk = runtime.block_on(
            aws_config::defaults(BehaviorVersion::latest())
                .region(Region::new(REGION))
                .credentials_provider(Credentials::new("testing", "testing", None, None, "static"))
                .endpoint_url(&moto.url)
                .load(),
        );
        let env = Env {
            dir,
            moto,
            runtime,
            sdk,
        };
        env.write_config(config);
        fake_lambda_binaries(&env.target_dir());
        env
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("expense.toml")
    }

    pub(crate) fn target_dir(&self) -> PathBuf {
        self.dir.path().join("target")
    }

    /// Where `synth` and `deploy` write; `--no-build` reuses its bundles first.
    pub(crate) fn out_dir(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    pub(crate) fn write_config(&self, text: &str) {
        fs::write(self.config(), text).expect("config written");
    }

    /// Runs `stackwright <command> --config … --out … --endpoint-url … <extra>`.
    pub(crate) fn stackwright(&self, command: &str, extra: &[&str]) -> Run {
        let out = self.out_dir();
        let mut args = vec!["--out", path_str(&out)];
        args.extend_from_slice(extra);
        self.stackwright_without_out(command, &args)
    }

    /// Runs `stackwright <command> --config … --endpoint-url … <extra>`, for the commands
    /// that write nothing (`rollback`).
    pub(crate) fn stackwright_without_out(&self, command: &str, extra: &[&str]) -> Run {
        let config = self.config();
        let mut args = vec![command, "--config", path_str(&config)];
        args.extend(["--endpoint-url", self.moto.url.as_str()]);
        args.extend_from_slice(extra);
        let output = Command::new(env!("CARGO_BIN_EXE_stackwright"))
            .args(&args)
            .current_dir(self.dir.path())
            .env("CARGO_TARGET_DIR", self.target_dir())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", self.dir.path().join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.dir.path().join("no-aws-credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .stdin(Stdio::null())
            .output()
            .expect("stackwright runs");
        Run {
            code: output.status.code().expect("exits rather than killed"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub(crate) fn block<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    fn cloudformation(&self) -> aws_sdk_cloudformation::Client {
        aws_sdk_cloudformation::Client::new(&self.sdk)
    }

    pub(crate) fn stack_status(&self) -> Option<StackStatus> {
        let stacks = self
            .block(
                self.cloudformation()
                    .describe_stacks()
                    .stack_name(STACK)
                    .send(),
            )
            .ok()?;
        stacks.stacks()[0].stack_status().cloned()
    }

    /// The physical id of the stack's only resource of `resource_type` (or its first one).
    pub(crate) fn physical_id(&self, resource_type: &str) -> String {
        self.physical_id_of(resource_type, "")
    }

    /// The physical id of the first `resource_type` whose logical id starts with `prefix`.
    pub(crate) fn physical_id_of(&self, resource_type: &str, prefix: &str) -> String {
        let resources = self
            .block(
                self.cloudformation()
                    .list_stack_resources()
                    .stack_name(STACK)
                    .send(),
            )
            .expect("list_stack_resources");
        resources
            .stack_resource_summaries()
            .iter()
            .find(|r| {
                r.resource_type() == Some(resource_type)
                    && r.logical_resource_id()
                        .unwrap_or_default()
                        .starts_with(prefix)
            })
            .and_then(|r| r.physical_resource_id())
            .unwrap_or_else(|| panic!("no {resource_type} in the stack"))
            .to_owned()
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// Stand-ins for the Lambda executables where `synth --no-build` looks for them (a real
/// release build takes minutes): a small system ELF executable that passes the glibc check.
fn fake_lambda_binaries(target: &Path) {
    let elf = fs::read("/bin/true").expect("/bin/true stands in for the Lambda executables");
    for function in &expense_lambda::functions::ALL {
        let dir = target.join("lambda").join(function.bin);
        fs::create_dir_all(&dir).expect("bundle dir");
        fs::write(dir.join("bootstrap"), &elf).expect("fake bootstrap");
    }
}

pub(crate) fn dev_config() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/dev.toml");
    fs::read_to_string(path).expect("dev.toml")
}

#[test]
fn expense_stack_lifecycle() {
    let env = Env::new(&dev_config());
    first_deploy(&env);
    redeploy_without_change(&env);
    update_a_setting(&env);
    drift_is_invisible_to_diff_and_caught_by_verify(&env);
    replacing_the_table_needs_allow_replace(&env);
    destroy_lists_what_stays(&env);
}

fn first_deploy(env: &Env) {
    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(0, "first deploy");
    assert!(run.stdout.contains("[+] add"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("{STACK}: deployed")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("UserPoolId = "), "{}", run.stdout);
    assert!(
        run.stderr.contains("created asset bucket"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("CREATE_COMPLETE"),
        "events are shown: {}",
        run.stderr
    );
    assert_eq!(env.stack_status(), Some(StackStatus::CreateComplete));
    resources_read_back(env);
    asset_bucket_is_private_and_encrypted(env);
}

fn resources_read_back(env: &Env) {
    let table = env.physical_id("AWS::DynamoDB::Table");
    let dynamodb = aws_sdk_dynamodb::Client::new(&env.sdk);
    let described = env
        .block(dynamodb.describe_table().table_name(&table).send())
        .expect("the table is described");
    let description = described.table().expect("table");
    assert_eq!(description.table_name(), Some(table.as_str()));
    assert!(!description.key_schema().is_empty());

    let bucket = env.physical_id("AWS::S3::Bucket");
    let s3 = s3_client(env);
    let encryption = env
        .block(s3.get_bucket_encryption().bucket(&bucket).send())
        .expect("site bucket encryption");
    assert!(encryption.server_side_encryption_configuration().is_some());
    let block = env
        .block(s3.get_public_access_block().bucket(&bucket).send())
        .expect("site bucket public access block");
    let block = block.public_access_block_configuration().expect("block");
    assert_eq!(block.block_public_acls(), Some(true));
    assert_eq!(block.restrict_public_buckets(), Some(true));

    let role = env.physical_id_of("AWS::IAM::Role", "CreateExpenseServiceRole");
    let iam = aws_sdk_iam::Client::new(&env.sdk);
    let names = env
        .block(iam.list_role_policies().role_name(&role).send())
        .expect("role policies");
    let name = names
        .policy_names()
        .first()
        .expect("an inline policy")
        .clone();
    let policy = env
        .block(
            iam.get_role_policy()
                .role_name(&role)
                .policy_name(&name)
                .send(),
        )
        .expect("inline policy");
    let document: serde_json::Value = serde_json::from_str(&decode(policy.policy_document()))
        .expect("the policy document is JSON");
    assert!(document["Statement"].is_array(), "{document}");

    let pool = env.physical_id("AWS::Cognito::UserPool");
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&env.sdk);
    let described = env
        .block(cognito.describe_user_pool().user_pool_id(&pool).send())
        .expect("the user pool is described");
    assert_eq!(
        described.user_pool().and_then(|p| p.id()),
        Some(pool.as_str())
    );
}

fn decode(document: &str) -> String {
    if document.starts_with('{') {
        return document.to_owned();
    }
    let mut out = Vec::new();
    let bytes = document.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&document[i + 1..i + 3], 16).expect("escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

pub(crate) fn s3_client(env: &Env) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(&env.sdk)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

fn asset_bucket_is_private_and_encrypted(env: &Env) {
    let bucket = format!("stackwright-assets-123456789012-{REGION}");
    let s3 = s3_client(env);
    let block = env
        .block(s3.get_public_access_block().bucket(&bucket).send())
        .expect("asset bucket public access block");
    let block = block.public_access_block_configuration().expect("block");
    assert_eq!(block.block_public_policy(), Some(true));
    env.block(s3.get_bucket_encryption().bucket(&bucket).send())
        .expect("asset bucket encryption");
    let policy = env
        .block(s3.get_bucket_policy().bucket(&bucket).send())
        .expect("asset bucket policy");
    assert!(
        policy
            .policy()
            .unwrap_or_default()
            .contains("aws:SecureTransport")
    );
    let objects = env
        .block(
            s3.list_objects_v2()
                .bucket(&bucket)
                .prefix("assets/")
                .send(),
        )
        .expect("asset listing");
    assert!(!objects.contents().is_empty(), "the bundles were uploaded");
}

fn redeploy_without_change(env: &Env) {
    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(0, "redeploy");
    assert!(
        run.stdout.contains(&format!("{STACK}: no changes")),
        "{}",
        run.stdout
    );
    let change_sets = env
        .block(
            env.cloudformation()
                .list_change_sets()
                .stack_name(STACK)
                .send(),
        )
        .expect("list_change_sets");
    assert!(
        change_sets
            .summaries()
            .iter()
            .all(|s| s.execution_status().map(|e| e.as_str()) != Some("AVAILABLE")),
        "the empty change set was deleted"
    );
}

fn update_a_setting(env: &Env) {
    env.write_config(&dev_config().replace("memory_mb = 256", "memory_mb = 512"));
    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(0, "update");
    assert!(
        run.stdout.contains("[~] modify      AWS::Lambda::Function"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("└─ MemorySize"), "{}", run.stdout);
    assert_eq!(env.stack_status(), Some(StackStatus::UpdateComplete));
}

fn drift_is_invisible_to_diff_and_caught_by_verify(env: &Env) {
    let run = env.stackwright("diff", &[]);
    run.expect(0, "diff after the update");
    assert!(
        run.stdout.contains("There were no differences"),
        "{}",
        run.stdout
    );
    env.stackwright("verify", &[])
        .expect(0, "verify before drift");

    // Someone widens a function's policy by hand in the console.
    let role = env.physical_id_of("AWS::IAM::Role", "CreateExpenseServiceRole");
    let iam = aws_sdk_iam::Client::new(&env.sdk);
    let name = env
        .block(iam.list_role_policies().role_name(&role).send())
        .expect("role policies")
        .policy_names()[0]
        .clone();
    let widened = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DeleteTable"],"Resource":"*"}]}"#;
    env.block(
        iam.put_role_policy()
            .role_name(&role)
            .policy_name(&name)
            .policy_document(widened)
            .send(),
    )
    .expect("put_role_policy");

    let run = env.stackwright("diff", &[]);
    run.expect(0, "diff compares templates, which did not change");
    let run = env.stackwright("verify", &[]);
    run.expect(1, "verify after drift");
    assert!(run.stdout.contains("error[IAM-1]"), "{}", run.stdout);
    assert!(
        run.stdout.contains("dynamodb:deletetable"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&role), "{}", run.stdout);
}

/// The deployed template gets an explicit table name (as if another tool deployed it), so
/// the app's template, which has none, would replace the table.
fn replacing_the_table_needs_allow_replace(env: &Env) {
    let cfn = env.cloudformation();
    let body = env
        .block(cfn.get_template().stack_name(STACK).send())
        .expect("get_template")
        .template_body()
        .expect("body")
        .to_owned();
    let mut template: serde_json::Value = serde_json::from_str(&body).expect("JSON template");
    let table_id = template["Resources"]
        .as_object()
        .and_then(|r| r.iter().find(|(_, v)| v["Type"] == "AWS::DynamoDB::Table"))
        .map(|(k, _)| k.clone())
        .expect("a table");
    template["Resources"][&table_id]["Properties"]["TableName"] = "expenses-legacy".into();
    let keep = |key: &str| {
        Parameter::builder()
            .parameter_key(key)
            .use_previous_value(true)
            .build()
    };
    let created = env
        .block(
            cfn.create_change_set()
                .stack_name(STACK)
                .change_set_name("by-hand")
                .change_set_type(ChangeSetType::Update)
                .template_body(template.to_string())
                .parameters(keep("AssetBucket"))
                .send(),
        )
        .expect("create_change_set");
    env.block(
        cfn.execute_change_set()
            .change_set_name(created.id().expect("id"))
            .send(),
    )
    .expect("execute_change_set");

    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(1, "a table replacement without --allow-replace");
    assert!(
        run.stderr.contains("refused without --allow-replace"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "replace AWS::DynamoDB::Table {table_id} (changes TableName)"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(env.stack_status(), Some(StackStatus::UpdateComplete));

    let run = env.stackwright("deploy", &["--no-build", "--yes", "--allow-replace"]);
    run.expect(0, "the same change with --allow-replace");
    assert!(run.stdout.contains("[!] replace"), "{}", run.stdout);
}

fn destroy_lists_what_stays(env: &Env) {
    let table = env.physical_id("AWS::DynamoDB::Table");
    let run = env.stackwright("destroy", &["--yes"]);
    run.expect(0, "destroy");
    assert!(run.stdout.contains("stay in the account"), "{}", run.stdout);
    assert!(
        run.stdout.contains("AWS::DynamoDB::Table"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("AWS::Cognito::UserPool"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("{STACK}: deleted")),
        "{}",
        run.stdout
    );
    assert_eq!(env.stack_status(), None, "the stack is gone");
    let dynamodb = aws_sdk_dynamodb::Client::new(&env.sdk);
    env.block(dynamodb.describe_table().table_name(&table).send())
        .expect("the retained table is still there");
    let run = env.stackwright("destroy", &["--yes"]);
    run.expect(0, "destroy again");
    assert!(run.stdout.contains("does not exist"), "{}", run.stdout);
}

/// A distribution whose certificate does not exist fails (as CloudFront does); the stack
/// rolls back and the message names the resource and the reason.
#[test]
fn a_failing_resource_rolls_back() {
    let config = format!(
        "{}\n[site]\ndomain = \"app.example.com\"\ncertificate_arn = \"arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000\"\n",
        dev_config()
    );
    let env = Env::new(&config);
    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(1, "a deploy with a failing resource");
    assert!(
        run.stderr.contains("AWS::CloudFront::Distribution")
            && run.stderr.contains("SSL certificate doesn't exist"),
        "{}\n{}",
        run.stderr,
        env.moto.log_text()
    );
    assert!(
        run.stderr
            .contains(&format!("rollback: stack `{STACK}` is ROLLBACK_COMPLETE")),
        "{}",
        run.stderr
    );
    assert_eq!(env.stack_status(), Some(StackStatus::RollbackComplete));
    let iam = aws_sdk_iam::Client::new(&env.sdk);
    let roles = env.block(iam.list_roles().send()).expect("list_roles");
    assert!(
        roles.roles().is_empty(),
        "rolled-back roles are deleted: {:?}",
        roles.roles()
    );

    let run = env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(2, "a deploy onto a rolled-back stack");
    assert!(run.stderr.contains("stackwright destroy"), "{}", run.stderr);
    env.stackwright("destroy", &["--yes"])
        .expect(0, "destroy the rolled-back stack");
}
