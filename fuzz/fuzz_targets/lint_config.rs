//! `policy-lint.toml` and baseline files: any text must give a config (or a
//! baseline) or an error naming the file, never a panic.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use policy_lint::baseline::Baseline;
use policy_lint::config_file::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = parse(Path::new("policy-lint.toml"), text) {
        let _ = e.to_string();
    }
    if let Err(e) = Baseline::parse(Path::new("baseline.json"), text) {
        let _ = e.to_string();
    }
});
