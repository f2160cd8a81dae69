//! Rule reference pages, generated from rule metadata so the docs cannot
//! drift from the code (a test compares them with `docs/rules/`).

use std::fmt::Write as _;

use super::{REGISTRY, RuleMeta};

/// The Markdown page for one rule.
pub fn rule_page(meta: &RuleMeta) -> String {
    let mut page = String::new();
    let _ = writeln!(page, "# {} `{}`\n", meta.id, meta.name);
    let _ = writeln!(page, "{}\n", meta.title);
    let _ = writeln!(page, "| | |\n|---|---|");
    let _ = writeln!(page, "| Control | {} |", meta.control);
    let _ = writeln!(page, "| Severity | {} |", meta.severity.as_str());
    let _ = writeln!(page, "| cdk-nag | {} |", list(meta.cdk_nag));
    let _ = writeln!(page, "| checkov | {} |", list(meta.checkov));
    let _ = writeln!(page, "| Security Hub | {} |\n", list(meta.security_hub));
    let _ = writeln!(page, "## Why it matters\n\n{}\n", meta.rationale);
    let _ = writeln!(page, "## How to fix it\n\n{}", meta.remediation);
    if !meta.limitations.is_empty() {
        let _ = writeln!(
            page,
            "\n## Known limitations and deliberate differences\n\n{}",
            meta.limitations
        );
    }
    page
}

/// The index page listing every rule.
pub fn index_page() -> String {
    let mut page = String::from("# Rules\n\n");
    page.push_str(
        "Generated from the rule metadata: `policy-lint rules --write-docs docs/rules`.\n\n",
    );
    page.push_str("| ID | Name | Control | Severity | Title |\n|---|---|---|---|---|\n");
    for rule in REGISTRY {
        let m = &rule.meta;
        let _ = writeln!(
            page,
            "| [{id}]({id}.md) | `{}` | {} | {} | {} |",
            m.name,
            m.control,
            m.severity.as_str(),
            m.title,
            id = m.id
        );
    }
    page
}

/// Every generated page as (file name, content), index first.
pub fn all_pages() -> Vec<(String, String)> {
    let mut pages = vec![("README.md".to_owned(), index_page())];
    pages.extend(
        REGISTRY
            .iter()
            .map(|r| (format!("{}.md", r.meta.id), rule_page(&r.meta))),
    );
    pages
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "—".to_owned()
    } else {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
