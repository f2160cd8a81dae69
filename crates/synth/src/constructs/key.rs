//! A customer-managed KMS key with rotation on and a key policy without wildcard actions.

use crate::cfn::{Value, kms};
use crate::constructs::{Grantee, alnum, get_att, reference, sub};
use crate::error::{Result, SynthError};
use crate::iam::{PolicyDocument, PolicyStatement, Principal};
use crate::logical_id::{ConstructPath, LogicalId};
use crate::perms::{KEY_ACCOUNT_ADMIN, KmsAction};
use crate::stack::Stack;

/// Settings of a [`Key`].
#[derive(Debug, Clone)]
pub struct KeyProps {
    /// What the key protects. Default: `-` none.
    pub description: Option<String>,
    /// Days between automatic rotations (90 to 2560). Default: `365`.
    pub rotation_period_days: i64,
    /// Days a deleted key waits before it is destroyed (7 to 30). Default: `30`, the longest,
    /// so a mistaken deletion can be cancelled.
    pub pending_window_days: i64,
    /// AWS services allowed to use the key on this account's behalf, with the actions each
    /// may take; each statement is pinned to the account with `aws:SourceAccount`.
    /// Default: `-` none.
    pub service_users: Vec<(String, Vec<KmsAction>)>,
}

impl Default for KeyProps {
    fn default() -> Self {
        Self {
            description: None,
            rotation_period_days: 365,
            pending_window_days: 30,
            service_users: Vec::new(),
        }
    }
}

impl KeyProps {
    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Lets an AWS service principal (e.g. `cloudwatch.amazonaws.com`) use the key.
    pub fn allow_service(mut self, service: impl Into<String>, actions: &[KmsAction]) -> Self {
        self.service_users.push((service.into(), actions.to_vec()));
        self
    }
}

/// A customer-managed symmetric KMS key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    id: LogicalId,
    name: String,
}

impl Key {
    /// Adds a key at `id` in the current scope.
    ///
    /// # Errors
    /// [`SynthError::InvalidProperty`] for an out-of-range period, or a tree error.
    pub fn new(stack: &mut Stack, id: &str, props: KeyProps) -> Result<Self> {
        let path = stack.add_construct(id, "Key")?;
        Self::at(stack, &path, props)
    }

    /// Adds the key's resource below an existing construct path.
    pub(crate) fn at(stack: &mut Stack, path: &ConstructPath, props: KeyProps) -> Result<Self> {
        validate(stack, path, &props)?;
        let mut key = kms::Key::default()
            .enable_key_rotation(true)
            .rotation_period_in_days(props.rotation_period_days)
            .pending_window_in_days(props.pending_window_days)
            .key_spec("SYMMETRIC_DEFAULT")
            .key_usage("ENCRYPT_DECRYPT")
            .key_policy(key_policy(&props).to_json());
        if let Some(description) = &props.description {
            key = key.description(description.as_str());
        }
        let id = stack.add_resource(path, "Resource", &key)?;
        stack.mark_stateful(&id);
        Ok(Self {
            id,
            name: alnum(path.id()),
        })
    }

    /// The key's logical id.
    pub fn logical_id(&self) -> &LogicalId {
        &self.id
    }

    /// The key ARN.
    pub fn arn(&self) -> Value<String> {
        get_att(&self.id, "Arn")
    }

    /// The key id.
    pub fn key_id(&self) -> Value<String> {
        reference(&self.id)
    }

    /// Grants exactly `actions` on this key to `grantee`.
    pub fn grant(&self, stack: &mut Stack, grantee: &impl Grantee, actions: &[KmsAction]) {
        let statement = PolicyStatement::allow(actions.iter().map(|a| a.as_str()), [self.arn()]);
        stack.add_role_statement(grantee.role_id(), &self.name, statement);
    }

    /// Grants `kms:Decrypt` on this key to `grantee`.
    pub fn grant_decrypt(&self, stack: &mut Stack, grantee: &impl Grantee) {
        self.grant(stack, grantee, &[KmsAction::Decrypt]);
    }
}

fn validate(stack: &Stack, path: &ConstructPath, props: &KeyProps) -> Result<()> {
    let problem = if !(90..=2560).contains(&props.rotation_period_days) {
        Some(("rotation_period_days", "must be 90 to 2560 days"))
    } else if !(7..=30).contains(&props.pending_window_days) {
        Some(("pending_window_days", "must be 7 to 30 days"))
    } else {
        None
    };
    match problem {
        Some((field, reason)) => Err(SynthError::InvalidProperty {
            path: stack.full_path(path),
            field,
            reason: reason.to_owned(),
        }),
        None => Ok(()),
    }
}

/// The account administers and uses the key through IAM (the statement that enables IAM
/// policies for the key); each service user gets only its actions, pinned to this account.
fn key_policy(props: &KeyProps) -> PolicyDocument {
    let all = Value::from("*");
    let admin = PolicyStatement::allow(KEY_ACCOUNT_ADMIN.iter().map(|a| a.as_str()), [all.clone()])
        .sid("AccountAdministersAndUsesKeyThroughIam")
        .principal(Principal::Aws(sub(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:root",
        )));
    let services = props.service_users.iter().map(|(service, actions)| {
        PolicyStatement::allow(actions.iter().map(|a| a.as_str()), [all.clone()])
            .sid(format!(
                "Allow{}",
                alnum(service.split('.').next().unwrap_or(service))
            ))
            .principal(Principal::Service(service.clone()))
            .condition(
                "StringEquals",
                "aws:SourceAccount",
                sub("${AWS::AccountId}"),
            )
    });
    PolicyDocument::new(std::iter::once(admin).chain(services))
}
