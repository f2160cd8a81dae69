//! An SDK interceptor that records the IAM actions each AWS call needs, so a test can compare
//! what a handler really did with what its function declares.
//!
//! It maps an operation to IAM actions the way IAM authorises it: most operations are their
//! own action (`dynamodb:Query`, `cognito-idp:AdminDeleteUser`), but `TransactWriteItems` has
//! no action of its own and needs the action of each write it holds (`dynamodb:PutItem` for a
//! `Put`, `dynamodb:ConditionCheckItem` for a `ConditionCheck`).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The actions recorded since the last [`Recorder::take`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Recorder(Arc<Mutex<BTreeSet<String>>>);

impl Recorder {
    /// The actions recorded so far; starts a new recording.
    pub(crate) fn take(&self) -> BTreeSet<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "ActionRecorder"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let metadata = cfg.load::<Metadata>().ok_or("no operation metadata")?;
        let actions = match (metadata.service(), metadata.name()) {
            ("DynamoDB", "TransactWriteItems") => {
                let input = context.input().downcast_ref::<TransactWriteItemsInput>();
                transaction_actions(input.ok_or("not a TransactWriteItems input")?)
            }
            ("DynamoDB", name) => vec![format!("dynamodb:{name}")],
            ("Cognito Identity Provider", name) => vec![format!("cognito-idp:{name}")],
            ("Secrets Manager", name) => vec![format!("secretsmanager:{name}")],
            (service, name) => vec![format!("unknown-service({service}):{name}")],
        };
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(actions);
        Ok(())
    }
}

fn transaction_actions(input: &TransactWriteItemsInput) -> Vec<String> {
    let mut actions = Vec::new();
    for item in input.transact_items() {
        let parts = [
            (item.put().is_some(), "dynamodb:PutItem"),
            (item.update().is_some(), "dynamodb:UpdateItem"),
            (item.delete().is_some(), "dynamodb:DeleteItem"),
            (
                item.condition_check().is_some(),
                "dynamodb:ConditionCheckItem",
            ),
        ];
        actions.extend(
            parts
                .iter()
                .filter(|(present, _)| *present)
                .map(|(_, a)| (*a).to_owned()),
        );
    }
    actions
}
