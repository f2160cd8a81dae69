//! The curated list of actions that let a principal raise its own
//! privileges. Access levels from the catalog find most policy-changing
//! actions on their own (every `Permissions management` action, every IAM
//! write); this list adds the ones whose danger the catalog cannot show:
//! actions that hand a role to code the caller controls, mint credentials,
//! or run commands where a more privileged role lives.
//!
//! Sources: Rhino Security Labs' AWS privilege-escalation methods (the basis
//! of policy_sentry's `privilege-escalation.txt` and of cloudsplaining), and
//! the IAM-3 control in `../shared/controls.md`. Names are matched without
//! regard to case, as IAM does.

/// When an action on the list escalates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Danger {
    /// Always, whatever resource it is scoped to: changing any policy or
    /// any user's credentials is enough.
    Always,
    /// Only when the resource is unscoped: passing or assuming one named
    /// role is ordinary, passing or assuming any role is escalation.
    OnUnscopedResource,
}

/// One curated escalation action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EscalationAction {
    pub action: &'static str,
    pub danger: Danger,
    /// Why it escalates, as a short lower-case phrase for messages.
    pub why: &'static str,
}

const fn always(action: &'static str, why: &'static str) -> EscalationAction {
    EscalationAction {
        action,
        danger: Danger::Always,
        why,
    }
}

const fn unscoped(action: &'static str, why: &'static str) -> EscalationAction {
    EscalationAction {
        action,
        danger: Danger::OnUnscopedResource,
        why,
    }
}

/// The list. Keep it sorted by action name.
pub const ESCALATION_ACTIONS: &[EscalationAction] = &[
    // Shell on an instance runs with the instance profile's role.
    always(
        "ec2-instance-connect:SendSSHPublicKey",
        "opens a shell on an instance with its role",
    ),
    // A dev endpoint runs with its role; updating it adds the caller's SSH key.
    always(
        "glue:UpdateDevEndpoint",
        "adds an SSH key to a Glue endpoint that runs with a role",
    ),
    always(
        "iam:AddUserToGroup",
        "joins a group and inherits its policies",
    ),
    always(
        "iam:AttachGroupPolicy",
        "attaches any managed policy, such as AdministratorAccess",
    ),
    always(
        "iam:AttachRolePolicy",
        "attaches any managed policy, such as AdministratorAccess",
    ),
    always(
        "iam:AttachUserPolicy",
        "attaches any managed policy, such as AdministratorAccess",
    ),
    always("iam:CreateAccessKey", "mints access keys for another user"),
    always(
        "iam:CreateLoginProfile",
        "sets a console password for another user",
    ),
    always(
        "iam:CreatePolicyVersion",
        "rewrites a managed policy and makes the new version default",
    ),
    always(
        "iam:DeleteRolePermissionsBoundary",
        "removes the boundary that caps a role",
    ),
    always(
        "iam:DeleteUserPermissionsBoundary",
        "removes the boundary that caps a user",
    ),
    unscoped(
        "iam:PassRole",
        "hands any role, including admin roles, to a service the caller controls",
    ),
    always(
        "iam:PutGroupPolicy",
        "writes an inline policy granting anything",
    ),
    always(
        "iam:PutRolePermissionsBoundary",
        "replaces the boundary that caps a role",
    ),
    always(
        "iam:PutRolePolicy",
        "writes an inline policy granting anything",
    ),
    always(
        "iam:PutUserPermissionsBoundary",
        "replaces the boundary that caps a user",
    ),
    always(
        "iam:PutUserPolicy",
        "writes an inline policy granting anything",
    ),
    always(
        "iam:SetDefaultPolicyVersion",
        "switches a managed policy to a broader old version",
    ),
    always(
        "iam:UpdateAssumeRolePolicy",
        "lets the caller assume a role by rewriting its trust policy",
    ),
    always(
        "iam:UpdateLoginProfile",
        "resets another user's console password",
    ),
    // New code or a new layer runs with the function's execution role.
    always(
        "lambda:UpdateFunctionCode",
        "runs the caller's code with the function's role",
    ),
    always(
        "lambda:UpdateFunctionConfiguration",
        "adds a layer that runs with the function's role",
    ),
    always(
        "sagemaker:CreatePresignedNotebookInstanceUrl",
        "opens a notebook that runs with its role",
    ),
    // Commands and sessions run with the managed instance's role.
    always(
        "ssm:SendCommand",
        "runs commands on instances with their roles",
    ),
    always(
        "ssm:StartSession",
        "opens a shell on instances with their roles",
    ),
    unscoped("sts:AssumeRole", "assumes any role that trusts the account"),
];

/// The curated entry for `prefix:name`, if any.
pub fn escalation_action(prefix: &str, name: &str) -> Option<&'static EscalationAction> {
    ESCALATION_ACTIONS.iter().find(|e| {
        e.action
            .split_once(':')
            .is_some_and(|(p, n)| p.eq_ignore_ascii_case(prefix) && n.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::Catalog;

    #[test]
    fn every_curated_action_exists_and_the_list_is_sorted() {
        for entry in ESCALATION_ACTIONS {
            assert!(
                Catalog::embedded().action(entry.action).is_some(),
                "{}",
                entry.action
            );
        }
        let names: Vec<_> = ESCALATION_ACTIONS
            .iter()
            .map(|e| e.action.to_ascii_lowercase())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
