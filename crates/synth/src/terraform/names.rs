//! Terraform names derived from construct paths, like logical ids are.
//!
//! A resource's name is its construct path in snake case: the segments `Resource` and `Default`
//! and a segment repeating the one before it are left out (as in [`crate::logical_id`]), each
//! segment's camel case is split (`ServiceRole` → `service_role`), anything but `[a-z0-9]`
//! becomes `_`. So `CreateExpense/ServiceRole` is `create_expense_service_role` and
//! `Site/Bucket/Resource` is `site_bucket`. When two paths give the same name, both get the
//! first 8 hex digits of their path's SHA-256 appended, so neither depends on the order in
//! which constructs were created.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

const HIDDEN_SEGMENTS: [&str; 2] = ["Resource", "Default"];

/// The readable name of one path, before collisions are resolved.
pub(crate) fn readable(segments: &[String]) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut previous: Option<&str> = None;
    for segment in segments {
        let hidden = HIDDEN_SEGMENTS.contains(&segment.as_str());
        if !hidden && previous != Some(segment.as_str()) {
            words.push(snake(segment));
        }
        previous = Some(segment);
    }
    let name = tidy(&words.join("_"));
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("r_{name}").trim_end_matches('_').to_owned()
    } else {
        name
    }
}

/// `CreateExpense` → `create_expense`, `Default4XXResponse` → `default_4xx_response`.
pub(crate) fn snake(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        if c.is_ascii_uppercase() {
            let after_lower = prev.is_some_and(|p| p.is_ascii_lowercase());
            let acronym_end = prev.is_some_and(|p| p.is_ascii_uppercase())
                && next.is_some_and(|n| n.is_ascii_lowercase());
            if after_lower || acronym_end {
                out.push('_');
            }
        } else if c.is_ascii_digit() && prev.is_some_and(|p| p.is_ascii_lowercase()) {
            out.push('_');
        }
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
    }
    tidy(&out)
}

/// Collapses runs of `_` and trims them from both ends.
fn tidy(text: &str) -> String {
    text.split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Unique names for `paths` (full paths below the stack, as segments), in their order.
pub(crate) fn assign(paths: &[Vec<String>]) -> Vec<String> {
    let readable: Vec<String> = paths.iter().map(|p| readable(p)).collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for name in &readable {
        *count.entry(name.as_str()).or_default() += 1;
    }
    paths
        .iter()
        .zip(&readable)
        .map(|(path, name)| {
            if count.get(name.as_str()).copied().unwrap_or(0) > 1 {
                format!("{name}_{}", path_hash(&path.join("/")))
            } else {
                name.clone()
            }
        })
        .collect()
}

fn path_hash(path: &str) -> String {
    Sha256::digest(path.as_bytes())[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A physical name for a resource Terraform requires one for (a Lambda function, a table, an
/// alarm) where CloudFormation would generate it: `<stack>-<path in kebab case>`, cut to
/// `max` characters with a hash of the whole name keeping it unique.
pub(crate) fn physical(stack: &str, name: &str, max: usize) -> String {
    let full = format!("{stack}-{}", name.replace('_', "-"));
    if full.len() <= max {
        return full;
    }
    let hash = path_hash(&full);
    let mut cut: String = full.chars().take(max - hash.len() - 1).collect();
    cut = cut.trim_end_matches('-').to_owned();
    format!("{cut}-{hash}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Vec<String> {
        text.split('/').map(str::to_owned).collect()
    }

    #[test]
    fn names_read_like_the_construct_path() {
        for (p, name) in [
            ("Site/Bucket/Resource", "site_bucket"),
            ("CreateExpense/ServiceRole", "create_expense_service_role"),
            ("Api/expenses/{id}/GET/Resource", "api_expenses_id_get"),
            ("Api/Default4XXResponse", "api_default_4xx_response"),
            ("Table/Table", "table"),
            ("Resource", "r"),
            ("1st", "r_1st"),
            ("APIGateway", "api_gateway"),
        ] {
            assert_eq!(readable(&path(p)), name, "{p}");
        }
    }

    #[test]
    fn colliding_names_get_a_path_hash() {
        let names = assign(&[path("A/b"), path("A_b"), path("C")]);
        assert_eq!(names[2], "c");
        assert!(
            names[0].starts_with("a_b_") && names[0].len() == 12,
            "{names:?}"
        );
        assert_ne!(names[0], names[1]);
    }

    #[test]
    fn physical_names_fit() {
        assert_eq!(physical("s", "create_expense", 64), "s-create-expense");
        let long = physical("stack", &"x".repeat(100), 64);
        assert_eq!(long.len(), 64);
        assert_eq!(long, physical("stack", &"x".repeat(100), 64));
    }
}
