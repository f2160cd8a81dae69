//! Terraform string templates: literal text, `${…}` interpolations and
//! `%{…}` directives, with the `$${` and `%%{` escapes.
//!
//! Every string in a Terraform JSON configuration is a template. Finding
//! where an interpolation ends needs a little care, since the expression
//! inside may hold braces (`${jsonencode({a = 1})}`) and quoted strings
//! that hold braces or templates of their own.

use std::borrow::Cow;

/// One piece of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece<'s> {
    Text(Cow<'s, str>),
    /// The expression inside `${…}`, with strip markers (`~`) removed.
    Interp(&'s str),
    /// The body of a `%{…}` directive (`if`, `for`, `endif`, …).
    Directive(&'s str),
}

/// Why a template cannot be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unterminated {
    /// Byte offset of the `${` or `%{` that is never closed.
    pub at: usize,
}

/// Splits a template into pieces. Adjacent text is merged.
pub(crate) fn pieces(s: &str) -> Result<Vec<Piece<'_>>, Unterminated> {
    if !s.contains("${") && !s.contains("%{") {
        return Ok(vec![Piece::Text(Cow::Borrowed(s))]);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &s[i..];
        if rest.starts_with("$${") || rest.starts_with("%%{") {
            text.push_str(&rest[1..3]);
            i += 3;
        } else if rest.starts_with("${") || rest.starts_with("%{") {
            let end = expr_end(s, i + 2).ok_or(Unterminated { at: i })?;
            if !text.is_empty() {
                out.push(Piece::Text(Cow::Owned(std::mem::take(&mut text))));
            }
            let inner = strip_markers(&s[i + 2..end]);
            out.push(if bytes[i] == b'$' {
                Piece::Interp(inner)
            } else {
                Piece::Directive(inner)
            });
            i = end + 1;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            text.push(c);
            i += c.len_utf8().max(1);
        }
    }
    if !text.is_empty() || out.is_empty() {
        out.push(Piece::Text(Cow::Owned(text)));
    }
    Ok(out)
}

/// The expression of a template that is exactly one interpolation
/// (`"${aws_s3_bucket.site.arn}"`), where Terraform keeps the expression's
/// own type instead of converting it to a string.
pub(crate) fn single_interpolation(s: &str) -> Option<&str> {
    match pieces(s).ok()?.as_slice() {
        [Piece::Interp(expr)] => Some(expr),
        _ => None,
    }
}

/// True when the template holds an interpolation or a directive.
pub(crate) fn is_dynamic(s: &str) -> bool {
    match pieces(s) {
        Ok(pieces) => pieces.iter().any(|p| !matches!(p, Piece::Text(_))),
        Err(_) => true,
    }
}

/// Writes literal text as a template that evaluates to it.
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    if !s.contains("${") && !s.contains("%{") {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("${", "$${").replace("%{", "%%{"))
}

fn strip_markers(inner: &str) -> &str {
    let inner = inner.strip_prefix('~').unwrap_or(inner);
    let inner = inner.strip_suffix('~').unwrap_or(inner);
    inner.trim()
}

/// The offset of the `}` that closes an expression starting at `start`.
pub(crate) fn expr_end(s: &str, start: usize) -> Option<usize> {
    scan(s, start, Context::Expr(0))
}

/// The offset just past the `"` that closes a quoted string whose text
/// starts at `start`; quoted strings are templates themselves.
pub(crate) fn string_end(s: &str, start: usize) -> Option<usize> {
    scan(s, start, Context::Str)
}

/// Where the scanner is: in an expression (with its open braces) or in a
/// quoted string inside one.
enum Context {
    Expr(usize),
    Str,
}

/// Finds where the outermost context closes. Nesting is kept on an explicit
/// stack, so hostile input cannot exhaust the call stack.
fn scan(s: &str, start: usize, outer: Context) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut stack = vec![outer];
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match stack.last_mut()? {
            Context::Expr(depth) => match b {
                b'{' => *depth += 1,
                b'}' if *depth > 0 => *depth -= 1,
                b'}' => {
                    stack.pop();
                    if stack.is_empty() {
                        return Some(i);
                    }
                }
                b'"' => stack.push(Context::Str),
                _ => {}
            },
            Context::Str => match b {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                    if stack.is_empty() {
                        return Some(i + 1);
                    }
                }
                b'$' | b'%' if next == Some(b'{') => {
                    stack.push(Context::Expr(0));
                    i += 1;
                }
                b'$' | b'%' if next == Some(b) && bytes.get(i + 2) == Some(&b'{') => i += 2,
                _ => {}
            },
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        pieces(s)
            .unwrap()
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => format!("T:{t}"),
                Piece::Interp(e) => format!("I:{e}"),
                Piece::Directive(d) => format!("D:{d}"),
            })
            .collect()
    }

    #[test]
    fn interpolations_escapes_and_directives() {
        assert_eq!(
            texts("arn:${var.p}:s3:::${aws_s3_bucket.b.id}/*"),
            [
                "T:arn:",
                "I:var.p",
                "T::s3:::",
                "I:aws_s3_bucket.b.id",
                "T:/*"
            ]
        );
        assert_eq!(texts("$${aws:username} %%{x}"), ["T:${aws:username} %{x}"]);
        assert_eq!(
            texts("%{ if var.x }a%{ endif }"),
            ["D:if var.x", "T:a", "D:endif"]
        );
        assert_eq!(texts("${~ var.x ~}"), ["I:var.x"]);
        assert_eq!(texts(""), ["T:"]);
    }

    #[test]
    fn braces_and_strings_inside_expressions() {
        assert_eq!(
            texts(r#"${jsonencode({a = "}", b = "${x.y}"})}!"#),
            [r#"I:jsonencode({a = "}", b = "${x.y}"})"#, "T:!"]
        );
        assert_eq!(pieces("a ${var.x"), Err(Unterminated { at: 2 }));
        assert_eq!(texts(r#"${"a\"}"}b"#), [r#"I:"a\"}""#, "T:b"]);
    }

    #[test]
    fn deep_nesting_does_not_exhaust_the_stack() {
        let deep = format!("${{{}}}", "\"${".repeat(100_000));
        assert!(pieces(&deep).is_err());
        let deep = format!("${{{}{}}}", "{".repeat(100_000), "}".repeat(100_000));
        assert!(pieces(&deep).is_ok());
    }

    #[test]
    fn escape_round_trips() {
        let literal = "x ${y} %{z} $${w}";
        let template = escape(literal);
        assert_eq!(texts(&template), [format!("T:{literal}")]);
        assert!(!is_dynamic(&template));
        assert!(is_dynamic("${a.b}"));
        assert_eq!(single_interpolation("${a.b}"), Some("a.b"));
        assert_eq!(single_interpolation("x${a.b}"), None);
    }
}
