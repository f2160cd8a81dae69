//! A function's release history on the local CloudFormation: each code change publishes a
//! version and moves the `live` alias; `rollback` moves it back (and `--to` forward again)
//! without a deploy; `diff` and `deploy` say when an alias is behind (and warn when they
//! cannot tell); pruning keeps the configured count and never the version an alias is on.
//!
//! One stack is deployed once and then changed step by step, so the steps depend on each
//! other: each says where the alias and the versions stand when it ends.

use std::fs::{self, OpenOptions};
use std::io::Write as _;

use crate::scenario::{Env, STACK, dev_config};

/// The function whose code the test changes, by construct name.
const FUNCTION: &str = "CreateExpense";
/// Its executable, whose bytes decide the bundle's hash.
const BIN: &str = "create-expense";

#[test]
fn versions_rollback_and_pruning() {
    let env = Env::new(&with_keep_versions(3));
    env.stackwright("deploy", &["--no-build", "--yes"])
        .expect(0, "first deploy");
    let function = env.physical_id_of("AWS::Lambda::Function", FUNCTION);
    let lambda = aws_sdk_lambda::Client::new(&env.sdk);
    let release = Release {
        env: &env,
        lambda,
        function,
    };
    assert_eq!(release.published(), [1]);
    assert_eq!(release.live(), "1");

    nothing_to_roll_back_to(&release);
    a_code_change_moves_the_alias(&release, 2);
    rollback_moves_it_back(&release);
    diff_and_deploy_report_the_stale_alias(&release);
    rollback_to_a_named_version(&release);
    a_code_change_moves_the_alias(&release, 3);
    pruning_keeps_the_count_and_the_aliased_version(&release);
    unreadable_aliases_are_a_warning_in_diff(&release);
}

/// The deployed function and a Lambda client to read its versions and alias.
struct Release<'a> {
    env: &'a Env,
    lambda: aws_sdk_lambda::Client,
    function: String,
}

impl Release<'_> {
    fn published(&self) -> Vec<u64> {
        let listed = self
            .env
            .block(
                self.lambda
                    .list_versions_by_function()
                    .function_name(&self.function)
                    .send(),
            )
            .expect("list_versions_by_function");
        let mut versions: Vec<u64> = listed
            .versions()
            .iter()
            .filter_map(|v| v.version()?.parse().ok())
            .collect();
        versions.sort_unstable();
        versions
    }

    fn live(&self) -> String {
        let alias = self
            .env
            .block(
                self.lambda
                    .get_alias()
                    .function_name(&self.function)
                    .name("live")
                    .send(),
            )
            .expect("get_alias");
        alias.function_version().expect("a version").to_owned()
    }

    fn rollback(&self, extra: &[&str]) -> crate::scenario::Run {
        self.env.stackwright_without_out("rollback", extra)
    }
}

fn with_keep_versions(keep: u32) -> String {
    dev_config().replace(
        "[functions]\n",
        &format!("[functions]\nkeep_versions = {keep}\n"),
    )
}

/// Right after the first deploy every alias is on the only version there is.
fn nothing_to_roll_back_to(release: &Release<'_>) {
    let run = release.rollback(&[]);
    run.expect(1, "rollback with one version each");
    assert!(
        run.stderr.contains("no earlier published version")
            && run.stderr.contains("no alias was moved"),
        "{}",
        run.stderr
    );
    let run = release.rollback(&["--function", "NoSuchFunction"]);
    run.expect(2, "rollback of an unknown function");
    assert!(
        run.stderr.contains(FUNCTION),
        "lists the known: {}",
        run.stderr
    );
    let run = release.rollback(&["--stack", "no-such-stack"]);
    run.expect(2, "rollback of a stack the app does not define");
    assert!(
        run.stderr.contains("no stack named `no-such-stack`"),
        "{}",
        run.stderr
    );
    assert_eq!(release.live(), "1");
}

/// New bytes in one executable (as a build would leave them in the target directory): a new
/// bundle, a new version, the alias on it.
fn a_code_change_moves_the_alias(release: &Release<'_>, version: u64) {
    let bootstrap = release
        .env
        .target_dir()
        .join("lambda")
        .join(BIN)
        .join("bootstrap");
    let mut file = OpenOptions::new()
        .append(true)
        .open(&bootstrap)
        .expect("the fake bootstrap");
    write!(file, "release {version}").expect("bootstrap changed");
    drop(file);
    // `--no-build` takes the previous output's bundles before the target directory's.
    fs::remove_dir_all(release.env.out_dir()).expect("output directory removed");

    let run = release.env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(0, "deploy of a code change");
    assert!(
        run.stdout.contains("AWS::Lambda::Version"),
        "a new version resource: {}",
        run.stdout
    );
    assert_eq!(release.live(), version.to_string());
    assert_eq!(*release.published().last().expect("versions"), version);
}

/// Alias on 2 of [1, 2]: `rollback` of every function stops on those with one version;
/// `--function` moves this one to 1 and says so.
fn rollback_moves_it_back(release: &Release<'_>) {
    let run = release.rollback(&["--all"]);
    run.expect(1, "rollback --all where other functions have one version");
    assert_eq!(release.live(), "2", "nothing moved");

    let run = release.rollback(&["--stack", STACK, "--function", FUNCTION]);
    run.expect(0, "rollback of one function");
    assert_eq!(
        run.stdout.trim(),
        format!("{FUNCTION}: live 2 -> 1"),
        "{}",
        run.stderr
    );
    assert_eq!(release.live(), "1");
    assert_eq!(release.published(), [1, 2], "rollback deletes nothing");
}

/// Alias on 1, latest 2.
fn diff_and_deploy_report_the_stale_alias(release: &Release<'_>) {
    let run = release.env.stackwright("diff", &[]);
    run.expect(1, "diff with an alias behind");
    assert!(
        run.stdout
            .contains("Aliases not on the latest published version")
            && run
                .stdout
                .contains(&format!("[~] {FUNCTION}: live on 1, latest 2")),
        "{}",
        run.stdout
    );

    let run = release.env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(0, "deploy without a change");
    assert!(
        run.stdout.contains(&format!("{STACK}: no changes"))
            && run.stdout.contains(&format!(
                "note: {FUNCTION}: alias `live` is on version 1, not on the latest (2)"
            )),
        "{}",
        run.stdout
    );
    assert_eq!(release.live(), "1", "a deploy without a change leaves it");
}

/// Back to 2 by name; `--to` an unknown version moves nothing.
fn rollback_to_a_named_version(release: &Release<'_>) {
    let run = release.rollback(&["--function", FUNCTION, "--to", "7"]);
    run.expect(2, "rollback to a version never published");
    assert!(
        run.stderr
            .contains("has no published version 7 (published: 1, 2)"),
        "{}",
        run.stderr
    );
    let run = release.rollback(&["--function", FUNCTION, "--to", "2"]);
    run.expect(0, "rollback --to");
    assert_eq!(run.stdout.trim(), format!("{FUNCTION}: live 1 -> 2"));
    assert_eq!(release.live(), "2");
    release
        .env
        .stackwright("diff", &[])
        .expect(0, "diff with every alias on its latest version");
}

/// Versions [1, 2, 3], alias on 3. The alias goes back to 1, then a deploy keeping one
/// version deletes 2 only: 3 is the newest (and the template's), 1 is the alias's.
fn pruning_keeps_the_count_and_the_aliased_version(release: &Release<'_>) {
    assert_eq!(release.published(), [1, 2, 3], "nothing pruned under 3");
    release
        .rollback(&["--function", FUNCTION, "--to", "1"])
        .expect(0, "rollback to the oldest");

    release.env.write_config(&with_keep_versions(1));
    let run = release.env.stackwright("deploy", &["--no-build", "--yes"]);
    run.expect(0, "deploy keeping one version");
    assert!(
        run.stdout
            .contains(&format!("{STACK}: pruned versions 2 of {FUNCTION}")),
        "{}",
        run.stdout
    );
    assert_eq!(release.published(), [1, 3]);
    assert_eq!(release.live(), "1", "the alias's version stays");
}

/// The function deleted by hand: `diff` cannot read its alias, says so, and still compares
/// the templates (which agree).
fn unreadable_aliases_are_a_warning_in_diff(release: &Release<'_>) {
    release
        .env
        .block(
            release
                .lambda
                .delete_function()
                .function_name(&release.function)
                .send(),
        )
        .expect("delete_function");
    let run = release.env.stackwright("diff", &[]);
    run.expect(0, "diff without readable aliases");
    assert!(
        run.stderr.contains(&format!(
            "warning: cannot read the function aliases of stack `{STACK}` (not checked)"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("There were no differences"),
        "{}",
        run.stdout
    );
}
