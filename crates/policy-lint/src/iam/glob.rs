//! IAM wildcard matching: `*` matches any run of characters (including none)
//! and `?` exactly one, the way IAM matches `Action` and `Resource` values.
//!
//! The matcher is generic over the pattern and subject element types so the
//! same algorithm serves plain strings (actions, literal ARNs) and symbolic
//! strings whose references are single opaque tokens .

/// What one pattern element means to the matcher.
pub(crate) trait PatternElement<T> {
    /// `*`: any run of subject elements.
    fn is_star(&self) -> bool;
    /// Whether this element matches the subject element `subject`.
    fn matches(&self, subject: &T) -> bool;
}

/// Matches `subject` against `pattern` with the classic linear-time greedy
/// algorithm: remember the last `*` and retry from one element further on a
/// mismatch. No recursion, so hostile patterns cannot blow the stack or go
/// exponential.
pub(crate) fn matches<P, T>(pattern: &[P], subject: &[T]) -> bool
where
    P: PatternElement<T>,
{
    let (mut p, mut s) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while s < subject.len() {
        if p < pattern.len() && pattern[p].is_star() {
            backtrack = Some((p, s));
            p += 1;
        } else if p < pattern.len() && pattern[p].matches(&subject[s]) {
            p += 1;
            s += 1;
        } else if let Some((star, from)) = backtrack {
            p = star + 1;
            s = from + 1;
            backtrack = Some((star, from + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(PatternElement::is_star)
}

/// A byte of a pattern compared without regard to ASCII case, as IAM compares
/// action names.
#[derive(Clone, Copy)]
struct Caseless(u8);

impl PatternElement<u8> for Caseless {
    fn is_star(&self) -> bool {
        self.0 == b'*'
    }

    fn matches(&self, subject: &u8) -> bool {
        self.0 == b'?' || self.0.eq_ignore_ascii_case(subject)
    }
}

/// A byte of a pattern compared exactly, as IAM compares ARNs.
#[derive(Clone, Copy)]
struct Exact(u8);

impl PatternElement<u8> for Exact {
    fn is_star(&self) -> bool {
        self.0 == b'*'
    }

    fn matches(&self, subject: &u8) -> bool {
        self.0 == b'?' || self.0 == *subject
    }
}

/// Case-insensitive IAM glob, for actions (`s3:Get*` matches `S3:GetObject`).
pub fn matches_caseless(pattern: &str, subject: &str) -> bool {
    let pattern: Vec<Caseless> = pattern.bytes().map(Caseless).collect();
    matches(&pattern, subject.as_bytes())
}

/// Case-sensitive IAM glob, for ARNs and condition values.
pub fn matches_exact(pattern: &str, subject: &str) -> bool {
    let pattern: Vec<Exact> = pattern.bytes().map(Exact).collect();
    matches(&pattern, subject.as_bytes())
}

/// True when `s` contains an IAM wildcard character.
pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An obviously correct (exponential) reference matcher.
    fn reference(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => reference(&p[1..], s) || (!s.is_empty() && reference(p, &s[1..])),
            (Some(b'?'), Some(_)) => reference(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => reference(&p[1..], &s[1..]),
            _ => false,
        }
    }

    #[test]
    fn agrees_with_reference_on_all_short_strings() {
        let alphabet = [b'a', b'b', b'*', b'?'];
        let words = |len: u32, alpha: &[u8]| -> Vec<Vec<u8>> {
            let n = alpha.len();
            (0..n.pow(len))
                .map(|mut i| {
                    (0..len)
                        .map(|_| {
                            let c = alpha[i % n];
                            i /= n;
                            c
                        })
                        .collect()
                })
                .collect()
        };
        for plen in 0..=4 {
            for p in words(plen, &alphabet) {
                for slen in 0..=4 {
                    for s in words(slen, &alphabet[..2]) {
                        let pat = String::from_utf8(p.clone()).unwrap();
                        let sub = String::from_utf8(s.clone()).unwrap();
                        assert_eq!(
                            matches_exact(&pat, &sub),
                            reference(&p, &s),
                            "{pat} vs {sub}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn actions_ignore_case_arns_do_not() {
        assert!(matches_caseless("s3:get*", "S3:GetObject"));
        assert!(matches_caseless("logs:Put?ogEvents", "logs:PutLogEvents"));
        assert!(!matches_caseless("s3:Get*", "s3:PutObject"));
        assert!(matches_exact("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y"));
        assert!(!matches_exact("arn:aws:s3:::B/*", "arn:aws:s3:::b/x"));
    }

    #[test]
    fn many_stars_stay_fast() {
        let pattern = "*a".repeat(2000);
        let subject = "a".repeat(1999);
        assert!(!matches_exact(&pattern, &subject));
    }
}
