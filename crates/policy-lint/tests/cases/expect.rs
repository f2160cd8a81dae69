//! Reading `.expect` lines into tokens, and following the dotted paths they
//! name through a JSON tree.

use std::fmt::Write as _;

/// One `.expect` line as `key=value` tokens, in order. A bound such as
/// `peak-rss<200MiB` is kept as key `peak-rss<` and value `200MiB`.
#[derive(Debug, Default)]
pub(crate) struct Line {
    pub(crate) tokens: Vec<(String, String)>,
}

impl Line {
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits a line into tokens. A value that starts with `"`, `{` or `[` is
/// read as JSON when it parses, so `equals="a b"` keeps its space.
pub(crate) fn parse_line(text: &str) -> Result<Line, String> {
    let mut line = Line::default();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (key, value_start) = match rest[..end].split_once('=') {
            Some((key, _)) => (key.to_owned(), key.len() + 1),
            None => match rest[..end].split_once('<') {
                Some((key, _)) => (format!("{key}<"), key.len() + 1),
                None => return Err(format!("`{}` is not key=value", &rest[..end])),
            },
        };
        let after = &rest[value_start..];
        let len = json_prefix_len(after)
            .unwrap_or_else(|| after.find(char::is_whitespace).unwrap_or(after.len()));
        line.tokens.push((key, after[..len].to_owned()));
        rest = after[len..].trim_start();
    }
    Ok(line)
}

/// The length of the JSON string, object or array `text` starts with.
fn json_prefix_len(text: &str) -> Option<usize> {
    if !text.starts_with(['"', '{', '[']) {
        return None;
    }
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(_)) => Some(stream.byte_offset()),
        _ => None,
    }
}

pub(crate) fn angle_pseudo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let _ = write!(out, "<{}>", &rest[start + 2..start + end]);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// Follows a dotted path with `[i]` indices (`Resources.A.Properties.Tags[0].Key`).
pub(crate) fn at_path<'v>(
    tree: &'v serde_json::Value,
    path: &str,
) -> Result<&'v serde_json::Value, String> {
    let mut node = tree;
    for segment in path.split('.') {
        let (key, indices) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            node = node
                .get(key)
                .ok_or_else(|| format!("{path}: no key `{key}`"))?;
        }
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            let i: usize = index
                .trim_end_matches(']')
                .parse()
                .map_err(|_| format!("{path}: bad index `{index}`"))?;
            node = node.get(i).ok_or_else(|| format!("{path}: no item {i}"))?;
        }
    }
    Ok(node)
}
