//! "did you mean" hints for misspelt names.

/// ` (did you mean `x`?)` for the closest candidate within a third of the name's length in
/// edits, else nothing.
pub(crate) fn did_you_mean<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> String {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["arn", "bucket", "bucket_domain_name"];
        assert_eq!(
            did_you_mean("arnn", names.into_iter()),
            " (did you mean `arn`?)"
        );
        assert_eq!(
            did_you_mean("buckt", names.into_iter()),
            " (did you mean `bucket`?)"
        );
        assert_eq!(did_you_mean("region", names.into_iter()), "");
    }
}
