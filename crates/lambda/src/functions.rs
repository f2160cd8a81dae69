//! The seven Lambda functions of the expense API as data: each one's binary, route, the IAM
//! actions its code performs and the environment it reads, plus the table's key schema.
//!
//! This is the single declaration the stack builds each function's grant from. It compiles
//! without the `runtime` feature, so `synth` can depend on this crate with
//! `default-features = false` and never build the AWS SDK. The `api` integration test runs
//! every handler against DynamoDB Local and moto with an SDK interceptor and asserts that the
//! actions a handler really performs equal its `actions` exactly: no more, no fewer.

/// One Lambda function of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    /// The cargo binary, which packaging renames to `bootstrap`; also the function's name.
    pub bin: &'static str,
    /// The HTTP method API Gateway routes to this function.
    pub method: &'static str,
    /// The API Gateway resource path; `{id}` is the expense id path parameter.
    pub path: &'static str,
    /// IAM actions the function performs. `dynamodb:` actions apply to the expenses table
    /// (no index), `cognito-idp:` actions to the user pool, `secretsmanager:` actions to the
    /// cursor key secret.
    pub actions: &'static [&'static str],
    /// Environment variables the function requires at cold start.
    pub env: &'static [&'static str],
}

/// The table name. Every function reads it.
pub const TABLE_NAME_ENV: &str = "TABLE_NAME";
/// The ARN of the Secrets Manager secret whose value signs pagination cursors (at least 32
/// random characters). Only `list-expenses` reads it, once per cold start.
pub const CURSOR_KEY_SECRET_ARN_ENV: &str = "CURSOR_KEY_SECRET_ARN";
/// The browser origins allowed to read responses, comma-separated (`https://host[:port]`,
/// never `*`). Every function reads it: CORS applies to every response, errors included.
pub const ALLOWED_ORIGINS_ENV: &str = "ALLOWED_ORIGINS";
/// The Cognito user pool id whose users `erase-me` deletes.
pub const USER_POOL_ID_ENV: &str = "USER_POOL_ID";

/// Partition key of the table (string): the user's Cognito `sub`.
pub const PARTITION_KEY: &str = "userId";
/// Sort key of the table (string): the expense id, a ULID, or an idempotency record's key.
pub const SORT_KEY: &str = "expenseId";
/// The attribute (number, epoch seconds) after which an item may be expired by DynamoDB TTL.
/// Only idempotency records carry it; the table should enable TTL on it.
pub const TTL_ATTRIBUTE: &str = "expiresAt";

/// `POST /expenses`. `GetItem` serves the replay of a request with a known `Idempotency-Key`.
pub const CREATE_EXPENSE: Function = Function {
    bin: "create-expense",
    method: "POST",
    path: "/expenses",
    actions: &["dynamodb:GetItem", "dynamodb:PutItem"],
    env: &[TABLE_NAME_ENV, ALLOWED_ORIGINS_ENV],
};

/// `GET /expenses`. `GetSecretValue` reads the cursor key at cold start.
pub const LIST_EXPENSES: Function = Function {
    bin: "list-expenses",
    method: "GET",
    path: "/expenses",
    actions: &["dynamodb:Query", "secretsmanager:GetSecretValue"],
    env: &[
        TABLE_NAME_ENV,
        ALLOWED_ORIGINS_ENV,
        CURSOR_KEY_SECRET_ARN_ENV,
    ],
};

/// `GET /expenses/{id}`.
pub const GET_EXPENSE: Function = Function {
    bin: "get-expense",
    method: "GET",
    path: "/expenses/{id}",
    actions: &["dynamodb:GetItem"],
    env: &[TABLE_NAME_ENV, ALLOWED_ORIGINS_ENV],
};

/// `PUT /expenses/{id}`.
pub const UPDATE_EXPENSE: Function = Function {
    bin: "update-expense",
    method: "PUT",
    path: "/expenses/{id}",
    actions: &["dynamodb:UpdateItem"],
    env: &[TABLE_NAME_ENV, ALLOWED_ORIGINS_ENV],
};

/// `DELETE /expenses/{id}`.
pub const DELETE_EXPENSE: Function = Function {
    bin: "delete-expense",
    method: "DELETE",
    path: "/expenses/{id}",
    actions: &["dynamodb:DeleteItem"],
    env: &[TABLE_NAME_ENV, ALLOWED_ORIGINS_ENV],
};

/// `GET /export`.
pub const EXPORT_EXPENSES: Function = Function {
    bin: "export-expenses",
    method: "GET",
    path: "/export",
    actions: &["dynamodb:Query"],
    env: &[TABLE_NAME_ENV, ALLOWED_ORIGINS_ENV],
};

/// `DELETE /me`: erases every item of the user, then the user.
pub const ERASE_ME: Function = Function {
    bin: "erase-me",
    method: "DELETE",
    path: "/me",
    actions: &[
        "cognito-idp:AdminDeleteUser",
        "dynamodb:BatchWriteItem",
        "dynamodb:Query",
    ],
    env: &[TABLE_NAME_ENV, ALLOWED_ORIGINS_ENV, USER_POOL_ID_ENV],
};

/// Every function, in route order.
pub const ALL: [Function; 7] = [
    CREATE_EXPENSE,
    LIST_EXPENSES,
    GET_EXPENSE,
    UPDATE_EXPENSE,
    DELETE_EXPENSE,
    EXPORT_EXPENSES,
    ERASE_ME,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_unique_by_binary_and_route() {
        let mut bins: Vec<_> = ALL.iter().map(|f| f.bin).collect();
        let mut routes: Vec<_> = ALL.iter().map(|f| (f.method, f.path)).collect();
        bins.sort_unstable();
        bins.dedup();
        routes.sort_unstable();
        routes.dedup();
        assert_eq!(bins.len(), ALL.len());
        assert_eq!(routes.len(), ALL.len());
    }

    #[test]
    fn actions_are_sorted_unique_and_scoped_to_the_table_the_pool_or_the_secret() {
        for function in ALL {
            let mut sorted = function.actions.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted, function.actions, "{}", function.bin);
            for action in function.actions {
                let services = ["dynamodb:", "cognito-idp:", "secretsmanager:"];
                assert!(
                    services.iter().any(|service| action.starts_with(service)),
                    "{}: {action}",
                    function.bin
                );
                assert!(!action.contains('*'), "{}: {action}", function.bin);
            }
        }
    }

    #[test]
    fn every_function_reads_the_table_name_and_the_origins() {
        for function in ALL {
            assert!(function.env.contains(&TABLE_NAME_ENV), "{}", function.bin);
            assert!(
                function.env.contains(&ALLOWED_ORIGINS_ENV),
                "{}",
                function.bin
            );
        }
    }
}
