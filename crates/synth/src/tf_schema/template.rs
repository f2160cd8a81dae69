//! Splits a Terraform JSON string into its template parts: literal text, `${…}`
//! interpolations and `%{…}` directives.
//!
//! In Terraform's JSON syntax every string in an expression position is a template, so this
//! is what tells a literal `"true"` (converted by Terraform's rules) from `"${var.on}"` (whose
//! type is only known at plan time) and finds the expressions references live in.

/// One part of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part<'a> {
    /// Text outside any `${` / `%{`.
    Literal,
    /// The expression inside `${…}`, strip markers (`~`) removed.
    Interpolation(&'a str),
    /// The content of a `%{…}` directive (`if x`, `for a in b`, `endif`, …).
    Directive(&'a str),
}

/// A `${` or `%{` with no closing `}`, at this byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unclosed(pub(crate) usize);

/// The parts of `text`, in order.
pub(crate) fn parts(text: &str) -> Result<Vec<Part<'_>>, Unclosed> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let opener = bytes[i];
        let starts = (opener == b'$' || opener == b'%') && bytes.get(i + 1) == Some(&b'{');
        if !starts {
            i += 1;
            push_literal(&mut out);
            continue;
        }
        // `$${` and `%%{` are escapes for the literal text `${` and `%{`.
        if i > 0 && bytes[i - 1] == opener && escaped_before(bytes, i) {
            i += 2;
            continue;
        }
        let end = expression_end(bytes, i + 2).ok_or(Unclosed(i))?;
        let inner = strip_markers(&text[i + 2..end]);
        out.push(if opener == b'$' {
            Part::Interpolation(inner)
        } else {
            Part::Directive(inner)
        });
        i = end + 1;
    }
    Ok(out)
}

/// True when the string is exactly one `${…}`: Terraform then yields the expression's own
/// value (of any type), not a string.
pub(crate) fn is_single_interpolation(text: &str) -> bool {
    matches!(parts(text).as_deref(), Ok([Part::Interpolation(_)]))
        && text.starts_with("${")
        && text.ends_with('}')
}

/// True when the string has any `${…}` or `%{…}`: its value is only known at plan time.
pub(crate) fn is_templated(text: &str) -> bool {
    parts(text).is_ok_and(|p| p.iter().any(|part| *part != Part::Literal))
}

fn push_literal(out: &mut Vec<Part<'_>>) {
    if out.last() != Some(&Part::Literal) {
        out.push(Part::Literal);
    }
}

/// Whether the `$`/`%` at `i - 1` is itself the escape (an odd run of openers before `{`).
fn escaped_before(bytes: &[u8], i: usize) -> bool {
    let opener = bytes[i];
    let run = bytes[..i]
        .iter()
        .rev()
        .take_while(|&&b| b == opener)
        .count();
    run % 2 == 1
}

fn strip_markers(inner: &str) -> &str {
    let inner = inner.strip_prefix('~').unwrap_or(inner);
    inner.strip_suffix('~').unwrap_or(inner).trim()
}

/// The index of the `}` closing an expression that starts at `start`, skipping nested
/// braces and quoted strings (which may hold templates of their own).
pub(crate) fn expression_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = quoted_end(bytes, i + 1)?,
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index of the `"` closing a quoted string whose content starts at `start`.
pub(crate) fn quoted_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'"' => return Some(i),
            b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                i = expression_end(bytes, i + 2)?;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_interpolations_and_directives() {
        let got = parts("arn:${var.p}:x%{ if a }y%{ endif }").unwrap();
        assert_eq!(
            got,
            [
                Part::Literal,
                Part::Interpolation("var.p"),
                Part::Literal,
                Part::Directive("if a"),
                Part::Literal,
                Part::Directive("endif"),
            ]
        );
    }

    #[test]
    fn escapes_and_nested_quotes() {
        assert_eq!(parts("$${not}").unwrap(), [Part::Literal]);
        let nested = r#"${jsonencode({a = "${x.y.z}/*"})}"#;
        assert_eq!(
            parts(nested).unwrap(),
            [Part::Interpolation(r#"jsonencode({a = "${x.y.z}/*"})"#)]
        );
        assert!(is_single_interpolation(nested));
        assert!(!is_single_interpolation("${a}${b}"));
        assert!(!is_single_interpolation("x${a}"));
        assert_eq!(parts("a ${b"), Err(Unclosed(2)));
    }
}
