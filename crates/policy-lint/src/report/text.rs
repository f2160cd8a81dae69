//! Escaping for the text renderers. Everything in a report that came from a
//! template (IDs, observed values, waiver reasons, file names) is hostile
//! until escaped here; the renderers never write such text raw.
//!
//! Rule messages put identifiers in backticks; [`md_message`] and
//! [`html_message`] keep those as code while escaping the rest.

/// Text for a Markdown paragraph or table cell: every character CommonMark
/// or GFM could read as markup is backslash-escaped, and line breaks become
/// spaces so a value cannot end a table row.
pub(super) fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '&' | '{'
            | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A Markdown code span holding `s` verbatim. The fence is one backtick
/// longer than the longest run inside, and pipes are escaped because GFM
/// splits table cells before it reads code spans.
pub(super) fn md_code(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let fence = "`".repeat(longest_backtick_run(&flat) + 1);
    let pad = if flat.starts_with(['`', ' ']) || flat.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", flat.replace('|', "\\|"))
}

/// A rule message in Markdown: backticked parts as code, the rest as text.
pub(super) fn md_message(s: &str) -> String {
    split_code(s)
        .map(|(code, part)| if code { md_code(part) } else { md_text(part) })
        .collect()
}

/// Text for HTML element content and double- or single-quoted attributes.
pub(super) fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A rule message in HTML: backticked parts in `<code>`, all of it escaped.
pub(super) fn html_message(s: &str) -> String {
    split_code(s)
        .map(|(code, part)| {
            if code {
                format!("<code>{}</code>", html(part))
            } else {
                html(part)
            }
        })
        .collect()
}

/// An HTML `id` built only from ASCII letters, digits and hyphens.
pub(super) fn html_id(prefix: &str, s: &str) -> String {
    let slug: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{prefix}-{slug}")
}

/// Splits a message into (is code, text) parts at backticks. A message with
/// an unpaired backtick is all text: guessing where the code ends would be
/// wrong as often as right.
fn split_code(s: &str) -> impl Iterator<Item = (bool, &str)> {
    let paired = s.matches('`').count() % 2 == 0;
    let parts: Vec<(bool, &str)> = if paired {
        s.split('`')
            .enumerate()
            .map(|(i, part)| (i % 2 == 1, part))
            .filter(|(_, part)| !part.is_empty())
            .collect()
    } else {
        vec![(false, s)]
    };
    parts.into_iter()
}

fn longest_backtick_run(s: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}
