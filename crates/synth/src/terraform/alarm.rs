//! `AWS::CloudWatch::Alarm` → `aws_cloudwatch_metric_alarm`. The provider requires an alarm
//! name; without `AlarmName` it is derived from the stack and the construct path. Dimensions,
//! a list of name/value pairs, become a map.

use serde_json::{Map, Value as Json};

use super::names;
use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn alarm(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_cloudwatch_metric_alarm", res.name.clone());
    match res.take("AlarmName") {
        Some(name) => block.set("alarm_name", res.value(&name)?),
        None => block.set("alarm_name", names::physical(&res.x.stack, &res.name, 255)),
    }
    res.copy_all(
        &mut block,
        &[
            ("alarm_description", "AlarmDescription"),
            ("actions_enabled", "ActionsEnabled"),
            ("alarm_actions", "AlarmActions"),
            ("ok_actions", "OKActions"),
            ("insufficient_data_actions", "InsufficientDataActions"),
            ("comparison_operator", "ComparisonOperator"),
            ("evaluation_periods", "EvaluationPeriods"),
            ("datapoints_to_alarm", "DatapointsToAlarm"),
            ("metric_name", "MetricName"),
            ("namespace", "Namespace"),
            ("period", "Period"),
            ("statistic", "Statistic"),
            ("extended_statistic", "ExtendedStatistic"),
            ("threshold", "Threshold"),
            ("treat_missing_data", "TreatMissingData"),
            ("unit", "Unit"),
        ],
    )?;
    if let Some(dimensions) = res.take("Dimensions") {
        let mut map = Map::new();
        for dimension in dimensions.as_array().into_iter().flatten() {
            let Some(name) = dimension.get("Name").and_then(Json::as_str) else {
                return Err(res.error("a dimension has no literal `Name`"));
            };
            map.insert(
                name.to_owned(),
                res.value(dimension.get("Value").unwrap_or(&Json::Null))?,
            );
        }
        block.set("dimensions", Json::Object(map));
    }
    res.tag(&mut block);
    Ok(vec![block])
}
