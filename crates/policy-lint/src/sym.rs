//! Symbolic strings: what a template value is after references are resolved
//! as far as the template allows.
//!
//! `{"Fn::Sub": "${Table.Arn}/index/*"}` becomes
//! `[Ref(Table, Arn), Text("/index/*")]`, and the Terraform string
//! `"${aws_dynamodb_table.expenses.arn}"` becomes
//! `[Ref(aws_dynamodb_table.expenses, arn)]`. Rules can then ask "is this the
//! table's ARN?" or "is there a wildcard in the literal text?" without caring
//! which format or intrinsic produced the value. Anything that cannot be known
//! statically is an explicit [`Part::Unknown`] with a reason, never dropped.

use std::fmt;

/// One piece of a symbolic string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// Literal text.
    Text(String),
    /// A reference to a resource in the same template: a CloudFormation
    /// logical ID or a Terraform address (`aws_s3_bucket.site`), with the
    /// attribute read (`Arn`, `arn`, `id`), or `None` for a plain `Ref`.
    Ref {
        target: String,
        attribute: Option<String>,
    },
    /// A pseudo parameter or provider value such as `AWS::Region`,
    /// `AWS::AccountId` or `AWS::Partition`.
    Pseudo(String),
    /// A value the linter cannot know: a parameter without a default, an
    /// import, a condition it cannot decide, a Terraform value known only
    /// after apply.
    Unknown { reason: String },
}

/// A string assembled from [`Part`]s. Adjacent text parts are merged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym {
    parts: Vec<Part>,
}

impl Sym {
    pub fn text(s: impl Into<String>) -> Self {
        let mut sym = Self::default();
        sym.push(Part::Text(s.into()));
        sym
    }

    pub fn reference(target: impl Into<String>, attribute: Option<&str>) -> Self {
        Self::from_parts([Part::Ref {
            target: target.into(),
            attribute: attribute.map(str::to_owned),
        }])
    }

    pub fn unknown(reason: impl Into<String>) -> Self {
        Self::from_parts([Part::Unknown {
            reason: reason.into(),
        }])
    }

    pub fn from_parts(parts: impl IntoIterator<Item = Part>) -> Self {
        let mut sym = Self::default();
        for part in parts {
            sym.push(part);
        }
        sym
    }

    /// Appends a part, merging it into the previous one when both are text.
    pub fn push(&mut self, part: Part) {
        if let Part::Text(s) = &part {
            if s.is_empty() {
                return;
            }
            if let Some(Part::Text(last)) = self.parts.last_mut() {
                last.push_str(s);
                return;
            }
        }
        self.parts.push(part);
    }

    pub fn extend(&mut self, other: Sym) {
        for part in other.parts {
            self.push(part);
        }
    }

    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The whole string, when it is plain text.
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Text(s)] => Some(s),
            _ => None,
        }
    }

    /// The first unknown part's reason, if any part is unknown.
    pub fn unknown_reason(&self) -> Option<&str> {
        self.parts.iter().find_map(|p| match p {
            Part::Unknown { reason } => Some(reason.as_str()),
            _ => None,
        })
    }

    /// The resource references in this string, in order.
    pub fn references(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.parts.iter().filter_map(|p| match p {
            Part::Ref { target, attribute } => Some((target.as_str(), attribute.as_deref())),
            _ => None,
        })
    }

    /// True when this is exactly one reference to `target` (any attribute).
    pub fn is_reference_to(&self, target: &str) -> bool {
        matches!(self.parts.as_slice(), [Part::Ref { target: t, .. }] if t == target)
    }
}

impl fmt::Display for Sym {
    /// Renders in `Fn::Sub` style: `${Table.Arn}/index/*`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Text(s) => f.write_str(s)?,
                Part::Ref {
                    target,
                    attribute: Some(attr),
                } => write!(f, "${{{target}.{attr}}}")?,
                Part::Ref {
                    target,
                    attribute: None,
                } => write!(f, "${{{target}}}")?,
                Part::Pseudo(name) => write!(f, "${{{name}}}")?,
                Part::Unknown { reason } => write!(f, "<unknown: {reason}>")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_text_merges_and_empty_text_vanishes() {
        let mut sym = Sym::text("arn:");
        sym.push(Part::Text(String::new()));
        sym.push(Part::Text("aws".into()));
        assert_eq!(sym.as_literal(), Some("arn:aws"));
    }

    #[test]
    fn display_uses_sub_syntax() {
        let mut sym = Sym::reference("Table", Some("Arn"));
        sym.push(Part::Text("/index/*".into()));
        assert_eq!(sym.to_string(), "${Table.Arn}/index/*");
        assert!(!sym.is_reference_to("Table"));
        assert_eq!(
            sym.references().collect::<Vec<_>>(),
            [("Table", Some("Arn"))]
        );
    }

    #[test]
    fn unknown_parts_are_reported() {
        let mut sym = Sym::text("arn:aws:s3:::");
        sym.extend(Sym::unknown("parameter `BucketName` has no default"));
        assert_eq!(
            sym.unknown_reason(),
            Some("parameter `BucketName` has no default")
        );
        assert_eq!(sym.as_literal(), None);
    }
}
