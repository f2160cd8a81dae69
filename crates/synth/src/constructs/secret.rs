//! A Secrets Manager secret whose value Secrets Manager generates, encrypted with a
//! customer-managed key.
//!
//! Secure by default: the value never appears in the template, a parameter or an environment
//! variable (CloudFormation asks Secrets Manager to generate it: letters and digits only, so
//! any consumer can use it as text, 64 of them by default, about 380 bits); it is encrypted
//! with a customer-managed key (a new one with rotation on, unless one is given); the stack's
//! tags and removal policy apply to it as to every stateful resource. Reading it is one
//! intent-named grant: `secretsmanager:GetSecretValue` on this secret alone, plus
//! `kms:Decrypt` on its key.

use crate::cfn::{Value, secretsmanager};
use crate::constructs::{Grantee, Key, KeyProps, alnum, reference};
use crate::error::{Result, SynthError};
use crate::iam::PolicyStatement;
use crate::logical_id::{ConstructPath, LogicalId};
use crate::perms::SecretAction;
use crate::stack::Stack;

/// Fewest generated characters accepted: 32 letters and digits hold about 190 bits.
const MIN_LENGTH: i64 = 32;
/// Most characters Secrets Manager generates.
const MAX_LENGTH: i64 = 4096;

/// Settings of a [`Secret`].
#[derive(Debug, Clone)]
pub struct SecretProps {
    /// What the secret is for. Default: `-` none.
    pub description: Option<String>,
    /// The key that encrypts the value. Default: `-` a new key for this secret, with rotation
    /// on.
    pub encryption_key: Option<Key>,
    /// Characters in the generated value, letters and digits (32 to 4096). Default: `64`.
    pub length: i64,
}

impl Default for SecretProps {
    fn default() -> Self {
        Self {
            description: None,
            encryption_key: None,
            length: 64,
        }
    }
}

impl SecretProps {
    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Encrypts the value with `key`.
    pub fn encryption_key(mut self, key: &Key) -> Self {
        self.encryption_key = Some(key.clone());
        self
    }
}

/// A secret with a generated value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    id: LogicalId,
    name: String,
    key: Key,
}

impl Secret {
    /// Adds a secret at `id` in the current scope: the secret (`Resource`) and, unless one is
    /// given, its key (`Key`).
    ///
    /// # Errors
    /// [`SynthError::InvalidProperty`] for a length out of range, or a tree error.
    pub fn new(stack: &mut Stack, id: &str, props: SecretProps) -> Result<Self> {
        let path = stack.add_construct(id, "Secret")?;
        if !(MIN_LENGTH..=MAX_LENGTH).contains(&props.length) {
            return Err(SynthError::InvalidProperty {
                path: stack.full_path(&path),
                field: "length",
                reason: format!("must be {MIN_LENGTH} to {MAX_LENGTH} characters"),
            });
        }
        let key = match &props.encryption_key {
            Some(key) => key.clone(),
            None => own_key(stack, &path)?,
        };
        let id = stack.add_resource(&path, "Resource", &resource(&props, &key))?;
        stack.mark_stateful(&id);
        Ok(Self {
            id,
            name: alnum(path.id()),
            key,
        })
    }

    /// The secret's logical id.
    pub fn logical_id(&self) -> &LogicalId {
        &self.id
    }

    /// The secret's ARN (its `Ref`).
    pub fn arn(&self) -> Value<String> {
        reference(&self.id)
    }

    /// The key that encrypts the value.
    pub fn encryption_key(&self) -> &Key {
        &self.key
    }

    /// Grants exactly `actions` on this secret to `grantee`, and `kms:Decrypt` on its key
    /// when they read the value. Nothing when `actions` is empty.
    pub fn grant(&self, stack: &mut Stack, grantee: &impl Grantee, actions: &[SecretAction]) {
        if actions.is_empty() {
            return;
        }
        let statement = PolicyStatement::allow(actions.iter().map(|a| a.as_str()), [self.arn()]);
        stack.add_role_statement(grantee.role_id(), &self.name, statement);
        if actions.contains(&SecretAction::GetSecretValue) {
            self.key.grant_decrypt(stack, grantee);
        }
    }

    /// Grants `secretsmanager:GetSecretValue` on this secret (and `kms:Decrypt` on its key).
    pub fn grant_read(&self, stack: &mut Stack, grantee: &impl Grantee) {
        self.grant(stack, grantee, &[SecretAction::GetSecretValue]);
    }
}

fn own_key(stack: &mut Stack, path: &ConstructPath) -> Result<Key> {
    let key_path = stack.add_construct_at(path, "Key", "Key")?;
    let description = format!("encrypts the secret {}", stack.full_path(path));
    Key::at(
        stack,
        &key_path,
        KeyProps::default().description(description),
    )
}

fn resource(props: &SecretProps, key: &Key) -> secretsmanager::Secret {
    let generate = secretsmanager::secret::GenerateSecretString::default()
        .password_length(props.length)
        .exclude_punctuation(true)
        .include_space(false)
        .require_each_included_type(true);
    let mut secret = secretsmanager::Secret::default()
        .generate_secret_string(generate)
        .kms_key_id(key.arn());
    if let Some(description) = &props.description {
        secret = secret.description(description.as_str());
    }
    secret
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::StackProps;

    fn stack() -> Stack {
        let props = StackProps::default().required_tags(Vec::<String>::new());
        Stack::new("s", props).expect("stack")
    }

    fn template(stack: Stack) -> serde_json::Value {
        stack.to_template().expect("template")
    }

    #[test]
    fn the_value_is_generated_and_encrypted_with_its_own_key_by_default() {
        let mut stack = stack();
        let secret = Secret::new(&mut stack, "Cursor", SecretProps::default()).expect("secret");
        assert_eq!(secret.arn(), reference(secret.logical_id()));
        let template = template(stack);
        let resources = template["Resources"].as_object().expect("resources");
        let (_, secret) = resources
            .iter()
            .find(|(_, r)| r["Type"] == "AWS::SecretsManager::Secret")
            .expect("a secret");
        let generate = &secret["Properties"]["GenerateSecretString"];
        assert_eq!(generate["PasswordLength"], 64);
        assert_eq!(generate["ExcludePunctuation"], true);
        assert!(secret["Properties"].get("SecretString").is_none());
        let key_id = secret["Properties"]["KmsKeyId"]["Fn::GetAtt"][0]
            .as_str()
            .expect("a key of the stack");
        assert_eq!(resources[key_id]["Type"], "AWS::KMS::Key");
    }

    #[test]
    fn a_short_value_is_refused() {
        let mut stack = stack();
        let props = SecretProps {
            length: 16,
            ..SecretProps::default()
        };
        let error = Secret::new(&mut stack, "Cursor", props).expect_err("too short");
        assert!(error.to_string().contains("length"), "{error}");
    }
}
