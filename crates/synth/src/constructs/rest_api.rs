//! The REST API: Lambda proxy routes behind a Cognito user-pools authorizer, a throttled and
//! logged stage, and CORS that names its origins.
//!
//! What gets created under the construct's path:
//! - `Resource`: the `AWS::ApiGateway::RestApi` (regional, `SecurityPolicy: TLS_1_2`);
//! - `Authorizer`: `COGNITO_USER_POOLS` on the given pool, reading the `Authorization` header;
//! - one `AWS::ApiGateway::Resource` per path segment, and per route a `Method` (authorized by
//!   the Cognito authorizer, `AWS_PROXY` integration to the function's `live` alias) and a
//!   `Permission` that lets API Gateway invoke that alias only for that method and path of
//!   this API and stage (`SourceArn`);
//! - per resource with routes, when origins are configured, an `OPTIONS` method: a `MOCK`
//!   integration answering 204 with the CORS headers. It is the only method without
//!   authorization, and it cannot reach a function;
//! - `Default4XX`/`Default5XX` gateway responses carrying the CORS headers, so a browser can
//!   read API Gateway's own errors (a 401 from the authorizer, a 429 from throttling);
//! - `Deployment`, whose logical id ends in a hash of every method, resource, authorizer and
//!   gateway response, so any change to the API replaces it and so re-deploys the stage. It
//!   depends on all of them explicitly (a deployment references only the API);
//! - `Stage`: stage-wide throttling, execution logging at `ERROR` with data tracing off (it
//!   would log tokens and bodies), metrics, and JSON access logs to `AccessLogs`. It depends on
//!   `Account`, so logging is only enabled once API Gateway has its CloudWatch role;
//! - `ExecutionLogs`: the group API Gateway writes execution logs to, created ahead with
//!   30-day retention (otherwise API Gateway creates it itself, keeping logs forever);
//! - `CloudWatchRole` + `Account` (unless turned off): the account-wide role API Gateway logs
//!   with, holding an inline policy scoped to this API's two log groups instead of the
//!   AWS-managed `AmazonAPIGatewayPushToCloudWatchLogs` (which allows every log group in the
//!   account).

use std::collections::{BTreeMap, BTreeSet};

use crate::cfn::apigateway::{self, method, stage};
use crate::cfn::{Value, iam, lambda};
use crate::constructs::{
    Function, LogGroup, LogGroupProps, UserPool, alnum, get_att, join, reference, sub,
};
use crate::error::{Result, SynthError};
use crate::iam::{PolicyDocument, PolicyStatement, Principal};
use crate::logical_id::{ConstructPath, LogicalId};
use crate::stack::Stack;

/// The request headers a browser may send.
const ALLOWED_HEADERS: &str = "Authorization,Content-Type,Idempotency-Key,If-Match";

/// The JSON access log line: who called what, the outcome, and the Cognito subject.
const ACCESS_LOG_FORMAT: &str = concat!(
    r#"{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId","#,
    r#""ip":"$context.identity.sourceIp","userAgent":"$context.identity.userAgent","#,
    r#""sub":"$context.authorizer.claims.sub","requestTime":"$context.requestTime","#,
    r#""httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","#,
    r#""status":"$context.status","protocol":"$context.protocol","#,
    r#""responseLength":"$context.responseLength","#,
    r#""integrationLatency":"$context.integrationLatency","#,
    r#""errorMessage":"$context.error.message"}"#
);

/// An HTTP method a route answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    /// Parses a method name (upper case).
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Get, Self::Post, Self::Put, Self::Patch, Self::Delete]
            .into_iter()
            .find(|m| m.as_str() == name)
    }
}

/// One route: a method on a path, served by a function.
#[derive(Debug, Clone)]
pub struct Route {
    /// The method.
    pub method: HttpMethod,
    /// The path, e.g. `/expenses/{id}`.
    pub path: String,
    /// The function behind it.
    pub function: Function,
}

/// Settings of a [`RestApi`].
#[derive(Debug, Clone)]
pub struct RestApiProps {
    /// The user pool whose tokens the authorizer accepts.
    pub user_pool: UserPool,
    /// The API name. Default: `-` the stack name and construct id.
    pub name: Option<String>,
    /// The stage name. Default: `api`.
    pub stage_name: String,
    /// Steady-state requests per second across the stage. Default: `50`.
    pub throttle_rate_limit: f64,
    /// Burst capacity in requests. Default: `100`.
    pub throttle_burst_limit: i64,
    /// Browser origins allowed to call the API; the first is also the one API Gateway's own
    /// error responses name. Never `*`. Default: `-` none, and so no CORS at all.
    pub cors_origins: Vec<Value<String>>,
    /// The routes. Default: `-` none (an API needs at least one).
    pub routes: Vec<Route>,
    /// Access and execution log retention in days. Default: `30` (control OPS-1).
    pub log_retention_days: i64,
    /// Create the CloudWatch role API Gateway logs with and register it with
    /// `AWS::ApiGateway::Account`. The registration is one per account and region and the role
    /// is scoped to this API's log groups, so when several stacks with APIs share an account
    /// and region, exactly one should manage it (better: one account per environment).
    /// Default: `true`.
    pub manage_account_logging_role: bool,
}

impl RestApiProps {
    /// Settings for an API authorized by `user_pool`, every knob at its default.
    pub fn new(user_pool: &UserPool) -> Self {
        Self {
            user_pool: user_pool.clone(),
            name: None,
            stage_name: "api".to_owned(),
            throttle_rate_limit: 50.0,
            throttle_burst_limit: 100,
            cors_origins: Vec::new(),
            routes: Vec::new(),
            log_retention_days: 30,
            manage_account_logging_role: true,
        }
    }

    /// Adds a route.
    pub fn route(
        mut self,
        method: HttpMethod,
        path: impl Into<String>,
        function: &Function,
    ) -> Self {
        self.routes.push(Route {
            method,
            path: path.into(),
            function: function.clone(),
        });
        self
    }
}

/// A REST API with its stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestApi {
    id: LogicalId,
    stage: LogicalId,
    stage_name: String,
    name: String,
    construct_id: String,
}

/// What building the API accumulates: the ids the deployment hashes over and depends on.
struct Members {
    hashed: Vec<LogicalId>,
    methods: Vec<LogicalId>,
}

impl RestApi {
    /// Adds the API at `id` in the current scope (see the module docs for its parts).
    ///
    /// # Errors
    /// [`SynthError::InvalidProperty`] for no routes, a malformed or duplicate route, a `*` or
    /// non-`https` origin, or throttling limits that are not positive.
    pub fn new(stack: &mut Stack, id: &str, props: RestApiProps) -> Result<Self> {
        let path = stack.add_construct(id, "RestApi")?;
        validate(stack, &path, &props)?;
        let name = props
            .name
            .clone()
            .unwrap_or_else(|| format!("{}-{}", stack.name(), id));
        let api = apigateway::RestApi::default()
            .name(name.as_str())
            .description(format!("REST API of {}", stack.full_path(&path)))
            .endpoint_configuration(
                apigateway::rest_api::EndpointConfiguration::default().types(["REGIONAL"]),
            )
            .security_policy("TLS_1_2")
            .disable_execute_api_endpoint(false);
        let api_id = stack.add_resource(&path, "Resource", &api)?;
        let authorizer = apigateway::Authorizer::new(
            format!("{name}-cognito"),
            reference(&api_id),
            "COGNITO_USER_POOLS",
        )
        .provider_arns([props.user_pool.arn()])
        .identity_source("method.request.header.Authorization");
        let authorizer = stack.add_resource(&path, "Authorizer", &authorizer)?;
        let mut members = Members {
            hashed: vec![authorizer.clone()],
            methods: Vec::new(),
        };
        let builder = Builder {
            path: &path,
            api: &api_id,
            authorizer: &authorizer,
            props: &props,
        };
        builder.routes(stack, &mut members)?;
        builder.gateway_responses(stack, &mut members)?;
        let logs = builder.logging(stack)?;
        let stage = builder.deployment_and_stage(stack, members, &logs)?;
        Ok(Self {
            id: api_id,
            stage,
            stage_name: props.stage_name,
            name,
            construct_id: alnum(id),
        })
    }

    /// The API's logical id.
    pub fn logical_id(&self) -> &LogicalId {
        &self.id
    }

    /// The API id.
    pub fn api_id(&self) -> Value<String> {
        reference(&self.id)
    }

    /// The API name (the `ApiName` dimension of its CloudWatch metrics).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The construct id, letters and digits only (for names of related resources).
    pub fn construct_id(&self) -> &str {
        &self.construct_id
    }

    /// The stage name.
    pub fn stage_name(&self) -> &str {
        &self.stage_name
    }

    /// The stage's logical id.
    pub fn stage_id(&self) -> &LogicalId {
        &self.stage
    }

    /// The invoke URL of the stage, ending in `/`.
    pub fn url(&self) -> Value<String> {
        sub(format!(
            "https://${{{}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/${{{}}}/",
            self.id, self.stage
        ))
    }
}

fn validate(stack: &Stack, path: &ConstructPath, props: &RestApiProps) -> Result<()> {
    let invalid = |field, reason: String| SynthError::InvalidProperty {
        path: stack.full_path(path),
        field,
        reason,
    };
    if props.routes.is_empty() {
        return Err(invalid(
            "routes",
            "an API needs at least one route".to_owned(),
        ));
    }
    let mut seen = BTreeSet::new();
    for route in &props.routes {
        validate_path(&route.path)
            .map_err(|reason| invalid("routes", format!("{:?}: {reason}", route.path)))?;
        if !seen.insert((route.path.as_str(), route.method)) {
            return Err(invalid(
                "routes",
                format!("{} {} is defined twice", route.method.as_str(), route.path),
            ));
        }
    }
    if !(props.throttle_rate_limit.is_finite() && props.throttle_rate_limit > 0.0) {
        return Err(invalid(
            "throttle_rate_limit",
            "must be greater than 0".to_owned(),
        ));
    }
    if props.throttle_burst_limit < 1 {
        return Err(invalid(
            "throttle_burst_limit",
            "must be at least 1".to_owned(),
        ));
    }
    for origin in &props.cors_origins {
        if let Some(text) = origin.literal() {
            if text.contains('*') || !text.starts_with("https://") {
                return Err(invalid(
                    "cors_origins",
                    format!("{text:?} is not a named `https://` origin"),
                ));
            }
        }
    }
    Ok(())
}

fn validate_path(path: &str) -> std::result::Result<(), &'static str> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err("must start with `/`");
    };
    if rest.is_empty() {
        return Ok(());
    }
    let valid_segment = |segment: &str| {
        let name = segment
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .unwrap_or(segment);
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    if rest.split('/').all(valid_segment) {
        Ok(())
    } else {
        Err("segments must be letters, digits, `-`, `_`, `.` or a `{parameter}`")
    }
}

/// The parts of [`RestApi::new`] that need the API's own ids.
struct Builder<'a> {
    path: &'a ConstructPath,
    api: &'a LogicalId,
    authorizer: &'a LogicalId,
    props: &'a RestApiProps,
}

impl Builder<'_> {
    fn routes(&self, stack: &mut Stack, members: &mut Members) -> Result<()> {
        let mut resources: BTreeMap<String, (ConstructPath, Value<String>)> = BTreeMap::new();
        resources.insert(
            String::new(),
            (self.path.clone(), get_att(self.api, "RootResourceId")),
        );
        let mut by_path: BTreeMap<&str, Vec<&Route>> = BTreeMap::new();
        for route in &self.props.routes {
            by_path.entry(route.path.as_str()).or_default().push(route);
        }
        for (path, routes) in by_path {
            let (node, resource) = self.resource_for(stack, &mut resources, path, members)?;
            for route in routes {
                self.method(stack, &node, &resource, route, members)?;
            }
            if !self.props.cors_origins.is_empty() {
                self.preflight(stack, &node, &resource, members)?;
            }
        }
        Ok(())
    }

    /// The API Gateway resource for `path`, creating it and its parents on first use.
    fn resource_for(
        &self,
        stack: &mut Stack,
        resources: &mut BTreeMap<String, (ConstructPath, Value<String>)>,
        path: &str,
        members: &mut Members,
    ) -> Result<(ConstructPath, Value<String>)> {
        let mut key = String::new();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            let parent = resources.get(&key).cloned();
            key = format!("{key}/{segment}");
            if resources.contains_key(&key) {
                continue;
            }
            let Some((parent_node, parent_id)) = parent else {
                continue;
            };
            let node = stack.add_construct_at(&parent_node, segment, "ApiResource")?;
            let resource = apigateway::Resource::new(parent_id, segment, reference(self.api));
            let id = stack.add_resource(&node, "Resource", &resource)?;
            members.hashed.push(id.clone());
            resources.insert(key.clone(), (node, reference(&id)));
        }
        resources
            .get(&key)
            .cloned()
            .ok_or_else(|| SynthError::InvalidProperty {
                path: stack.full_path(self.path),
                field: "routes",
                reason: format!("cannot place {path:?}"),
            })
    }

    fn method(
        &self,
        stack: &mut Stack,
        node: &ConstructPath,
        resource: &Value<String>,
        route: &Route,
        members: &mut Members,
    ) -> Result<()> {
        let verb = route.method.as_str();
        let method_node = stack.add_construct_at(node, verb, "ApiMethod")?;
        // The alias, never `$LATEST`: a deployment switches every route in one step.
        let uri = sub(format!(
            "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{}}}/invocations",
            route.function.alias()
        ));
        let integration = method::Integration::new("AWS_PROXY")
            .integration_http_method("POST")
            .uri(uri);
        let method = apigateway::Method::new(verb, resource.clone(), reference(self.api))
            .authorization_type("COGNITO_USER_POOLS")
            .authorizer_id(reference(self.authorizer))
            .api_key_required(false)
            .integration(integration);
        let method_id = stack.add_resource(&method_node, "Resource", &method)?;
        members.hashed.push(method_id.clone());
        members.methods.push(method_id);
        let source = sub(format!(
            "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{}}}/{}/{verb}{}",
            self.api,
            self.props.stage_name,
            invoke_path(&route.path)
        ));
        let permission = lambda::Permission::new(
            "lambda:InvokeFunction",
            route.function.alias_arn(),
            "apigateway.amazonaws.com",
        )
        .source_arn(source)
        .source_account(sub("${AWS::AccountId}"));
        stack.add_resource(&method_node, "Permission", &permission)?;
        Ok(())
    }

    /// A CORS preflight: MOCK integration, 204, the CORS headers; the request's `Origin` is
    /// echoed only when it is one of the configured origins.
    fn preflight(
        &self,
        stack: &mut Stack,
        node: &ConstructPath,
        resource: &Value<String>,
        members: &mut Members,
    ) -> Result<()> {
        let methods = self.methods_on(node);
        let method_node = stack.add_construct_at(node, "OPTIONS", "ApiPreflight")?;
        let headers = cors_headers(self.primary_origin(), &methods);
        let mut integration_response = method::IntegrationResponse::new("204").response_parameters(
            headers
                .iter()
                .map(|(k, v)| (format!("method.response.header.{k}"), v.clone())),
        );
        // One origin is answered statically; several need the request's origin echoed.
        if self.props.cors_origins.len() > 1 {
            integration_response = integration_response
                .response_templates([("application/json", self.origin_echo_template())]);
        }
        let integration = method::Integration::new("MOCK")
            .request_templates([("application/json", r#"{"statusCode": 204}"#)])
            .passthrough_behavior("NEVER")
            .integration_responses([integration_response]);
        let method_response =
            method::MethodResponse::new("204").response_parameters(headers.keys().map(|k| {
                (
                    format!("method.response.header.{k}"),
                    serde_json::Value::Bool(true),
                )
            }));
        let method = apigateway::Method::new("OPTIONS", resource.clone(), reference(self.api))
            .authorization_type("NONE")
            .api_key_required(false)
            .integration(integration)
            .method_responses([method_response]);
        let id = stack.add_resource(&method_node, "Resource", &method)?;
        members.hashed.push(id.clone());
        members.methods.push(id);
        Ok(())
    }

    /// The methods routed on the resource at `node`, plus `OPTIONS`, comma-separated.
    fn methods_on(&self, node: &ConstructPath) -> String {
        let here: String = node.segments()[self.path.segments().len()..].join("/");
        let mut methods: Vec<&str> = self
            .props
            .routes
            .iter()
            .filter(|r| r.path.trim_start_matches('/') == here)
            .map(|r| r.method.as_str())
            .collect();
        methods.sort_unstable();
        methods.push("OPTIONS");
        methods.join(",")
    }

    fn primary_origin(&self) -> Value<String> {
        self.props
            .cors_origins
            .first()
            .cloned()
            .unwrap_or_else(|| Value::from(""))
    }

    /// VTL that overrides `Access-Control-Allow-Origin` with the request's `Origin` when it is
    /// one of the configured origins; otherwise the static (primary) origin stays.
    fn origin_echo_template(&self) -> Value<String> {
        let mut parts: Vec<Value<String>> =
            vec!["#set($origin = $input.params().header.get('Origin'))\n#if(".into()];
        for (index, origin) in self.props.cors_origins.iter().enumerate() {
            if index > 0 {
                parts.push(" || ".into());
            }
            parts.push("$origin == '".into());
            parts.push(origin.clone());
            parts.push("'".into());
        }
        parts.push(")\n#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n#end\n".into());
        join("", parts)
    }

    fn gateway_responses(&self, stack: &mut Stack, members: &mut Members) -> Result<()> {
        if self.props.cors_origins.is_empty() {
            return Ok(());
        }
        let headers = cors_headers(self.primary_origin(), "GET,POST,PUT,PATCH,DELETE,OPTIONS");
        for kind in ["DEFAULT_4XX", "DEFAULT_5XX"] {
            let response = apigateway::GatewayResponse::new(kind, reference(self.api))
                .response_parameters(
                    headers
                        .iter()
                        .map(|(k, v)| (format!("gatewayresponse.header.{k}"), v.clone())),
                );
            let id = format!(
                "{}Response",
                kind.replace('_', "").replace("DEFAULT", "Default")
            );
            let id = stack.add_resource(self.path, &id, &response)?;
            members.hashed.push(id);
        }
        Ok(())
    }

    fn logging(&self, stack: &mut Stack) -> Result<ApiLogs> {
        let retention = self.props.log_retention_days;
        let access = LogGroup::at(
            stack,
            self.path,
            "AccessLogs",
            LogGroupProps {
                retention_days: retention,
                name: None,
            },
        )?;
        let execution_name = sub(format!(
            "API-Gateway-Execution-Logs_${{{}}}/{}",
            self.api, self.props.stage_name
        ));
        let execution = LogGroup::at(
            stack,
            self.path,
            "ExecutionLogs",
            LogGroupProps {
                retention_days: retention,
                name: Some(execution_name),
            },
        )?;
        let account = if self.props.manage_account_logging_role {
            let role = self.cloudwatch_role(stack, &access, &execution)?;
            let account =
                apigateway::Account::default().cloud_watch_role_arn(get_att(&role, "Arn"));
            Some(stack.add_resource(self.path, "Account", &account)?)
        } else {
            None
        };
        Ok(ApiLogs {
            access,
            execution,
            account,
        })
    }

    fn cloudwatch_role(
        &self,
        stack: &mut Stack,
        access: &LogGroup,
        execution: &LogGroup,
    ) -> Result<LogicalId> {
        let trust = PolicyDocument::new([PolicyStatement::allow(["sts:AssumeRole"], [])
            .principal(Principal::Service("apigateway.amazonaws.com".to_owned()))]);
        let role = iam::Role::new(trust.to_json()).description(format!(
            "lets API Gateway write the logs of {}",
            stack.full_path(self.path)
        ));
        let role = stack.add_resource(self.path, "CloudWatchRole", &role)?;
        let groups = [access.arn(), execution.arn()];
        let write = [
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:DescribeLogStreams",
        ];
        stack.add_role_statement(&role, "Logs", PolicyStatement::allow(write, groups.clone()));
        let describe = ["logs:CreateLogGroup", "logs:DescribeLogGroups"];
        stack.add_role_statement(&role, "Logs", PolicyStatement::allow(describe, groups));
        Ok(role)
    }

    fn deployment_and_stage(
        &self,
        stack: &mut Stack,
        members: Members,
        logs: &ApiLogs,
    ) -> Result<LogicalId> {
        let deployment = apigateway::Deployment::new(reference(self.api))
            .description(format!("deployment of {}", stack.full_path(self.path)));
        let deployment = stack.add_resource(self.path, "Deployment", &deployment)?;
        for method in &members.methods {
            stack.add_dependency(&deployment, method);
        }
        stack.hash_id_over(&deployment, members.hashed);
        let settings = stage::MethodSetting::default()
            .http_method("*")
            .resource_path("/*")
            .logging_level("ERROR")
            .data_trace_enabled(false)
            .metrics_enabled(true)
            .throttling_rate_limit(self.props.throttle_rate_limit)
            .throttling_burst_limit(self.props.throttle_burst_limit);
        let access_log = stage::AccessLogSetting::default()
            .destination_arn(logs.access.bare_arn())
            .format(ACCESS_LOG_FORMAT);
        let stage = apigateway::Stage::new(reference(self.api))
            .stage_name(self.props.stage_name.as_str())
            .deployment_id(reference(&deployment))
            .method_settings([settings])
            .access_log_setting(access_log)
            .tracing_enabled(false);
        let stage = stack.add_resource(self.path, "Stage", &stage)?;
        if let Some(account) = &logs.account {
            stack.add_dependency(&stage, account);
        }
        stack.add_dependency(&stage, logs.execution.logical_id());
        Ok(stage)
    }
}

struct ApiLogs {
    access: LogGroup,
    execution: LogGroup,
    account: Option<LogicalId>,
}

/// The CORS response headers, values quoted as API Gateway's mapping expressions require.
fn cors_headers(origin: Value<String>, methods: &str) -> BTreeMap<String, Value<String>> {
    let quoted_origin = join("", [Value::from("'"), origin, Value::from("'")]);
    BTreeMap::from([
        ("Access-Control-Allow-Origin".to_owned(), quoted_origin),
        (
            "Access-Control-Allow-Headers".to_owned(),
            format!("'{ALLOWED_HEADERS}'").into(),
        ),
        (
            "Access-Control-Allow-Methods".to_owned(),
            format!("'{methods}'").into(),
        ),
        ("Access-Control-Max-Age".to_owned(), "'600'".into()),
        ("Vary".to_owned(), "'Origin'".into()),
    ])
}

/// The path as it appears in an execute-api ARN: `{param}` segments become `*`.
fn invoke_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "*"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
