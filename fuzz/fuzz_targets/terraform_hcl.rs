//! Terraform HCL (`*.tf`) through the whole linter: parse, merge into the
//! JSON tree, resolve, every rule, both renderers. Any input must end in a
//! report or a clean load error.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use policy_lint::lint::{Options, lint_bytes};
use policy_lint::output::{render_human, render_json};

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = lint_bytes(Path::new("fuzz.tf"), data, &Options::default()) {
        let _ = render_human(&report);
        let _ = render_json(&report);
    }
});
