//! The glibc check: a `bootstrap` must load on Amazon Linux 2023 (`provided.al2023`), whose
//! glibc is 2.34, so no symbol version it needs from glibc may be newer.
//!
//! The versions come from the ELF's version needs (`.gnu.version_r`), read with `object`; a
//! binary that needs none (static, or musl) passes. The binary must also be an x86-64 Linux
//! ELF, the architecture the stack declares for its functions.

use object::elf::{self, FileHeader64};
use object::read::elf::FileHeader as _;
use object::{Endianness, FileKind};
use thiserror::Error;

/// The glibc of Amazon Linux 2023, the newest a `bootstrap` may need.
pub const MAX_GLIBC: (u32, u32) = (2, 34);

/// Why a binary cannot run on `provided.al2023` (x86-64).
#[derive(Debug, Error)]
pub enum GlibcError {
    /// Not an ELF64 file at all (for example a macOS build).
    #[error("not a 64-bit Linux ELF executable ({kind})")]
    NotElf64 { kind: String },
    /// An ELF for another machine.
    #[error("built for ELF machine {machine}, not x86-64")]
    WrongMachine { machine: u16 },
    /// The ELF cannot be read.
    #[error("unreadable ELF: {0}")]
    Malformed(#[from] object::read::Error),
    /// It needs a glibc newer than Amazon Linux 2023's.
    #[error(
        "needs GLIBC_{}.{} but Amazon Linux 2023 has glibc {}.{}",
        needed.0, needed.1, MAX_GLIBC.0, MAX_GLIBC.1
    )]
    TooNew { needed: (u32, u32) },
}

/// The newest `GLIBC_x.y` version the binary needs, if any; `Err` when it cannot run on
/// `provided.al2023` x86-64.
///
/// # Errors
/// [`GlibcError`] saying why.
pub fn check(data: &[u8]) -> Result<Option<(u32, u32)>, GlibcError> {
    let newest = newest_glibc(data)?;
    match newest {
        Some(needed) if needed > MAX_GLIBC => Err(GlibcError::TooNew { needed }),
        _ => Ok(newest),
    }
}

/// The newest `GLIBC_x.y` among the ELF's version needs.
fn newest_glibc(data: &[u8]) -> Result<Option<(u32, u32)>, GlibcError> {
    let kind =
        FileKind::parse(data).map_or_else(|_| "unknown format".to_owned(), |k| format!("{k:?}"));
    if !matches!(FileKind::parse(data), Ok(FileKind::Elf64)) {
        return Err(GlibcError::NotElf64 { kind });
    }
    let header = FileHeader64::<Endianness>::parse(data)?;
    let endian = header.endian()?;
    let machine = header.e_machine(endian);
    if machine != elf::EM_X86_64 {
        return Err(GlibcError::WrongMachine { machine });
    }
    let sections = header.sections(endian, data)?;
    let Some((mut needs, link)) = sections.gnu_verneed(endian, data)? else {
        return Ok(None);
    };
    let strings = sections.strings(endian, data, link)?;
    let mut newest = None;
    while let Some((_, mut versions)) = needs.next()? {
        while let Some(version) = versions.next()? {
            let name = version.name(endian, strings)?;
            newest = newest.max(parse_glibc(name));
        }
    }
    Ok(newest)
}

/// `GLIBC_2.34` → `(2, 34)`; `None` for anything else (`GLIBC_PRIVATE`, other libraries).
fn parse_glibc(name: &[u8]) -> Option<(u32, u32)> {
    let version = std::str::from_utf8(name).ok()?.strip_prefix("GLIBC_")?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |minor| minor.parse().ok())?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(parse_glibc(b"GLIBC_2.34"), Some((2, 34)));
        assert_eq!(parse_glibc(b"GLIBC_2.2.5"), Some((2, 2)));
        assert_eq!(parse_glibc(b"GLIBC_2.3"), Some((2, 3)));
        assert_eq!(parse_glibc(b"GLIBC_PRIVATE"), None);
        assert_eq!(parse_glibc(b"GCC_3.0"), None);
        assert!(parse_glibc(b"GLIBC_2.9") < parse_glibc(b"GLIBC_2.34"));
    }

    #[test]
    fn a_non_elf_file_is_refused() {
        let err = check(b"#!/bin/sh\necho hi\n").unwrap_err();
        assert!(
            err.to_string().starts_with("not a 64-bit Linux ELF"),
            "{err}"
        );
    }

    #[cfg(all(target_os = "linux", target_arch = "x86_64", target_env = "gnu"))]
    #[test]
    fn this_test_binary_needs_some_glibc() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let newest = newest_glibc(&exe).unwrap();
        assert!(newest.is_some_and(|v| v >= (2, 2)), "{newest:?}");
    }

    #[test]
    fn too_new_says_which_version() {
        let err = GlibcError::TooNew { needed: (2, 36) };
        assert_eq!(
            err.to_string(),
            "needs GLIBC_2.36 but Amazon Linux 2023 has glibc 2.34"
        );
    }
}
