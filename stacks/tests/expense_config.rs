//! Validation of the expense config: the committed examples pass, and every refused value is
//! reported under its dotted key.

use std::error::Error;
use std::path::Path;

use stackwright::expense::{self, BuildError, ExpenseConfig};

type TestResult<T = ()> = Result<T, Box<dyn Error>>;

const MINIMAL: &str = r#"
environment = "test"
[tags]
project = "p"
owner = "o"
cost-center = "c"
"#;

fn parse(extra: &str) -> TestResult<ExpenseConfig> {
    Ok(toml::from_str(&format!("{MINIMAL}\n{extra}"))?)
}

fn rejected_key(extra: &str) -> TestResult<String> {
    let config: ExpenseConfig = toml::from_str(extra)?;
    Ok(config.validate().err().ok_or("config was accepted")?.key)
}

#[test]
fn committed_configs_are_valid_and_build() -> TestResult {
    for env in ["dev", "prod"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("config/{env}.toml"));
        let config: ExpenseConfig = toml::from_str(&std::fs::read_to_string(path)?)?;
        config.validate()?;
        assert_eq!(config.environment, env);
        expense::build(&config)?;
    }
    Ok(())
}

#[test]
fn a_minimal_config_takes_secure_defaults() -> TestResult {
    let config = parse("")?;
    config.validate()?;
    assert!(config.table.point_in_time_recovery);
    assert!(config.table.deletion_protection);
    assert_eq!(config.auth.access_token_minutes, 60);
    assert_eq!(config.stack_name(), "expense-tracker-test");
    Ok(())
}

#[test]
fn each_bad_value_names_its_key() -> TestResult {
    let cases = [
        ("[api]\nthrottle_rate_limit = 0", "api.throttle_rate_limit"),
        ("[api]\nthrottle_rate_limit = -5", "api.throttle_rate_limit"),
        (
            "[api]\nthrottle_burst_limit = 0",
            "api.throttle_burst_limit",
        ),
        ("[api]\ncors_origins = [\"*\"]", "api.cors_origins[0]"),
        (
            "[api]\ncors_origins = [\"https://ok.example.com\", \"http://plain.example.com\"]",
            "api.cors_origins[1]",
        ),
        (
            "[api]\ncors_origins = [\"https://*.example.com\"]",
            "api.cors_origins[0]",
        ),
        ("[api]\nstage_name = \"bad stage\"", "api.stage_name"),
        (
            "[auth]\naccess_token_minutes = 120",
            "auth.access_token_minutes",
        ),
        (
            "[auth]\npassword_min_length = 6",
            "auth.password_min_length",
        ),
        ("[auth]\nrefresh_token_days = 0", "auth.refresh_token_days"),
        (
            "[site]\ndomain = \"app.example.com\"",
            "site.certificate_arn",
        ),
        (
            "[site]\ncertificate_arn = \"arn:aws:acm:us-east-1:1:certificate/x\"",
            "site.domain",
        ),
        (
            "[site]\ndomain = \"app.example.com\"\ncertificate_arn = \"arn:aws:acm:eu-west-1:1:certificate/x\"",
            "site.certificate_arn",
        ),
        ("[alarms]\nemail = \"not-an-address\"", "alarms.email"),
        ("[functions]\ntimeout_secs = 60", "functions.timeout_secs"),
        ("[functions]\nmemory_mb = 64", "functions.memory_mb"),
        (
            "[terraform.backend]\nbucket = \"Bad_Bucket\"\nregion = \"eu-west-1\"",
            "terraform.backend.bucket",
        ),
        (
            "[terraform.backend]\nbucket = \"state\"\nkey = \"\"\nregion = \"eu-west-1\"",
            "terraform.backend.key",
        ),
        (
            "[terraform.backend]\nbucket = \"state\"",
            "terraform.backend.region",
        ),
    ];
    for (extra, key) in cases {
        assert_eq!(
            rejected_key(&format!("{MINIMAL}\n{extra}"))?,
            key,
            "{extra}"
        );
    }
    Ok(())
}

#[test]
fn the_terraform_backend_defaults_to_the_stack_and_region() -> TestResult {
    // Top-level keys go before MINIMAL's `[tags]` table.
    let with_region = |extra: &str| -> TestResult<ExpenseConfig> {
        Ok(toml::from_str(&format!(
            "region = \"eu-west-1\"\n{MINIMAL}\n{extra}"
        ))?)
    };
    let config = with_region("[terraform.backend]\nbucket = \"state\"")?;
    config.validate()?;
    let options = config.terraform_options();
    let backend = options.backend.ok_or("no backend")?;
    assert_eq!(
        backend.key,
        format!("{}/terraform.tfstate", config.stack_name())
    );
    assert_eq!(backend.region, "eu-west-1");
    assert_eq!(backend.locking, synth::terraform::Locking::Lockfile);
    assert_eq!(options.region.as_deref(), Some("eu-west-1"));
    let config =
        with_region("[terraform.backend]\nbucket = \"state\"\ndynamodb_table = \"locks\"")?;
    let locking = config
        .terraform_options()
        .backend
        .ok_or("no backend")?
        .locking;
    assert_eq!(
        locking,
        synth::terraform::Locking::DynamoDb("locks".to_owned())
    );
    assert_eq!(parse("")?.terraform_options().backend, None);
    Ok(())
}

#[test]
fn identity_and_tags_are_checked() -> TestResult {
    let base = MINIMAL.replace("environment = \"test\"", "environment = \"Prod!\"");
    assert_eq!(rejected_key(&base)?, "environment");
    let no_owner = MINIMAL.replace("owner = \"o\"\n", "");
    assert_eq!(rejected_key(&no_owner)?, "tags.owner");
    let clash = format!("{MINIMAL}environment = \"prod\"");
    assert_eq!(rejected_key(&clash)?, "tags.environment");
    let reserved = format!("{MINIMAL}\"aws:x\" = \"y\"");
    assert_eq!(rejected_key(&reserved)?, "tags.aws:x");
    assert_eq!(
        rejected_key(&format!("account = \"12ab\"\n{MINIMAL}"))?,
        "account"
    );
    assert_eq!(
        rejected_key(&format!("region = \"moon\"\n{MINIMAL}"))?,
        "region"
    );
    Ok(())
}

#[test]
fn unknown_keys_are_refused() {
    let typo = format!("{MINIMAL}\n[table]\npoint_in_time_recovry = false");
    let err = toml::from_str::<ExpenseConfig>(&typo)
        .unwrap_err()
        .to_string();
    assert!(err.contains("point_in_time_recovry"), "{err}");
}

#[test]
fn build_refuses_an_invalid_config_before_building() -> TestResult {
    let config = parse("[api]\nthrottle_rate_limit = 0")?;
    let err = expense::build(&config).err().ok_or("built")?;
    assert!(matches!(err, BuildError::Config(_)));
    assert_eq!(
        err.to_string(),
        "invalid config key `api.throttle_rate_limit`: a number greater than 0"
    );
    Ok(())
}

#[test]
fn the_schema_describes_every_section() -> TestResult {
    let schema = serde_json::to_value(schemars::schema_for!(ExpenseConfig))?;
    let properties = schema["properties"].as_object().ok_or("no properties")?;
    for key in [
        "environment",
        "tags",
        "api",
        "table",
        "auth",
        "site",
        "alarms",
        "functions",
        "terraform",
    ] {
        assert!(properties.contains_key(key), "{key}");
    }
    assert_eq!(schema["additionalProperties"], false);
    Ok(())
}
