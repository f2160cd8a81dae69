//! Reviewed waiver files (`policy-lint.waivers.toml`): any text must give
//! waivers or a located error, never a panic.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use policy_lint::waivers::file::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse(Path::new("w.toml"), text) {
        Ok(waivers) => {
            for waiver in waivers {
                let _ = waiver.to_string();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
