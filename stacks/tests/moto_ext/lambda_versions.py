"""Published Lambda versions as CloudFormation and Lambda handle them, where moto 5.2.1 does not.

Two moto bugs that the rollback and pruning tests meet:

- moto numbers a new version ``len(versions) + 1``, so after a version is deleted the next
  publish repeats a number that exists. Lambda never reuses a version number: the next one is
  one above the highest ever published (here: above the highest left, which is the same for
  the tests, since they never delete the newest).
- moto's stack update creates added resources before it updates modified ones, whatever they
  reference. A new ``AWS::Lambda::Version`` (its logical id changes with the function's code)
  is then published from the function's *old* code and configuration, and moto, seeing no
  change since the last publish, hands back the previous version. CloudFormation updates the
  function first because the version references it; here the function's pending update is
  applied just before the version that references it is created.
"""

import copy

from moto.awslambda.models import LambdaStorage
from moto.cloudformation import parsing


def _publish_version(self, name_or_arn, description=""):
    """moto's publish, numbered one above the highest version left."""
    function = self.get_function_by_name_or_arn_forbid_qualifier(name_or_arn)
    group = self._functions.get(function.function_name)
    if not group or not group["latest"]:
        return None
    versions = group["versions"]
    if versions and not function.code_or_config_updated:
        return versions[-1]  # nothing changed since the last publish
    function.code_or_config_updated = False
    published = copy.copy(group["latest"])
    published.set_version(max((int(v.version) for v in versions), default=0) + 1)
    if description:
        published.description = description
    versions.append(published)
    self._arns[published.function_arn] = published
    return published


LambdaStorage.publish_version = _publish_version


_original_map_update = parsing.ResourceMap.update


def _map_update(self, template, parameters=None):
    # The resource definitions before the update, to tell which functions it modifies.
    self._stackwright_before = dict(self._resource_json_map)
    self._stackwright_updated_early = set()
    try:
        return _original_map_update(self, template, parameters)
    finally:
        del self._stackwright_before
        del self._stackwright_updated_early


_create_before = parsing.parse_and_create_resource
_update_before = parsing.parse_and_update_resource


def _create(logical_id, resource_json, resources_map, account_id, region_name):
    if resource_json.get("Type") == "AWS::Lambda::Version":
        _update_function_first(resource_json, resources_map, account_id, region_name)
    return _create_before(logical_id, resource_json, resources_map, account_id, region_name)


def _update_function_first(version_json, resources_map, account_id, region_name):
    before = getattr(resources_map, "_stackwright_before", None)
    reference = version_json.get("Properties", {}).get("FunctionName")
    function_id = reference.get("Ref") if isinstance(reference, dict) else None
    if before is None or function_id not in before:
        return
    wanted = resources_map._resource_json_map.get(function_id)
    if wanted is None or wanted == before[function_id]:
        return
    updated = parsing.parse_and_update_resource(function_id, wanted, resources_map, account_id, region_name)
    if updated is not None:
        resources_map._parsed_resources[function_id] = updated
    resources_map._stackwright_updated_early.add(function_id)


def _update(logical_id, resource_json, resources_map, account_id, region_name):
    """The modify pass leaves alone a function already updated for its new version."""
    if logical_id in getattr(resources_map, "_stackwright_updated_early", ()):
        return resources_map._parsed_resources[logical_id]
    return _update_before(logical_id, resource_json, resources_map, account_id, region_name)


parsing.ResourceMap.update = _map_update
parsing.parse_and_create_resource = _create
parsing.parse_and_update_resource = _update
