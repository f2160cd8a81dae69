//! Alarms and the encrypted SNS topic they notify.
//!
//! The topic is encrypted with its own customer-managed key, because CloudWatch cannot publish
//! to a topic encrypted with the AWS-managed `aws/sns` key: the key policy lets
//! `cloudwatch.amazonaws.com` use it, pinned to this account. The topic policy admits only
//! CloudWatch alarms of this account and refuses publishing without TLS.

use crate::cfn::cloudwatch::alarm;
use crate::cfn::{Value, cloudwatch, sns};
use crate::constructs::{Function, Key, KeyProps, RestApi, reference, sub};
use crate::error::{Result, SynthError};
use crate::iam::{PolicyDocument, PolicyStatement, Principal};
use crate::logical_id::{ConstructPath, LogicalId};
use crate::perms::KmsAction;
use crate::stack::Stack;

/// Settings of an [`AlarmTopic`].
#[derive(Debug, Clone, Default)]
pub struct AlarmTopicProps {
    /// An e-mail address subscribed to the topic (the owner confirms it by mail).
    /// Default: `-` none.
    pub email: Option<String>,
}

/// Settings shared by the alarms of one topic.
#[derive(Debug, Clone, Copy)]
pub struct AlarmThresholds {
    /// Evaluation period in seconds. Default: `300`.
    pub period_secs: i64,
    /// Lambda errors in one period that raise the alarm. Default: `1`.
    pub function_errors: f64,
    /// Lambda throttles in one period that raise the alarm. Default: `1`.
    pub function_throttles: f64,
    /// API 5xx responses in one period that raise the alarm. Default: `1`.
    pub api_5xx: f64,
}

impl Default for AlarmThresholds {
    fn default() -> Self {
        Self {
            period_secs: 300,
            function_errors: 1.0,
            function_throttles: 1.0,
            api_5xx: 1.0,
        }
    }
}

/// An encrypted SNS topic that alarms notify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmTopic {
    id: LogicalId,
    path: ConstructPath,
}

impl AlarmTopic {
    /// Adds the topic at `id` in the current scope: `Key`, `Resource`, `Policy` and, with an
    /// e-mail address, `EmailSubscription`.
    ///
    /// # Errors
    /// [`SynthError::InvalidProperty`] for an e-mail address without `@`, or a tree error.
    pub fn new(stack: &mut Stack, id: &str, props: AlarmTopicProps) -> Result<Self> {
        let path = stack.add_construct(id, "AlarmTopic")?;
        let key_path = stack.add_construct_at(&path, "Key", "Key")?;
        let key_props = KeyProps::default()
            .description(format!(
                "encrypts the alarm topic {}",
                stack.full_path(&path)
            ))
            .allow_service(
                "cloudwatch.amazonaws.com",
                &[KmsAction::Decrypt, KmsAction::GenerateDataKey],
            );
        let key = Key::at(stack, &key_path, key_props)?;
        let topic = sns::Topic::default()
            .kms_master_key_id(key.arn())
            .display_name("alarms");
        let topic_id = stack.add_resource(&path, "Resource", &topic)?;
        let policy =
            sns::TopicPolicy::new(topic_policy(&topic_id).to_json(), [reference(&topic_id)]);
        stack.add_resource(&path, "Policy", &policy)?;
        if let Some(email) = &props.email {
            if !email.contains('@') || email.contains(char::is_whitespace) {
                return Err(SynthError::InvalidProperty {
                    path: stack.full_path(&path),
                    field: "email",
                    reason: format!("{email:?} is not an e-mail address"),
                });
            }
            let subscription =
                sns::Subscription::new("email", reference(&topic_id)).endpoint(email.as_str());
            stack.add_resource(&path, "EmailSubscription", &subscription)?;
        }
        Ok(Self { id: topic_id, path })
    }

    /// The topic ARN.
    pub fn arn(&self) -> Value<String> {
        reference(&self.id)
    }

    /// Alarms when `function` reports errors, and when it is throttled.
    ///
    /// # Errors
    /// A tree error (e.g. two alarms for one function).
    pub fn watch_function(
        &self,
        stack: &mut Stack,
        function: &Function,
        thresholds: AlarmThresholds,
    ) -> Result<()> {
        let name = function.path().to_string();
        let dims = || [alarm::Dimension::new("FunctionName", function.name())];
        let metrics = [
            ("Errors", thresholds.function_errors, "returned errors"),
            ("Throttles", thresholds.function_throttles, "was throttled"),
        ];
        for (metric, threshold, what) in metrics {
            let alarm = self
                .alarm("AWS/Lambda", metric, threshold, thresholds.period_secs)
                .alarm_description(format!("{name} {what}"))
                .dimensions(dims());
            stack.add_resource(&self.path, &format!("{}{metric}", alnum_id(&name)), &alarm)?;
        }
        Ok(())
    }

    /// Alarms when `api` answers with 5xx errors.
    ///
    /// # Errors
    /// A tree error (e.g. two alarms for one API).
    pub fn watch_api(
        &self,
        stack: &mut Stack,
        api: &RestApi,
        thresholds: AlarmThresholds,
    ) -> Result<()> {
        let dims = [
            alarm::Dimension::new("ApiName", api.name()),
            alarm::Dimension::new("Stage", api.stage_name()),
        ];
        let alarm = self
            .alarm(
                "AWS/ApiGateway",
                "5XXError",
                thresholds.api_5xx,
                thresholds.period_secs,
            )
            .alarm_description(format!("{} answered with 5xx errors", api.name()))
            .dimensions(dims);
        stack.add_resource(
            &self.path,
            &format!("{}5XXError", api.construct_id()),
            &alarm,
        )?;
        Ok(())
    }

    fn alarm(
        &self,
        namespace: &str,
        metric: &str,
        threshold: f64,
        period: i64,
    ) -> cloudwatch::Alarm {
        cloudwatch::Alarm::default()
            .comparison_operator("GreaterThanOrEqualToThreshold")
            .evaluation_periods(1_i64)
            .namespace(namespace)
            .metric_name(metric)
            .statistic("Sum")
            .period(period)
            .threshold(threshold)
            .treat_missing_data("notBreaching")
            .alarm_actions([self.arn()])
            .ok_actions([self.arn()])
    }
}

fn alnum_id(text: &str) -> String {
    crate::constructs::alnum(text)
}

/// CloudWatch alarms of this account may publish; nobody may publish without TLS.
fn topic_policy(topic: &LogicalId) -> PolicyDocument {
    let arn = reference(topic);
    PolicyDocument::new([
        PolicyStatement::allow(["sns:Publish"], [arn.clone()])
            .sid("AllowCloudWatchAlarmsOfThisAccount")
            .principal(Principal::Service("cloudwatch.amazonaws.com".to_owned()))
            .condition(
                "StringEquals",
                "aws:SourceAccount",
                sub("${AWS::AccountId}"),
            ),
        PolicyStatement::deny(["sns:Publish"], [arn])
            .sid("DenyInsecureTransport")
            .principal(Principal::Anyone)
            .condition("Bool", "aws:SecureTransport", "false"),
    ])
}
