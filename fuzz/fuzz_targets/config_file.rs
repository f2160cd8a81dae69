//! The stackwright config file (TOML and JSON) into the typed config: any
//! text must give a config or a located error, never a panic.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stackwright::config_file::{Format, parse};
use stackwright::expense::ExpenseConfig;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for (name, format) in [("c.toml", Format::Toml), ("c.json", Format::Json)] {
        if let Err(e) = parse::<ExpenseConfig>(Path::new(name), text, format) {
            let _ = e.to_string();
        }
    }
});
