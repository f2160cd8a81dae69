//! What the stack makes of each Lambda function that `expense_lambda::functions` declares: its
//! construct id, the typed actions it is granted on the table and the user pool, the
//! environment it reads and the IAM001 waivers for actions beyond the security model's
//! allowlist.
//!
//! The declaration is the single source: the lambda crate's tests prove every handler performs
//! exactly its declared actions, and this module turns them into grants without a second list.
//! An action or variable it cannot map is an error naming the function, never a silent skip.

use expense_lambda::functions::{self, Function};
use synth::perms::{CognitoAction, DynamoAction, SecretAction};
use thiserror::Error;

/// Why a function's declaration cannot become a grant.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeclarationError {
    /// An action whose service the stack grants nothing of, or that the service's enum lacks.
    #[error("function `{function}` declares action `{action}`, which the stack cannot grant")]
    UnknownAction {
        function: &'static str,
        action: &'static str,
    },
    /// An action outside the Lambda allowlist (IAM-1) with no recorded reason to waive it.
    #[error(
        "function `{function}` declares action `{action}`, which is outside the security \
         model's Lambda allowlist (IAM-1) and has no recorded waiver reason"
    )]
    Unwaived {
        function: &'static str,
        action: &'static str,
    },
    /// An environment variable the stack does not know how to set.
    #[error(
        "function `{function}` reads environment variable `{variable}`, which the stack cannot set"
    )]
    UnknownVariable {
        function: &'static str,
        variable: &'static str,
    },
    /// A route method API Gateway does not have.
    #[error("function `{function}` declares unknown HTTP method `{method}`")]
    UnknownMethod {
        function: &'static str,
        method: &'static str,
    },
}

/// Why a declared action beyond the allowlist is granted anyway, per (function, action).
/// Adding an action outside the allowlist to a declaration fails the build until its reason
/// is written here, so every such grant is a reviewed decision.
const WAIVER_REASONS: &[(&str, &str, &str)] = &[
    (
        "erase-me",
        "dynamodb:BatchWriteItem",
        "right to erasure (PRIV-2): the caller's items are deleted 25 at a time, \
         on the expenses table only",
    ),
    (
        "list-expenses",
        "secretsmanager:GetSecretValue",
        "the cursor signing key is read once per cold start from the one secret that holds it, \
         so it sits in no template, parameter or function configuration; the security model's \
         list names no Secrets Manager action, so this grant is a reviewed exception",
    ),
    (
        "erase-me",
        "cognito-idp:AdminDeleteUser",
        "right to erasure (PRIV-2): the caller's Cognito user is deleted after \
         their items, in this user pool only",
    ),
];

/// One declared function as the stack builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handler {
    /// The declaration it comes from.
    pub function: Function,
    /// The construct id: the binary's name in PascalCase (`create-expense` → `CreateExpense`).
    pub id: String,
    /// The table actions it is granted.
    pub table: Vec<DynamoAction>,
    /// The user-pool actions it is granted.
    pub user_pool: Vec<CognitoAction>,
    /// The actions it is granted on the cursor key secret.
    pub cursor_secret: Vec<SecretAction>,
    /// IAM001 waivers as (finding detail, reason), one per action beyond the allowlist.
    pub waivers: Vec<(String, &'static str)>,
    /// The environment variables it reads, each one the stack knows how to set.
    pub env: Vec<Variable>,
}

/// An environment variable the stack sets on a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variable {
    /// `TABLE_NAME`: the expenses table.
    TableName,
    /// `CURSOR_KEY_SECRET_ARN`: the secret holding the key that signs pagination cursors.
    CursorKeySecretArn,
    /// `USER_POOL_ID`: the user pool.
    UserPoolId,
    /// `ALLOWED_ORIGINS`: the browser origins the functions' CORS headers name.
    AllowedOrigins,
}

impl Variable {
    /// The variable's name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::TableName => functions::TABLE_NAME_ENV,
            Self::CursorKeySecretArn => functions::CURSOR_KEY_SECRET_ARN_ENV,
            Self::UserPoolId => functions::USER_POOL_ID_ENV,
            Self::AllowedOrigins => functions::ALLOWED_ORIGINS_ENV,
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [
            Self::TableName,
            Self::CursorKeySecretArn,
            Self::UserPoolId,
            Self::AllowedOrigins,
        ]
        .into_iter()
        .find(|variable| variable.name() == name)
    }
}

/// Every declared function as the stack builds it, in route order.
///
/// # Errors
/// The first [`DeclarationError`] in declaration order.
pub fn handlers() -> Result<Vec<Handler>, DeclarationError> {
    functions::ALL.iter().map(handler).collect()
}

/// One declared function as the stack builds it, checked against the security model's
/// Lambda allowlist (the linter's default `lambda-allowlist`).
///
/// # Errors
/// [`DeclarationError`] naming the function and what cannot be mapped.
pub fn handler(function: &Function) -> Result<Handler, DeclarationError> {
    let allowlist = policy_lint::config::Config::default().lambda_allowlist;
    let mut handler = Handler {
        function: *function,
        id: construct_id(function.bin),
        table: Vec::new(),
        user_pool: Vec::new(),
        cursor_secret: Vec::new(),
        waivers: Vec::new(),
        env: Vec::new(),
    };
    for &action in function.actions {
        add_action(&mut handler, action)?;
        if !allowlist.iter().any(|allowed| allowed == action) {
            let reason = waiver_reason(function.bin, action).ok_or(DeclarationError::Unwaived {
                function: function.bin,
                action,
            })?;
            handler.waivers.push((format!("Action::{action}"), reason));
        }
    }
    for &variable in function.env {
        let known = Variable::parse(variable).ok_or(DeclarationError::UnknownVariable {
            function: function.bin,
            variable,
        })?;
        handler.env.push(known);
    }
    Ok(handler)
}

fn add_action(handler: &mut Handler, action: &'static str) -> Result<(), DeclarationError> {
    if let Some(table) = DynamoAction::parse(action) {
        handler.table.push(table);
    } else if let Some(pool) = CognitoAction::parse(action) {
        handler.user_pool.push(pool);
    } else if let Some(secret) = SecretAction::parse(action) {
        handler.cursor_secret.push(secret);
    } else {
        return Err(DeclarationError::UnknownAction {
            function: handler.function.bin,
            action,
        });
    }
    Ok(())
}

fn waiver_reason(bin: &str, action: &str) -> Option<&'static str> {
    WAIVER_REASONS
        .iter()
        .find(|(function, waived, _)| *function == bin && *waived == action)
        .map(|(_, _, reason)| *reason)
}

/// `create-expense` → `CreateExpense`.
pub fn construct_id(bin: &str) -> String {
    bin.split(['-', '_'])
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(actions: &'static [&'static str], env: &'static [&'static str]) -> Function {
        Function {
            bin: "probe",
            method: "GET",
            path: "/probe",
            actions,
            env,
        }
    }

    #[test]
    fn every_declared_function_maps() {
        let handlers = handlers().unwrap();
        assert_eq!(handlers.len(), functions::ALL.len());
        let erase = handlers.iter().find(|h| h.id == "EraseMe").unwrap();
        assert_eq!(
            erase.table,
            [DynamoAction::BatchWriteItem, DynamoAction::Query]
        );
        assert_eq!(erase.user_pool, [CognitoAction::AdminDeleteUser]);
        let waived: Vec<&str> = erase.waivers.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(
            waived,
            [
                "Action::cognito-idp:AdminDeleteUser",
                "Action::dynamodb:BatchWriteItem"
            ]
        );
    }

    #[test]
    fn only_erasure_and_the_cursor_secret_need_waivers() {
        for handler in handlers().unwrap() {
            let waived: Vec<&str> = handler.waivers.iter().map(|(d, _)| d.as_str()).collect();
            let expected: &[&str] = match handler.function.bin {
                "erase-me" => &[
                    "Action::cognito-idp:AdminDeleteUser",
                    "Action::dynamodb:BatchWriteItem",
                ],
                "list-expenses" => &["Action::secretsmanager:GetSecretValue"],
                _ => &[],
            };
            assert_eq!(waived, expected, "{}", handler.id);
        }
    }

    #[test]
    fn the_list_function_reads_the_cursor_secret() {
        let list = handler(&functions::LIST_EXPENSES).unwrap();
        assert_eq!(list.cursor_secret, [SecretAction::GetSecretValue]);
        assert!(list.env.contains(&Variable::CursorKeySecretArn));
    }

    #[test]
    fn an_unknown_action_names_the_function() {
        let err = handler(&declared(&["sqs:SendMessage"], &[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "function `probe` declares action `sqs:SendMessage`, which the stack cannot grant"
        );
    }

    #[test]
    fn an_action_beyond_the_allowlist_needs_a_reason() {
        let err = handler(&declared(&["dynamodb:BatchGetItem"], &[])).unwrap_err();
        assert_eq!(
            err,
            DeclarationError::Unwaived {
                function: "probe",
                action: "dynamodb:BatchGetItem"
            }
        );
    }

    #[test]
    fn an_unknown_variable_names_the_function() {
        let err = handler(&declared(&[], &["SECRET"])).unwrap_err();
        assert!(err.to_string().contains("`probe`"), "{err}");
        assert!(err.to_string().contains("`SECRET`"), "{err}");
    }

    #[test]
    fn construct_ids_are_pascal_case() {
        assert_eq!(construct_id("create-expense"), "CreateExpense");
        assert_eq!(construct_id("erase-me"), "EraseMe");
    }
}
