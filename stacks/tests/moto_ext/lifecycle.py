"""Per-resource stack events, the update fallback and rollback of a failed change set.

moto records only stack-level events, drops a resource whose type has no update code, and
leaves a stack in CREATE_IN_PROGRESS for ever when a resource fails. Here every resource
create, update and delete gets its IN_PROGRESS / COMPLETE / FAILED event, a resource without
update code is kept as it is, and a failed execution rolls back like CloudFormation does:
new resources deleted (those with DeletionPolicy Retain kept), the stack ending in
ROLLBACK_COMPLETE or UPDATE_ROLLBACK_COMPLETE.
"""

from typing import Any

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing
from moto.cloudformation.models import CloudFormationBackend, Event, cloudformation_backends

_KEEPING = ("Retain", "RetainExceptOnCreate", "Snapshot")


# moto takes a stack out of its table before deleting its resources; this keeps it findable.
_deleting: dict = {}


def _stack(resources_map: parsing.ResourceMap):
    backend = cloudformation_backends[resources_map._account_id][resources_map._region_name]
    stack_id = resources_map.stack_id
    return backend.stacks.get(stack_id) or _deleting.get(stack_id)


def _event(stack, logical_id: str, resource_type: str, status: str, physical_id: str = "", reason: str | None = None) -> None:
    if stack is None:
        return
    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id,
            resource_type=resource_type,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _physical_id(resource: Any) -> str:
    value = getattr(resource, "physical_resource_id", None)
    return value if isinstance(value, str) else ""


def _reason(error: Exception) -> str:
    for attribute in ("message", "description"):
        text = getattr(error, attribute, None)
        if isinstance(text, str) and text:
            return text
    return str(error) or type(error).__name__


_original_create = parsing.parse_and_create_resource


def _create(logical_id, resource_json, resources_map, account_id, region_name):
    stack = _stack(resources_map)
    resource_type = resource_json.get("Type", "")
    _event(stack, logical_id, resource_type, "CREATE_IN_PROGRESS")
    try:
        resource = _original_create(logical_id, resource_json, resources_map, account_id, region_name)
    except Exception as error:
        _event(stack, logical_id, resource_type, "CREATE_FAILED", reason=_reason(error))
        raise
    _event(stack, logical_id, resource_type, "CREATE_COMPLETE", _physical_id(resource))
    return resource


_original_update = parsing.parse_and_update_resource


def _update(logical_id, resource_json, resources_map, account_id, region_name):
    stack = _stack(resources_map)
    resource_type = resource_json.get("Type", "")
    original = resources_map._parsed_resources.get(logical_id)
    _event(stack, logical_id, resource_type, "UPDATE_IN_PROGRESS", _physical_id(original))
    try:
        resource = _original_update(logical_id, resource_json, resources_map, account_id, region_name)
    except Exception as error:
        _event(stack, logical_id, resource_type, "UPDATE_FAILED", reason=_reason(error))
        raise
    # No update code in moto: keep the resource (its property change is not applied).
    resource = resource if resource is not None else original
    _event(stack, logical_id, resource_type, "UPDATE_COMPLETE", _physical_id(resource))
    return resource


_original_delete_resource = parsing.ResourceMap._delete_resource


def _delete_resource(self, parsed_resource, resource_json):
    stack = _stack(self)
    logical_id = getattr(parsed_resource, "logical_resource_id", "")
    resource_type = resource_json.get("Type", "")
    physical_id = _physical_id(parsed_resource)
    _event(stack, logical_id, resource_type, "DELETE_IN_PROGRESS", physical_id)
    _original_delete_resource(self, parsed_resource, resource_json)
    _event(stack, logical_id, resource_type, "DELETE_COMPLETE", physical_id)


_original_map_delete = parsing.ResourceMap.delete


def _map_delete(self):
    stack = _stack(self)
    for logical_id, resource_json in self._resource_json_map.items():
        if resource_json.get("DeletionPolicy") in _KEEPING and logical_id in self._parsed_resources:
            resource = self._parsed_resources[logical_id]
            _event(stack, logical_id, resource_json.get("Type", ""), "DELETE_SKIPPED", _physical_id(resource))
    _original_map_delete(self)


_original_stack_delete = cfn_models.Stack.delete


def _stack_delete(self):
    _deleting[self.stack_id] = self
    try:
        _original_stack_delete(self)
    finally:
        _deleting.pop(self.stack_id, None)


_original_delete_stack = CloudFormationBackend.delete_stack


def _delete_stack(self, name_or_stack_id):
    """A resource that fails to delete leaves the stack in DELETE_FAILED, as on AWS, instead
    of moto's HTTP error and a vanished stack with leaked resources."""
    stacks = [s for s in self.stacks.values() if name_or_stack_id in (s.stack_id, s.name)]
    try:
        _original_delete_stack(self, name_or_stack_id)
    except Exception as error:
        for stack in stacks:
            stack._add_stack_event("DELETE_FAILED", resource_status_reason=_reason(error))
            stack.status = "DELETE_FAILED"
            self.deleted_stacks.pop(stack.stack_id, None)
            self.stacks[stack.stack_id] = stack


def _change_set(backend: CloudFormationBackend, name: str):
    if name in backend.change_sets:
        return backend.change_sets[name]
    for change_set in backend.change_sets.values():
        if change_set.change_set_name == name:
            return change_set
    return None


_original_execute = CloudFormationBackend.execute_change_set


def _execute_change_set(self, change_set_name, stack_name=None):
    change_set = _change_set(self, change_set_name)
    if change_set is None:
        return _original_execute(self, change_set_name, stack_name)
    stack = self.stacks[change_set.stack_id]
    resources = stack.resource_map
    before_ids = set(resources._parsed_resources)
    before_json = dict(getattr(resources, "_resource_json_map", {}) or {})
    before_template = getattr(resources, "_template", None)
    try:
        _original_execute(self, change_set_name, stack_name)
    except Exception as error:
        _roll_back(stack, change_set, before_ids, before_json, before_template, error)
        return None
    # moto builds a stack's outputs when it is constructed, which for a CREATE change set
    # is before it has a template: build them from the executed template.
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    stack.output_map = stack._create_output_map()
    return None


def _roll_back(stack, change_set, before_ids, before_json, before_template, error) -> None:
    creating = change_set.change_set_type == "CREATE"
    prefix = "ROLLBACK" if creating else "UPDATE_ROLLBACK"
    failed = [e.logical_resource_id for e in stack.events if e.resource_status.endswith("_FAILED")]
    reason = f"The following resource(s) failed: [{', '.join(failed[-1:])}]. Rollback requested by user."
    stack._add_stack_event(f"{prefix}_IN_PROGRESS", resource_status_reason=reason)
    resources = stack.resource_map
    declared = resources._resource_json_map
    new_ids = [i for i in resources._parsed_resources if i not in before_ids and i in declared]
    for logical_id in reversed(new_ids):
        resource = resources._parsed_resources.pop(logical_id)
        resource_json = resources._resource_json_map.get(logical_id, {})
        if resource is None:
            continue
        if creating and resource_json.get("DeletionPolicy") in _KEEPING:
            _event(stack, logical_id, resource_json.get("Type", ""), "DELETE_SKIPPED", _physical_id(resource))
            continue
        try:
            resources._delete_resource(resource, resource_json)
        except Exception as delete_error:
            _event(stack, logical_id, resource_json.get("Type", ""), "DELETE_FAILED", reason=_reason(delete_error))
    if creating:
        # GetTemplate still answers for a rolled-back stack, as on AWS. moto's resource map
        # creates a resource whenever it is looked up, so only the kept ones stay in it.
        stack.template = change_set.template
        resources._resource_json_map = {
            i: j for i, j in declared.items() if resources._parsed_resources.get(i) is not None
        }
    else:
        resources._resource_json_map = before_json
        resources._template = before_template
    stack._add_stack_event(f"{prefix}_COMPLETE")
    stack.status = f"{prefix}_COMPLETE"
    change_set.execution_status = "EXECUTE_FAILED"
    change_set.status_reason = _reason(error)


parsing.parse_and_create_resource = _create
parsing.parse_and_update_resource = _update
parsing.ResourceMap._delete_resource = _delete_resource
parsing.ResourceMap.delete = _map_delete
CloudFormationBackend.execute_change_set = _execute_change_set
cfn_models.Stack.delete = _stack_delete
CloudFormationBackend.delete_stack = _delete_stack
