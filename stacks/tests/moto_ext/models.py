"""CloudFormation models for the resource types moto 5.2.1 skips silently.

moto finds models through ``CloudFormationModel.__subclasses__()``, which lists direct
subclasses only, so every class here inherits it directly. Types with a moto service
backend create the resource there (so the service API sees it); the rest keep a record
with a physical id and the attributes templates read, which is all CloudFormation needs.
"""

import json
import random
import string
from typing import Any

from moto.acm.models import acm_backends
from moto.apigateway.models import apigateway_backends
from moto.awslambda.models import lambda_backends
from moto.cloudfront.models import cloudfront_backends
from moto.cognitoidp.models import cognitoidp_backends
from moto.core.common_models import CloudFormationModel
from moto.iam.models import iam_backends
from moto.s3.models import s3_backends
from moto.secretsmanager.models import secretsmanager_backends
from moto.utilities.utils import get_partition


def _random_id(length: int = 10) -> str:
    return "".join(random.choices(string.ascii_lowercase + string.digits, k=length))


def _failure(message: str) -> Exception:
    """An error whose text becomes the CREATE_FAILED reason."""
    return RuntimeError(message)


class _Record:
    """A resource kept as its properties, a physical id and read-only attributes."""

    TYPE = ""
    ATTRIBUTES: dict[str, str] = {}

    def __init__(self, physical_id: str, properties: dict[str, Any], region_name: str):
        self.id = physical_id
        self.properties = properties
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.id

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        template = self.ATTRIBUTES[attribute_name]
        return template.format(id=self.id, region=self.region_name)

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        return cls(_random_id(), cloudformation_json.get("Properties", {}), region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    ):
        original_resource.properties = cloudformation_json.get("Properties", {})
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        return None

    def delete(self, account_id: str, region_name: str) -> None:
        return None


class GatewayResponse(_Record, CloudFormationModel):
    cloudformation_type = staticmethod(lambda: "AWS::ApiGateway::GatewayResponse")
    cloudformation_name_type = staticmethod(lambda: "")


class ApiGatewayAccount(_Record, CloudFormationModel):
    cloudformation_type = staticmethod(lambda: "AWS::ApiGateway::Account")
    cloudformation_name_type = staticmethod(lambda: "")


class TopicPolicy(_Record, CloudFormationModel):
    cloudformation_type = staticmethod(lambda: "AWS::SNS::TopicPolicy")
    cloudformation_name_type = staticmethod(lambda: "")


class Alarm(_Record, CloudFormationModel):
    cloudformation_type = staticmethod(lambda: "AWS::CloudWatch::Alarm")
    cloudformation_name_type = staticmethod(lambda: "AlarmName")
    ATTRIBUTES = {"Arn": "arn:aws:cloudwatch:{region}:123456789012:alarm:{id}"}


class OriginAccessControl(_Record, CloudFormationModel):
    cloudformation_type = staticmethod(lambda: "AWS::CloudFront::OriginAccessControl")
    cloudformation_name_type = staticmethod(lambda: "")
    ATTRIBUTES = {"Id": "{id}"}


class Distribution(_Record, CloudFormationModel):
    """A distribution in moto's CloudFront backend, so invalidations of it are accepted and
    listed; checks its viewer certificate exists in ACM in us-east-1, as CloudFront does.

    moto's backend gets only the origins, the default root object and the default cache
    behaviour's origin and viewer policy (in its own request shape): enough for
    get-distribution and create-invalidation, not a copy of the template's settings."""

    cloudformation_type = staticmethod(lambda: "AWS::CloudFront::Distribution")
    cloudformation_name_type = staticmethod(lambda: "")
    ATTRIBUTES = {"DomainName": "{id}.cloudfront.net", "Id": "{id}"}

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        properties = cloudformation_json.get("Properties", {})
        config = properties.get("DistributionConfig", {})
        certificate = config.get("ViewerCertificate", {}).get("AcmCertificateArn")
        if certificate:
            _check_certificate(account_id, certificate)
        origins = [
            {"Id": o["Id"], "DomainName": o["DomainName"]} for o in config.get("Origins", [])
        ]
        default = config.get("DefaultCacheBehavior", {})
        backend = cloudfront_backends[account_id][get_partition(region_name)]
        created, _, _ = backend.create_distribution(
            {
                "CallerReference": f"{resource_name}-{_random_id(12)}",
                "Comment": config.get("Comment", ""),
                "Enabled": config.get("Enabled", True),
                "DefaultRootObject": config.get("DefaultRootObject", ""),
                "Origins": {"Quantity": len(origins), "Items": origins},
                "DefaultCacheBehavior": {
                    "TargetOriginId": default.get("TargetOriginId"),
                    "ViewerProtocolPolicy": default.get("ViewerProtocolPolicy", "allow-all"),
                },
            },
            [],
        )
        return cls(created.distribution_id, properties, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = cloudfront_backends[account_id][get_partition(region_name)]
        backend.distributions.pop(self.id, None)


def _check_certificate(account_id: str, arn: str) -> None:
    backend = acm_backends[account_id]["us-east-1"]
    if arn not in backend._certificates:
        raise _failure(
            "Invalid request provided: AWS::CloudFront::Distribution: The specified SSL "
            "certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't "
            "include a valid certificate chain."
        )


class Stage(_Record, CloudFormationModel):
    """A stage in moto's API Gateway backend, so get-stages shows it."""

    cloudformation_type = staticmethod(lambda: "AWS::ApiGateway::Stage")
    cloudformation_name_type = staticmethod(lambda: "StageName")

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        properties = cloudformation_json.get("Properties", {})
        backend = apigateway_backends[account_id][region_name]
        name = properties["StageName"]
        backend.create_stage(
            function_id=properties["RestApiId"],
            stage_name=name,
            deploymentId=properties.get("DeploymentId"),
            description=properties.get("Description", ""),
        )
        record = cls(name, properties, region_name)
        record.account_id = account_id
        return record

    def delete(self, account_id: str, region_name: str) -> None:
        backend = apigateway_backends[account_id][region_name]
        try:
            backend.delete_stage(self.properties["RestApiId"], self.id)
        except Exception:  # the API may be gone first: moto deletes in any order
            pass


class Authorizer(_Record, CloudFormationModel):
    """A Cognito authorizer in moto's API Gateway backend."""

    cloudformation_type = staticmethod(lambda: "AWS::ApiGateway::Authorizer")
    cloudformation_name_type = staticmethod(lambda: "Name")
    ATTRIBUTES = {"AuthorizerId": "{id}"}

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        properties = cloudformation_json.get("Properties", {})
        backend = apigateway_backends[account_id][region_name]
        authorizer = backend.create_authorizer(
            restapi_id=properties["RestApiId"],
            name=properties.get("Name", resource_name),
            authorizer_type=properties.get("Type"),
            provider_arns=properties.get("ProviderARNs"),
            identity_source=properties.get("IdentitySource"),
        )
        return cls(authorizer.id, properties, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = apigateway_backends[account_id][region_name]
        try:
            backend.delete_authorizer(self.properties["RestApiId"], self.id)
        except Exception:
            pass


class BucketPolicy(_Record, CloudFormationModel):
    """The policy set on the bucket in moto's S3 backend."""

    cloudformation_type = staticmethod(lambda: "AWS::S3::BucketPolicy")
    cloudformation_name_type = staticmethod(lambda: "")

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        properties = cloudformation_json.get("Properties", {})
        _put_bucket_policy(account_id, region_name, properties)
        return cls(properties["Bucket"], properties, region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    ):
        properties = cloudformation_json.get("Properties", {})
        _put_bucket_policy(account_id, region_name, properties)
        original_resource.properties = properties
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        backend = s3_backends[account_id][get_partition(region_name)]
        try:
            backend.delete_bucket_policy(self.id)
        except Exception:  # moto's MissingBucket: the bucket went first
            pass


def _put_bucket_policy(account_id: str, region_name: str, properties: dict) -> None:
    backend = s3_backends[account_id][get_partition(region_name)]
    document = properties["PolicyDocument"]
    if not isinstance(document, str):
        document = json.dumps(document)
    backend.put_bucket_policy(properties["Bucket"], document.encode())


class UserPool(_Record, CloudFormationModel):
    """A user pool in moto's Cognito backend (describe-user-pool sees it)."""

    cloudformation_type = staticmethod(lambda: "AWS::Cognito::UserPool")
    cloudformation_name_type = staticmethod(lambda: "UserPoolName")
    ATTRIBUTES = {"Arn": "", "ProviderName": "", "ProviderURL": "", "UserPoolId": ""}

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        properties = dict(cloudformation_json.get("Properties", {}))
        name = properties.pop("UserPoolName", resource_name)
        tags = properties.pop("UserPoolTags", None)
        if tags:
            properties["UserPoolTags"] = tags
        backend = cognitoidp_backends[account_id][region_name]
        pool = backend.create_user_pool(name, properties)
        record = cls(pool.id, properties, region_name)
        record.pool = pool
        return record

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        provider = f"cognito-idp.{self.region_name}.amazonaws.com/{self.id}"
        return {
            "Arn": self.pool.arn,
            "ProviderName": provider,
            "ProviderURL": f"https://{provider}",
            "UserPoolId": self.id,
        }[attribute_name]

    def delete(self, account_id: str, region_name: str) -> None:
        backend = cognitoidp_backends[account_id][region_name]
        backend.user_pools.pop(self.id, None)


class UserPoolClient(_Record, CloudFormationModel):
    cloudformation_type = staticmethod(lambda: "AWS::Cognito::UserPoolClient")
    cloudformation_name_type = staticmethod(lambda: "ClientName")
    ATTRIBUTES = {"ClientId": "{id}"}

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        properties = dict(cloudformation_json.get("Properties", {}))
        pool_id = properties.pop("UserPoolId")
        generate_secret = bool(properties.pop("GenerateSecret", False))
        backend = cognitoidp_backends[account_id][region_name]
        client = backend.create_user_pool_client(pool_id, generate_secret, properties)
        record = cls(client.id, properties, region_name)
        record.pool_id = pool_id
        return record

    def delete(self, account_id: str, region_name: str) -> None:
        backend = cognitoidp_backends[account_id][region_name]
        pool = backend.user_pools.get(self.pool_id)
        if pool is not None:
            pool.clients.pop(self.id, None)


class LambdaAlias(_Record, CloudFormationModel):
    """A function alias in moto's Lambda backend; `Ref` gives its ARN, as on AWS."""

    cloudformation_type = staticmethod(lambda: "AWS::Lambda::Alias")
    cloudformation_name_type = staticmethod(lambda: "Name")
    ATTRIBUTES = {"AliasArn": "{id}"}

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        properties = cloudformation_json.get("Properties", {})
        backend = lambda_backends[account_id][region_name]
        alias = backend.create_alias(
            name=properties["Name"],
            function_name=properties["FunctionName"],
            function_version=str(properties["FunctionVersion"]),
            description=properties.get("Description", ""),
            routing_config=properties.get("RoutingConfig"),
        )
        return cls(alias.arn, properties, region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    ):
        properties = cloudformation_json.get("Properties", {})
        backend = lambda_backends[account_id][region_name]
        backend.update_alias(
            name=properties["Name"],
            function_name=properties["FunctionName"],
            function_version=str(properties["FunctionVersion"]),
            description=properties.get("Description", ""),
            routing_config=properties.get("RoutingConfig"),
        )
        original_resource.properties = properties
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        backend = lambda_backends[account_id][region_name]
        try:
            backend.delete_alias(self.properties["Name"], self.properties["FunctionName"])
        except Exception:  # the function may be gone first: moto deletes in any order
            pass


class OidcProvider(_Record, CloudFormationModel):
    """An OpenID Connect provider in moto's IAM backend; `Ref` and `Arn` give its ARN."""

    cloudformation_type = staticmethod(lambda: "AWS::IAM::OIDCProvider")
    ATTRIBUTES = {"Arn": "{id}"}

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        properties = cloudformation_json.get("Properties", {})
        backend = iam_backends[account_id][get_partition(region_name)]
        provider = backend.create_open_id_connect_provider(
            url=properties["Url"],
            thumbprint_list=properties.get("ThumbprintList", []),
            client_id_list=properties.get("ClientIdList", []),
            tags=properties.get("Tags", []),
        )
        return cls(provider.arn, properties, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = iam_backends[account_id][get_partition(region_name)]
        backend.delete_open_id_connect_provider(self.id)


class Secret(_Record, CloudFormationModel):
    """A secret in moto's Secrets Manager backend, its value generated as CloudFormation
    does from `GenerateSecretString`; `Ref` gives its ARN."""

    cloudformation_type = staticmethod(lambda: "AWS::SecretsManager::Secret")
    cloudformation_name_type = staticmethod(lambda: "Name")
    ATTRIBUTES = {"Id": "{id}"}

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        properties = cloudformation_json.get("Properties", {})
        backend = secretsmanager_backends[account_id][region_name]
        generate = properties.get("GenerateSecretString")
        value = properties.get("SecretString")
        if generate is not None:
            length = int(generate.get("PasswordLength", 32))
            value = "".join(random.choices(string.ascii_letters + string.digits, k=length))
        created = json.loads(
            backend.create_secret(
                name=properties.get("Name", f"{resource_name}-{_random_id(12)}"),
                secret_string=value,
                secret_binary=None,
                description=properties.get("Description"),
                tags=properties.get("Tags", []),
                kms_key_id=properties.get("KmsKeyId"),
                client_request_token=None,
                replica_regions=[],
                force_overwrite=False,
            )
        )
        return cls(created["ARN"], properties, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = secretsmanager_backends[account_id][region_name]
        try:
            backend.delete_secret(self.id, None, True)
        except Exception:
            pass
