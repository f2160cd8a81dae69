"""Fixes for moto 5.2.1 CloudFormation bugs that the deploy tests meet.

Each wraps a model's ``create_from_cloudformation_json`` (or adds what is missing) and says
which bug it fixes; see docs of the study in the repository's local-aws notes.
"""

import json
from typing import Any

from moto.apigateway.models import Deployment, Method, apigateway_backends
from moto.dynamodb.models.table import Table
from moto.iam.models import Role, iam_backends
from moto.kms.models import Key
from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition


def _wrap_create(cls, after, before=None):
    original = cls.create_from_cloudformation_json.__func__

    @classmethod
    def create(klass, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        if before is not None:
            before(cloudformation_json.get("Properties", {}))
        resource = original(klass, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        after(resource, cloudformation_json.get("Properties", {}), account_id, region_name)
        return resource

    cls.create_from_cloudformation_json = create


def _role_policies(role: Role, properties: dict, account_id: str, region_name: str) -> None:
    """moto stores inline policies as a Python repr (single quotes), not JSON."""
    for policy in properties.get("Policies", []):
        document = policy["PolicyDocument"]
        if not isinstance(document, str):
            document = json.dumps(document)
        role.put_policy(policy["PolicyName"], document)
    backend = iam_backends[account_id][get_partition(region_name)]
    for arn in properties.get("ManagedPolicyArns", []):
        backend.attach_role_policy(arn, role.name)


@classmethod
def _role_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    """moto's update ignores Policies; CloudFormation replaces the inline set."""
    properties = cloudformation_json.get("Properties", {})
    wanted = {p["PolicyName"] for p in properties.get("Policies", [])}
    for name in list(original_resource.policies):
        if name not in wanted:
            original_resource.delete_policy(name)
    _role_policies(original_resource, properties, account_id, region_name)
    return original_resource


def _bucket_settings(bucket: FakeBucket, properties: dict, account_id: str, region_name: str) -> None:
    """moto ignores PublicAccessBlockConfiguration and VersioningConfiguration."""
    backend = s3_backends[account_id][get_partition(region_name)]
    block = properties.get("PublicAccessBlockConfiguration")
    if block:
        backend.put_public_access_block(bucket.name, block)
    versioning = properties.get("VersioningConfiguration", {}).get("Status")
    if versioning:
        backend.put_bucket_versioning(bucket.name, versioning)


def _key_policy(key: Key, properties: dict, account_id: str, region_name: str) -> None:
    """moto keeps a dict KeyPolicy as a dict, so describe-key fails with HTTP 500."""
    if not isinstance(key.policy, str):
        key.policy = json.dumps(key.policy)


def _key_tags(properties: dict) -> None:
    """CloudFormation tags are Key/Value; moto's KMS code reads the API's TagKey/TagValue."""
    tags = properties.get("Tags")
    if tags:
        properties["Tags"] = [
            {"TagKey": t.get("Key", t.get("TagKey")), "TagValue": t.get("Value", t.get("TagValue"))}
            for t in tags
        ]


def _table_sse(table: Table, properties: dict, account_id: str, region_name: str) -> None:
    """CloudFormation says SSEEnabled where the DynamoDB API (and moto) say Enabled."""
    sse = properties.get("SSESpecification")
    if sse and table.sse_specification is not None:
        table.sse_specification["Enabled"] = bool(sse.get("SSEEnabled"))
        if sse.get("SSEType"):
            table.sse_specification["SSEType"] = sse["SSEType"]


_wrap_create(Role, _role_policies)
Role.update_from_cloudformation_json = _role_update
_wrap_create(FakeBucket, _bucket_settings)
_wrap_create(Key, _key_policy, before=_key_tags)
_wrap_create(Table, _table_sse)

@classmethod
def _method_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """moto drops AuthorizerId, RequestParameters, AuthorizationScopes and the method
    responses, and insists on an IntegrationHttpMethod that a MOCK integration has not."""
    properties = cloudformation_json["Properties"]
    backend = apigateway_backends[account_id][region_name]
    api, resource, verb = properties["RestApiId"], properties["ResourceId"], properties["HttpMethod"]
    method = backend.put_method(
        function_id=api,
        resource_id=resource,
        method_type=verb,
        authorization_type=properties.get("AuthorizationType", "NONE"),
        api_key_required=properties.get("ApiKeyRequired"),
        request_parameters=properties.get("RequestParameters"),
        operation_name=properties.get("OperationName"),
        authorizer_id=properties.get("AuthorizerId"),
        authorization_scopes=properties.get("AuthorizationScopes"),
    )
    integration = properties.get("Integration")
    if integration:
        backend.put_integration(
            function_id=api,
            resource_id=resource,
            method_type=verb,
            integration_type=integration["Type"],
            uri=integration.get("Uri"),
            integration_method=integration.get("IntegrationHttpMethod"),
            request_templates=integration.get("RequestTemplates"),
            passthrough_behavior=integration.get("PassthroughBehavior"),
        )
    for response in properties.get("MethodResponses", []):
        backend.put_method_response(
            api, resource, verb, response["StatusCode"],
            response.get("ResponseModels"), response.get("ResponseParameters"),
        )
    return method


Method.create_from_cloudformation_json = _method_create

# moto's Deployment has no physical id, so Ref gives a Python object.
Deployment.physical_resource_id = property(lambda self: self.id)


def _tls_only_deny(statement: dict) -> bool:
    """A Deny of plain HTTP (`aws:SecureTransport` false) or of TLS below 1.2
    (`s3:TlsVersion` less than 1.2), and nothing else."""
    if statement.get("Effect") != "Deny":
        return False
    condition = statement.get("Condition") or {}
    if list(condition) == ["Bool"]:
        secure = condition["Bool"].get("aws:SecureTransport")
        return list(condition["Bool"]) == ["aws:SecureTransport"] and str(secure).lower() == "false"
    if list(condition) == ["NumericLessThan"]:
        return list(condition["NumericLessThan"]) == ["s3:TlsVersion"]
    return False


def _get_permission(self, action: str, resource: str):
    """moto ignores policy conditions, so a TLS-only bucket policy (Deny when
    aws:SecureTransport is false, or when s3:TlsVersion is below 1.2) would deny every
    request. The local endpoint stands in for AWS's HTTPS endpoints: requests count as TLS
    1.2 or later and such statements never apply."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    document = json.loads(self.policy.decode())
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    document["Statement"] = [s for s in statements if not _tls_only_deny(s)]
    if not document["Statement"]:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)


FakeBucket.get_permission = _get_permission


# moto's AWS::Lambda::Version publishes the version but answers no `Fn::GetAtt` (an alias
# reads `Version`) and has no physical id (CloudFormation's `Ref` is the version's ARN).
from moto.awslambda.models import LambdaVersion, lambda_backends  # noqa: E402


def _version_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    properties = cloudformation_json["Properties"]
    backend = lambda_backends[account_id][region_name]
    function = backend.publish_version(properties["FunctionName"])
    version = cls({"Version": function.version})
    version.arn = f"{function.function_arn}"
    if not version.arn.endswith(f":{function.version}"):
        version.arn = f"{version.arn}:{function.version}"
    return version


LambdaVersion.create_from_cloudformation_json = classmethod(_version_create)
LambdaVersion.has_cfn_attr = classmethod(lambda cls, attr: attr == "Version")
LambdaVersion.get_cfn_attribute = lambda self, attr: str(self.version)
LambdaVersion.physical_resource_id = property(lambda self: getattr(self, "arn", str(self.version)))
