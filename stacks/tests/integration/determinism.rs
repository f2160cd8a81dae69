//! Same input, same bytes: two synths in fresh processes write byte-identical directories,
//! whatever the working directory or output path.

use crate::support::{ENVIRONMENTS, files_in, synth_env};

#[test]
fn two_synths_in_fresh_processes_are_byte_identical() {
    let first_cwd = tempfile::tempdir().unwrap();
    let second_cwd = tempfile::tempdir().unwrap();
    for env in ENVIRONMENTS {
        let first = first_cwd.path().join("out");
        let second = second_cwd.path().join("nested/elsewhere");
        synth_env(first_cwd.path(), env, &first);
        synth_env(second_cwd.path(), env, &second);

        let (first, second) = (files_in(&first), files_in(&second));
        assert!(
            first.len() >= 2,
            "{env}: at least one template and the manifest"
        );
        for (name, bytes) in &first {
            assert!(
                second.get(name) == Some(bytes),
                "{env}: `{name}` differs between runs"
            );
        }
        assert_eq!(first.len(), second.len(), "{env}: same files");
    }
}

#[test]
fn environments_produce_different_templates() {
    let cwd = tempfile::tempdir().unwrap();
    let dev = cwd.path().join("dev");
    let prod = cwd.path().join("prod");
    synth_env(cwd.path(), "dev", &dev);
    synth_env(cwd.path(), "prod", &prod);
    assert_ne!(files_in(&dev), files_in(&prod), "--env changes the output");
}
