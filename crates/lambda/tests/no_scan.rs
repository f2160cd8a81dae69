//! No handler may read a table with `Scan`: every read is a Query or GetItem on the caller's
//! own partition. This reads the crate's sources, so a Scan added anywhere fails the build's
//! tests even before it could run.

use std::path::Path;

#[test]
fn no_source_file_scans_a_table() {
    let mut offenders = Vec::new();
    visit(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut offenders,
    );
    assert!(offenders.is_empty(), "Scan found at {offenders:#?}");
}

#[test]
fn the_check_sees_the_sources() {
    let mut files = Vec::new();
    collect(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(
        files.iter().any(|f| f.ends_with("handlers/list.rs")),
        "{files:?}"
    );
}

fn visit(dir: &Path, offenders: &mut Vec<String>) {
    let mut files = Vec::new();
    collect(dir, &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (number, line) in text.lines().enumerate() {
            if line.contains("scan(")
                || line.contains("Scan")
                || line.contains(".scan_") && !line.contains("scan_index_forward")
            {
                offenders.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}
