//! Symbolic strings as token sequences: each character of literal text is
//! one token, each reference or pseudo parameter one opaque token. ARN
//! parsing and wildcard matching work on these, so `${Table.Arn}/index/*`
//! can be matched without knowing the table's ARN.

use crate::sym::{Part, Sym};

use super::super::glob::{self, PatternElement};

/// One token of a symbolic string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    Char(char),
    /// A reference or pseudo parameter: some non-empty text without
    /// wildcards that the linter knows only by name.
    Atom(&'a Part),
}

impl Tok<'_> {
    pub(crate) fn is_wildcard(self) -> bool {
        matches!(self, Tok::Char('*' | '?'))
    }

    pub(crate) fn is_char(self, c: char) -> bool {
        self == Tok::Char(c)
    }
}

/// The tokens of `sym`, or the reason it cannot be known.
pub(crate) fn tokens(sym: &Sym) -> Result<Vec<Tok<'_>>, &str> {
    if let Some(reason) = sym.unknown_reason() {
        return Err(reason);
    }
    let mut out = Vec::new();
    for part in sym.parts() {
        match part {
            Part::Text(text) => out.extend(text.chars().map(Tok::Char)),
            Part::Pseudo(name) if name == "AWS::Partition" => {
                out.extend("aws".chars().map(Tok::Char))
            }
            Part::Pseudo(name) if name == "AWS::URLSuffix" => {
                out.extend("amazonaws.com".chars().map(Tok::Char));
            }
            other => out.push(Tok::Atom(other)),
        }
    }
    Ok(out)
}

/// A token of a pattern that must *cover* the subject: the pattern's `*`
/// matches anything, including the subject's own wildcards, but a literal
/// or `?` never matches a subject's `*`, so a match means every string the
/// subject can stand for also matches the pattern.
struct Covering<'a>(Tok<'a>);

impl<'a> PatternElement<Tok<'a>> for Covering<'a> {
    fn is_star(&self) -> bool {
        self.0.is_char('*')
    }

    fn matches(&self, subject: &Tok<'a>) -> bool {
        match (self.0, *subject) {
            (Tok::Char('?'), Tok::Char(c)) => c != '*',
            (Tok::Char(a), Tok::Char(b)) => a == b,
            (Tok::Atom(a), Tok::Atom(b)) => same_atom(a, b),
            _ => false,
        }
    }
}

/// Whether two opaque parts stand for the same value. CloudFormation spells
/// attributes `Arn`, the aws provider `arn`: one ARN either way, so a rule
/// that names `${Table.Arn}` recognises `${aws_dynamodb_table.t.arn}`.
fn same_atom(a: &Part, b: &Part) -> bool {
    match (a, b) {
        (
            Part::Ref {
                target: ta,
                attribute: Some(x),
            },
            Part::Ref {
                target: tb,
                attribute: Some(y),
            },
        ) => ta == tb && x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

/// Whether every value `subject` can take is matched by the IAM pattern
/// `pattern`. `Err` carries the reason when either side is unknown.
pub(crate) fn covers<'a>(pattern: &'a Sym, subject: &'a Sym) -> Result<bool, &'a str> {
    let pattern: Vec<Covering<'_>> = tokens(pattern)?.into_iter().map(Covering).collect();
    let subject = tokens(subject)?;
    Ok(glob::matches(&pattern, &subject))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(parts: &[&str]) -> Sym {
        Sym::from_parts(parts.iter().map(|p| match p.strip_prefix('$') {
            Some(pseudo) if pseudo.starts_with("AWS::") => Part::Pseudo(pseudo.to_owned()),
            Some(target) => Part::Ref {
                target: target.to_owned(),
                attribute: Some("Arn".to_owned()),
            },
            None => Part::Text((*p).to_owned()),
        }))
    }

    #[test]
    fn covering_respects_references_and_wildcards() {
        let index = sub(&["$Table", "/index/*"]);
        assert_eq!(covers(&index, &sub(&["$Table", "/index/byDate"])), Ok(true));
        assert_eq!(covers(&index, &sub(&["$Table", "/index/*"])), Ok(true));
        assert_eq!(covers(&index, &sub(&["$Table"])), Ok(false));
        assert_eq!(covers(&index, &sub(&["$Other", "/index/x"])), Ok(false));
        assert_eq!(covers(&sub(&["$Table"]), &Sym::text("*")), Ok(false));
        assert_eq!(covers(&Sym::text("*"), &sub(&["$Table"])), Ok(true));
        assert_eq!(covers(&Sym::text("a?"), &Sym::text("a*")), Ok(false));
    }

    #[test]
    fn attributes_match_in_either_format_spelling() {
        let tf = |attribute: &str, rest: &str| {
            let mut sym = Sym::reference("aws_dynamodb_table.t", Some(attribute));
            sym.push(Part::Text(rest.to_owned()));
            sym
        };
        assert_eq!(
            covers(&tf("Arn", "/index/*"), &tf("arn", "/index/x")),
            Ok(true)
        );
        assert_eq!(covers(&tf("Arn", ""), &tf("arn", "")), Ok(true));
        assert_eq!(covers(&tf("Arn", ""), &tf("id", "")), Ok(false));
        let other = Sym::reference("aws_dynamodb_table.u", Some("arn"));
        assert_eq!(covers(&tf("Arn", ""), &other), Ok(false));
    }

    #[test]
    fn partition_pseudo_equals_aws() {
        let literal = Sym::text("arn:aws:s3:::b/*");
        let pseudo = sub(&["arn:", "$AWS::Partition", ":s3:::b/*"]);
        assert_eq!(covers(&literal, &pseudo), Ok(true));
        assert_eq!(covers(&pseudo, &literal), Ok(true));
    }

    #[test]
    fn unknown_values_are_reported() {
        let unknown = Sym::unknown("parameter `P` has no default");
        assert_eq!(
            covers(&Sym::text("*"), &unknown),
            Err("parameter `P` has no default")
        );
    }
}
