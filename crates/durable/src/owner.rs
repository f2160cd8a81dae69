//! Who wrote a hidden sibling (`.NAME.PID-SEQ.tmp`, `.NAME.staging-PID-SEQ`),
//! and whether it is a leftover of a writer that is gone.
//!
//! A writer that is killed (SIGKILL, power loss) cannot clean up, so every
//! write first looks for leftovers of earlier writers of the same target and
//! removes them. A leftover is only ever a name of exactly our pattern for
//! exactly that target, and only when its owner is gone: its process ID is
//! not running on this machine, or it has not changed for [`MAX_AGE`] (so
//! a reused process ID cannot keep a leftover forever). A run still writing
//! keeps its files.
//!
//! Process IDs are only meaningful within one PID namespace: two containers
//! writing into one shared directory at the same moment could mistake each
//! other's work in progress for leftovers. Nothing in stackwright does that.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// How long an entry may stay untouched before it counts as a leftover even
/// when its process ID is running (that process is then someone else).
pub const MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// The writer of a hidden sibling: this process, and a sequence number that
/// keeps two writes of one process apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    pub seq: u64,
}

static SEQ: AtomicU64 = AtomicU64::new(0);

impl Owner {
    /// A fresh owner for one write by this process.
    pub fn next() -> Self {
        Self {
            pid: std::process::id(),
            seq: SEQ.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Reads `PID-SEQ`, or a bare `PID` as earlier versions wrote it.
    pub fn parse(text: &str) -> Option<Self> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let (pid, seq) = text.split_once('-').unwrap_or((text, "0"));
        if !digits(pid) || !digits(seq) {
            return None;
        }
        Some(Self {
            pid: pid.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.pid, self.seq)
    }
}

/// Why an entry is a leftover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stale {
    /// Its process is not running: it was killed or crashed.
    OwnerGone,
    /// Untouched for [`MAX_AGE`] although its process ID is in use, by now
    /// by another process.
    Abandoned,
}

/// Whether the entry at `path`, written by `owner`, is a leftover.
pub fn staleness(owner: Owner, path: &Path) -> Option<Stale> {
    if owner.pid != std::process::id() && !is_running(owner.pid) {
        Some(Stale::OwnerGone)
    } else if age(path) >= MAX_AGE {
        Some(Stale::Abandoned)
    } else {
        None
    }
}

/// The leftovers in `dir` named `{prefix}{owner}{suffix}`, sorted by name.
pub fn leftovers(dir: &Path, prefix: &str, suffix: &str) -> Vec<(PathBuf, Stale)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, Stale)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let owner = name
                .to_str()?
                .strip_prefix(prefix)?
                .strip_suffix(suffix)
                .and_then(Owner::parse)?;
            let path = entry.path();
            staleness(owner, &path).map(|stale| (path, stale))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn age(path: &Path) -> Duration {
    fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| SystemTime::now().duration_since(modified).ok())
        .unwrap_or_default()
}

/// Whether a process with this ID exists; signal 0 checks without sending.
#[cfg(unix)]
pub fn is_running(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    // EPERM means it exists but belongs to someone else: still running.
    rustix::process::test_kill_process(pid) != Err(rustix::io::Errno::SRCH)
}

/// Without a cheap liveness check, every owner counts as running and only
/// [`MAX_AGE`] makes a leftover.
#[cfg(not(unix))]
pub fn is_running(_pid: u32) -> bool {
    true
}

/// The ID of a process that has exited, for tests of leftovers.
#[cfg(test)]
pub(crate) fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true")
        .spawn()
        .expect("`true` runs");
    let pid = child.id();
    let _status = child.wait();
    pid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_round_trip_and_old_names_parse() {
        let owner = Owner { pid: 42, seq: 7 };
        assert_eq!(Owner::parse(&owner.to_string()), Some(owner));
        assert_eq!(Owner::parse("42"), Some(Owner { pid: 42, seq: 0 }));
        for bad in ["", "-", "42-", "-1", "4x2", "42-1-2", "42.tmp", " 42"] {
            assert_eq!(Owner::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn this_process_runs_and_an_exited_one_does_not() {
        assert!(is_running(std::process::id()));
        assert!(!is_running(dead_pid()));
        assert!(!is_running(u32::MAX));
    }

    #[test]
    fn only_names_of_the_pattern_with_a_gone_owner_are_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dead_pid();
        let names = [
            format!(".a.json.{dead}-3.tmp"),
            format!(".a.json.{dead}.tmp"),
            format!(".a.json.{}-0.tmp", std::process::id()),
            format!(".b.json.{dead}-3.tmp"),
            format!(".a.json.{dead}-3.tmp.bak"),
            ".a.json.x-3.tmp".to_owned(),
            "a.json".to_owned(),
        ];
        for name in &names {
            fs::write(dir.path().join(name), "").unwrap();
        }
        let found: Vec<String> = leftovers(dir.path(), ".a.json.", ".tmp")
            .into_iter()
            .map(|(path, stale)| {
                assert_eq!(stale, Stale::OwnerGone);
                path.file_name().unwrap().to_string_lossy().into_owned()
            })
            .collect();
        assert_eq!(found, [names[0].clone(), names[1].clone()]);
    }

    #[test]
    fn an_old_entry_of_a_running_pid_is_abandoned() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!(".a.{}-0.tmp", std::process::id()));
        let file = fs::File::create(&path).unwrap();
        assert_eq!(staleness(Owner::next(), &path), None);
        let long_ago = SystemTime::now() - MAX_AGE - Duration::from_secs(60);
        file.set_modified(long_ago).unwrap();
        let owner = Owner::parse(&format!("{}-0", std::process::id())).unwrap();
        assert_eq!(staleness(owner, &path), Some(Stale::Abandoned));
    }
}
