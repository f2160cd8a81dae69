//! Managed policy ARNs: AWS-managed (`arn:aws:iam::aws:policy/…`) or the
//! account's own. The account segment decides, however the ARN is written:
//! a literal, `!Sub arn:${AWS::Partition}:iam::aws:policy/…`, a `!Join`, or
//! a reference to a policy in the template.

use std::fmt::Write;

use crate::sym::{Part, Sym};

use super::tokens::{Tok, tokens};

/// What a managed policy ARN names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManagedPolicyArn {
    /// An AWS-managed policy; `name` is its path and name after `policy/`
    /// (`service-role/AWSLambdaBasicExecutionRole`).
    AwsManaged { name: String },
    /// A policy of the account: a reference to one in the template, or an
    /// ARN with an account ID.
    CustomerManaged,
    /// Not an IAM policy ARN, or not known; the reason says which.
    Unknown(String),
}

impl ManagedPolicyArn {
    /// Reads one `ManagedPolicyArns` entry (or Terraform `policy_arn`).
    pub fn of(sym: &Sym) -> ManagedPolicyArn {
        let toks = match tokens(sym) {
            Ok(toks) => toks,
            Err(reason) => return ManagedPolicyArn::Unknown(reason.to_owned()),
        };
        if let Some(Tok::Atom(Part::Ref { .. })) = toks.first() {
            return ManagedPolicyArn::CustomerManaged;
        }
        let segments: Vec<&[Tok<'_>]> = toks.splitn(6, |t| t.is_char(':')).collect();
        let is = |seg: &[Tok<'_>], text: &str| seg.iter().copied().eq(text.chars().map(Tok::Char));
        match segments.as_slice() {
            [arn, _, iam, _, account, resource] if is(arn, "arn") && is(iam, "iam") => {
                let Some(name) = resource.strip_prefix(&policy_prefix()[..]) else {
                    return ManagedPolicyArn::Unknown(format!("`{sym}` is not a policy ARN"));
                };
                if is(account, "aws") {
                    ManagedPolicyArn::AwsManaged { name: render(name) }
                } else {
                    ManagedPolicyArn::CustomerManaged
                }
            }
            _ => ManagedPolicyArn::Unknown(format!("`{sym}` is not a policy ARN")),
        }
    }
}

fn policy_prefix() -> Vec<Tok<'static>> {
    "policy/".chars().map(Tok::Char).collect()
}

fn render(toks: &[Tok<'_>]) -> String {
    let mut out = String::new();
    for tok in toks {
        match tok {
            Tok::Char(c) => out.push(*c),
            Tok::Atom(part) => {
                let _ = write!(out, "{}", Sym::from_parts([(*part).clone()]));
            }
        }
    }
    out
}

/// AWS-managed policies that grant administrator or near-administrator
/// access (IAM-4 / IAM-5): full access to everything, to IAM, or to a
/// whole service (`…FullAccess`).
pub fn is_elevated_aws_managed(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    matches!(
        base,
        "AdministratorAccess" | "PowerUserAccess" | "IAMFullAccess"
    ) || base.ends_with("FullAccess")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(name: &str) -> ManagedPolicyArn {
        ManagedPolicyArn::AwsManaged {
            name: name.to_owned(),
        }
    }

    #[test]
    fn account_segment_decides() {
        let join = Sym::from_parts([
            Part::Text("arn:".into()),
            Part::Pseudo("AWS::Partition".into()),
            Part::Text(":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".into()),
        ]);
        assert_eq!(
            ManagedPolicyArn::of(&join),
            aws("service-role/AWSLambdaBasicExecutionRole")
        );
        let literal = Sym::text("arn:aws:iam::aws:policy/AdministratorAccess");
        assert_eq!(ManagedPolicyArn::of(&literal), aws("AdministratorAccess"));
        let own = Sym::from_parts([
            Part::Text("arn:".into()),
            Part::Pseudo("AWS::Partition".into()),
            Part::Text(":iam::".into()),
            Part::Pseudo("AWS::AccountId".into()),
            Part::Text(":policy/example-shared-readonly".into()),
        ]);
        assert_eq!(
            ManagedPolicyArn::of(&own),
            ManagedPolicyArn::CustomerManaged
        );
        let numbered = Sym::text("arn:aws:iam::111111111111:policy/example-boundary-helpers");
        assert_eq!(
            ManagedPolicyArn::of(&numbered),
            ManagedPolicyArn::CustomerManaged
        );
        let reference = Sym::reference("AppLogsPolicy", None);
        assert_eq!(
            ManagedPolicyArn::of(&reference),
            ManagedPolicyArn::CustomerManaged
        );
        assert!(matches!(
            ManagedPolicyArn::of(&Sym::unknown("param")),
            ManagedPolicyArn::Unknown(_)
        ));
        assert!(matches!(
            ManagedPolicyArn::of(&Sym::text("AdministratorAccess")),
            ManagedPolicyArn::Unknown(_)
        ));
    }

    #[test]
    fn elevated_policies() {
        assert!(is_elevated_aws_managed("AdministratorAccess"));
        assert!(!is_elevated_aws_managed("job-function/ViewOnlyAccess"));
        assert!(is_elevated_aws_managed("AmazonS3FullAccess"));
        assert!(!is_elevated_aws_managed(
            "service-role/AWSLambdaBasicExecutionRole"
        ));
    }
}
