//! Recognising hard-coded secrets in plain-text template values.
//!
//! Two signals, either of which is enough: a value with the shape of a known
//! credential (an AWS access key ID, a private key block, a provider token),
//! or a value under a secret-sounding name (`DB_PASSWORD`, `apiKey`) that is
//! neither a reference to a secret store nor an obvious placeholder. The
//! second signal also asks for some randomness, so `PASSWORD_MIN_LENGTH=8`
//! and `TOKEN_HEADER=Authorization` stay quiet.

/// Name fragments that suggest a value is a credential (compared after
/// lower-casing and dropping `_` and `-`).
const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "accesskey",
    "clientsecret",
    "connectionstring",
];

/// Name fragments that look secret but name settings, not secrets.
const BENIGN_NAME_PARTS: &[&str] = &[
    "arn", "name", "length", "header", "url", "uri", "endpoint", "path", "id", "ttl", "expiry",
    // Secrets Manager's `SecretStringTemplate` holds the public fields of a
    // generated secret; the secret itself is generated into it.
    "template",
];

/// Values that stand for "no value here".
const PLACEHOLDERS: &[&str] = &[
    "",
    "none",
    "null",
    "changeme",
    "change-me",
    "replace-me",
    "todo",
    "xxx",
    "dummy",
    "example",
    "placeholder",
    "unset",
    "n/a",
];

/// Why `value` (under `name`) looks like a hard-coded secret, or `None`.
pub fn classify(name: &str, value: &str) -> Option<&'static str> {
    let value = value.trim();
    if let Some(reason) = known_shape(value) {
        return Some(reason);
    }
    if !secret_name(name) || is_reference(value) || is_placeholder(value) {
        return None;
    }
    (value.len() >= 8 && entropy(value) >= 3.0)
        .then_some("a literal value under a secret-sounding name")
}

/// A credential found in a text file by [`credentials_in_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextHit {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What it looks like, e.g. `an AWS access key ID`.
    pub reason: &'static str,
}

/// Credentials by shape (the first signal of control SEC-1) in free text such as a built
/// JavaScript bundle: every word of letters, digits, `_` and `-` is checked, and a line
/// opening a private key block counts. The name signal is left out: minified code is full
/// of `password:"…"` labels that are not secrets.
pub fn credentials_in_text(text: &str) -> Vec<TextHit> {
    let mut hits = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.contains("-----BEGIN") && line.contains("PRIVATE KEY") {
            let column = line.find("-----BEGIN").unwrap_or(0);
            hits.push(TextHit {
                line: index + 1,
                column: line[..column].chars().count() + 1,
                reason: "a private key block",
            });
            continue;
        }
        if let Some(start) = secret_access_key(line) {
            hits.push(TextHit {
                line: index + 1,
                column: line[..start].chars().count() + 1,
                reason: "an AWS secret access key",
            });
        }
        for (start, word) in words(line) {
            if let Some(reason) = known_shape(word) {
                hits.push(TextHit {
                    line: index + 1,
                    column: line[..start].chars().count() + 1,
                    reason,
                });
            }
        }
    }
    hits
}

/// The byte offset of a secret access key written next to its name
/// (`aws_secret_access_key = …`, `secretAccessKey: "…"`, `AWS_SECRET_ACCESS_KEY=…`): the
/// key alone is 40 characters of base64 that no shape tells from other text, so only its
/// name gives it away. The value must follow the name within a few separators.
fn secret_access_key(line: &str) -> Option<usize> {
    let folded: String = line
        .chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let mut from = 0;
    while let Some(found) = ["secret_access_key", "secretaccesskey"]
        .iter()
        .filter_map(|name| folded[from..].find(name).map(|at| (from + at, name.len())))
        .min()
    {
        let after = found.0 + found.1;
        let gap = line[after..]
            .find(|c: char| !matches!(c, ' ' | '\t' | '"' | '\'' | ':' | '=' | '`'))
            .unwrap_or(line.len() - after);
        let start = after + gap;
        let value: &str = &line[start..];
        let len = value
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '+' | '=')))
            .unwrap_or(value.len());
        let candidate = &value[..len];
        if gap > 0
            && gap <= 4
            && candidate.len() == 40
            && !is_placeholder(candidate)
            && entropy(candidate) > 3.5
        {
            return Some(start);
        }
        from = after;
    }
    None
}

/// The runs of `[A-Za-z0-9_-]` in `line`, with their byte offsets.
fn words(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut rest = line.char_indices().peekable();
    std::iter::from_fn(move || {
        while rest.peek().is_some_and(|&(_, c)| !is_word(c)) {
            rest.next();
        }
        let (start, _) = *rest.peek()?;
        let mut end = start;
        while let Some(&(i, c)) = rest.peek() {
            if !is_word(c) {
                break;
            }
            end = i + c.len_utf8();
            rest.next();
        }
        Some((start, &line[start..end]))
    })
}

/// True when the name suggests a credential.
pub fn secret_name(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-' && *c != '.')
        .flat_map(char::to_lowercase)
        .collect();
    let secretish = SECRET_NAMES.iter().any(|s| folded.contains(s));
    let benign = BENIGN_NAME_PARTS.iter().any(|b| folded.ends_with(b));
    secretish && !benign
}

fn known_shape(value: &str) -> Option<&'static str> {
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some("a private key block");
    }
    let access_key = |prefix: &str| {
        value.len() == 20
            && value.starts_with(prefix)
            && value
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    if access_key("AKIA") || access_key("ASIA") {
        return Some("an AWS access key ID");
    }
    let token_prefixes = [
        ("ghp_", "a GitHub personal access token"),
        ("github_pat_", "a GitHub personal access token"),
        ("gho_", "a GitHub OAuth token"),
        ("xoxb-", "a Slack bot token"),
        ("xoxp-", "a Slack user token"),
        ("sk_live_", "a Stripe secret key"),
        ("glpat-", "a GitLab personal access token"),
    ];
    token_prefixes
        .iter()
        .find(|(prefix, _)| value.starts_with(prefix) && value.len() >= prefix.len() + 16)
        .map(|(_, reason)| *reason)
}

/// Values that point at a secret instead of holding one.
fn is_reference(value: &str) -> bool {
    value.starts_with("{{resolve:")
        || value.starts_with("arn:")
        || value.starts_with("${")
        || value.starts_with('/')
        || value.starts_with("ssm:")
}

fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDERS.contains(&lower.as_str()) || lower.starts_with('<') && lower.ends_with('>')
}

/// Shannon entropy in bits per character.
fn entropy(value: &str) -> f64 {
    let mut counts = std::collections::BTreeMap::new();
    for c in value.chars() {
        *counts.entry(c).or_insert(0u32) += 1;
    }
    let len = value.chars().count() as f64;
    counts
        .values()
        .map(|&n| {
            let p = f64::from(n) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn a_secret_access_key_is_found_by_its_name() {
        let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        for line in [
            format!("aws_secret_access_key = {key}"),
            format!("const c={{secretAccessKey:\"{key}\"}};"),
            format!("AWS_SECRET_ACCESS_KEY={key}"),
            format!("x; aws-secret-access-key: '{key}'"),
        ] {
            let hits = credentials_in_text(&line);
            assert_eq!(hits.len(), 1, "{line}: {hits:?}");
            assert_eq!(hits[0].reason, "an AWS secret access key");
            assert_eq!(hits[0].column, line.find(key).unwrap() + 1, "{line}");
        }
        for line in [
            format!("{key} alone"),
            "secretAccessKey: process.env.KEY".to_owned(),
            "aws_secret_access_key = <your secret access key here, forty chars>".to_owned(),
            format!("secretAccessKey is documented at https://x/{key}"),
            "secretAccessKey:\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"".to_owned(),
        ] {
            assert!(credentials_in_text(&line).is_empty(), "{line}");
        }
    }

    #[test]
    fn credentials_in_text_are_found_with_their_line_and_column() {
        let text =
            "const a = 1;\nconst k=\"AKIAABCDEFGHIJKLMNOP\";\n-----BEGIN RSA PRIVATE KEY-----\n";
        let hits = credentials_in_text(text);
        assert_eq!(
            hits,
            [
                TextHit {
                    line: 2,
                    column: 10,
                    reason: "an AWS access key ID"
                },
                TextHit {
                    line: 3,
                    column: 1,
                    reason: "a private key block"
                },
            ]
        );
    }

    #[test]
    fn ordinary_code_has_no_credentials() {
        let text = "function password(){return \"Enter your password\"}; AKIA; ghp_short";
        assert!(credentials_in_text(text).is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::classify;

    #[test]
    fn known_credential_shapes_are_secrets_whatever_the_name() {
        assert!(classify("Anything", "AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(classify("x", "-----BEGIN RSA PRIVATE KEY-----\nMIIE").is_some());
        assert!(classify("x", "ghp_0123456789abcdefghijABCDEFGHIJ").is_some());
    }

    #[test]
    fn secret_names_need_a_random_looking_literal() {
        assert!(classify("DB_PASSWORD", "hunter2-Xq9!pLm").is_some());
        assert!(classify("DB_PASSWORD", "none").is_none());
        assert!(classify("DB_PASSWORD", "{{resolve:secretsmanager:db}}").is_none());
        assert!(classify("API_TOKEN_HEADER", "Authorization").is_none());
        assert!(classify("PASSWORD_MIN_LENGTH", "12").is_none());
        assert!(classify("SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:x").is_none());
        assert!(classify("SecretStringTemplate", r#"{"username": "app-user"}"#).is_none());
    }

    #[test]
    fn ordinary_settings_are_not_secrets() {
        assert!(classify("TABLE_NAME", "expenses-prod-4f8a9c").is_none());
        assert!(classify("LOG_LEVEL", "info").is_none());
    }
}
