//! Which part of one S3 bucket a `Resource` value reaches: the bucket itself
//! (`arn:aws:s3:::name`), its objects (`…/*`), both, or neither. Values are
//! matched by reference, not by string shape: `!GetAtt Bucket.Arn`,
//! `arn:${AWS::Partition}:s3:::${Bucket}` and a literal ARN with the
//! bucket's name all denote the same bucket.

use crate::sym::{Part, Sym};

use super::super::glob;
use super::tokens::{Tok, tokens};

/// The bucket being judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketId<'a> {
    /// CloudFormation logical ID or Terraform address of the bucket.
    pub target: &'a str,
    /// The bucket's name when the template states it literally.
    pub name: Option<&'a str>,
}

/// What a resource value reaches of one bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reach {
    pub(crate) bucket: bool,
    pub(crate) objects: bool,
}

/// How much of `bucket` the resource value `sym` reaches, or why it cannot
/// be known.
pub(crate) fn reach(sym: &Sym, bucket: &BucketId<'_>) -> Result<Reach, String> {
    let toks = tokens(sym).map_err(str::to_owned)?;
    let canon = Part::Ref {
        target: bucket.target.to_owned(),
        attribute: None,
    };
    let Some(rest) = below_s3(&toks, bucket, &canon) else {
        let everything = !toks.is_empty() && toks.iter().all(|t| t.is_wildcard());
        return Ok(Reach {
            bucket: everything,
            objects: everything,
        });
    };
    let pattern: Vec<Covering<'_>> = rest.into_iter().map(Covering).collect();
    let object_key = Part::Unknown {
        reason: String::new(),
    };
    let name = [Tok::Atom(&canon)];
    let object = [Tok::Atom(&canon), Tok::Char('/'), Tok::Atom(&object_key)];
    Ok(Reach {
        bucket: glob::matches(&pattern, &name),
        objects: glob::matches(&pattern, &object),
    })
}

/// The part of an S3 ARN after `arn:<partition>:s3:::`, with every way of
/// writing the bucket's name replaced by the one token `canon`. `None` when
/// the value is not an S3 ARN.
fn below_s3<'a>(toks: &[Tok<'a>], bucket: &BucketId<'_>, canon: &'a Part) -> Option<Vec<Tok<'a>>> {
    if let Some(Tok::Atom(Part::Ref {
        target,
        attribute: Some(attr),
    })) = toks.first()
    {
        let is_arn = target == bucket.target && attr.eq_ignore_ascii_case("arn");
        let mut rest = vec![Tok::Atom(canon)];
        rest.extend_from_slice(&toks[1..]);
        return is_arn.then_some(rest);
    }
    let segments: Vec<&[Tok<'a>]> = toks.splitn(6, |t| t.is_char(':')).collect();
    let [arn, _partition, service, region, account, resource] = segments.as_slice() else {
        return None;
    };
    let is = |seg: &[Tok<'_>], text: &str| seg.iter().copied().eq(text.chars().map(Tok::Char));
    let open = |seg: &[Tok<'_>]| seg.iter().all(|t| t.is_wildcard());
    let s3 =
        is(arn, "arn") && (is(service, "s3") || open(service)) && open(region) && open(account);
    s3.then(|| canonical(resource, bucket, canon))
}

fn canonical<'a>(resource: &[Tok<'a>], bucket: &BucketId<'_>, canon: &'a Part) -> Vec<Tok<'a>> {
    let mut out = Vec::with_capacity(resource.len());
    let mut rest = resource;
    if let Some(name) = bucket.name {
        let len = name.chars().count();
        let literal =
            rest.len() >= len && rest[..len].iter().copied().eq(name.chars().map(Tok::Char));
        let whole = literal && rest.get(len).is_none_or(|t| t.is_char('/'));
        if whole {
            out.push(Tok::Atom(canon));
            rest = &rest[len..];
        }
    }
    for tok in rest {
        let names_bucket = matches!(tok, Tok::Atom(Part::Ref { target, attribute })
            if target == bucket.target && is_name_attribute(attribute.as_deref()));
        out.push(if names_bucket { Tok::Atom(canon) } else { *tok });
    }
    out
}

/// `Ref Bucket` in CloudFormation and `.id` / `.bucket` in Terraform give
/// the bucket's name.
fn is_name_attribute(attribute: Option<&str>) -> bool {
    attribute.is_none_or(|a| a.eq_ignore_ascii_case("id") || a.eq_ignore_ascii_case("bucket"))
}

/// A pattern token matched against the canonical bucket tokens: `*` spans
/// anything, literal text never matches the opaque name or object key.
struct Covering<'a>(Tok<'a>);

impl<'a> glob::PatternElement<Tok<'a>> for Covering<'a> {
    fn is_star(&self) -> bool {
        self.0.is_char('*')
    }

    fn matches(&self, subject: &Tok<'a>) -> bool {
        self.0 == *subject
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUCKET: BucketId<'static> = BucketId {
        target: "Site",
        name: Some("site-bucket"),
    };

    fn arn_ref(tail: &str) -> Sym {
        Sym::from_parts([
            Part::Ref {
                target: "Site".into(),
                attribute: Some("Arn".into()),
            },
            Part::Text(tail.into()),
        ])
    }

    fn sub(attribute: Option<&str>, tail: &str) -> Sym {
        Sym::from_parts([
            Part::Text("arn:".into()),
            Part::Pseudo("AWS::Partition".into()),
            Part::Text(":s3:::".into()),
            Part::Ref {
                target: "Site".into(),
                attribute: attribute.map(str::to_owned),
            },
            Part::Text(tail.into()),
        ])
    }

    fn reach_of(sym: &Sym) -> (bool, bool) {
        let r = reach(sym, &BUCKET).unwrap();
        (r.bucket, r.objects)
    }

    #[test]
    fn every_spelling_of_the_bucket() {
        assert_eq!(reach_of(&arn_ref("")), (true, false));
        assert_eq!(reach_of(&arn_ref("/*")), (false, true));
        assert_eq!(reach_of(&arn_ref("*")), (true, true));
        assert_eq!(reach_of(&arn_ref("/logs/*")), (false, false));
        assert_eq!(reach_of(&sub(None, "")), (true, false));
        assert_eq!(reach_of(&sub(Some("id"), "/*")), (false, true));
        assert_eq!(
            reach_of(&Sym::text("arn:aws:s3:::site-bucket")),
            (true, false)
        );
        assert_eq!(
            reach_of(&Sym::text("arn:aws:s3:::site-bucket/*")),
            (false, true)
        );
        assert_eq!(
            reach_of(&Sym::text("arn:aws:s3:::site-bucket-2/*")),
            (false, false)
        );
        assert_eq!(reach_of(&Sym::text("arn:aws:s3:::*")), (true, true));
        assert_eq!(reach_of(&Sym::text("arn:aws:s3:::*/*")), (false, true));
        assert_eq!(reach_of(&Sym::text("*")), (true, true));
        assert_eq!(reach_of(&Sym::text("arn:aws:s3:::other")), (false, false));
    }

    #[test]
    fn other_buckets_and_unknowns() {
        let other = Sym::reference("Other", Some("Arn"));
        assert_eq!(reach_of(&other), (false, false));
        assert!(reach(&Sym::unknown("import"), &BUCKET).is_err());
    }
}
