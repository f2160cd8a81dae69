//! Turning bytes into template text, and byte offsets into line and column.
//!
//! Templates are UTF-8 whatever the process locale says (a non-ASCII
//! template must not depend on `LC_ALL`). A leading byte-order mark is
//! dropped; NUL bytes, which no template contains and which mark a binary
//! file, are rejected with their location.

use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::{Limits, LoadError};
use crate::tree::Loc;

/// Reads a file, refusing it before reading when it is over the size limit.
pub(crate) fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>, LoadError> {
    let read_err = |source| LoadError::Read {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(read_err)?;
    let size = file.metadata().map_err(read_err)?.len();
    let too_large = |size| LoadError::TooLarge {
        path: path.to_owned(),
        size,
        limit: limits.max_file_bytes,
    };
    if size > limits.max_file_bytes {
        return Err(too_large(size));
    }
    // The length may change between stat and read (a growing file, a
    // pipe), so the read itself is bounded too.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limits.max_file_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Checks encoding and content and returns the text without a BOM.
///
/// UTF-16 with a byte-order mark is accepted too: `terraform show -json >
/// plan.json` in Windows PowerShell writes it.
pub(crate) fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<Cow<'a, str>, LoadError> {
    let text = match utf16_bom(bytes) {
        Some(big_endian) => Cow::Owned(decode_utf16(path, &bytes[2..], big_endian)?),
        None => Cow::Borrowed(
            std::str::from_utf8(bytes).map_err(|e| LoadError::InvalidUtf8 {
                path: path.to_owned(),
                loc: loc_of_byte(bytes, e.valid_up_to()),
            })?,
        ),
    };
    if let Some(at) = text.find('\0') {
        return Err(LoadError::NulByte {
            path: path.to_owned(),
            loc: Positions::new(&text).loc(at),
        });
    }
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(LoadError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(match text {
        Cow::Borrowed(t) => Cow::Borrowed(t.strip_prefix('\u{feff}').unwrap_or(t)),
        Cow::Owned(t) => Cow::Owned(t.strip_prefix('\u{feff}').unwrap_or(&t).to_owned()),
    })
}

/// `Some(big_endian)` when the bytes start with a UTF-16 byte-order mark.
fn utf16_bom(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(false),
        [0xFE, 0xFF, ..] => Some(true),
        _ => None,
    }
}

fn decode_utf16(path: &Path, bytes: &[u8], big_endian: bool) -> Result<String, LoadError> {
    let invalid = || LoadError::InvalidUtf16 {
        path: path.to_owned(),
    };
    if bytes.len() % 2 != 0 {
        return Err(invalid());
    }
    let units = bytes.chunks_exact(2).map(|c| match big_endian {
        true => u16::from_be_bytes([c[0], c[1]]),
        false => u16::from_le_bytes([c[0], c[1]]),
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| invalid())
}

/// The location of a byte in text that may not be valid UTF-8 after it.
fn loc_of_byte(bytes: &[u8], at: usize) -> Loc {
    let valid = String::from_utf8_lossy(&bytes[..at]);
    Positions::new(&valid).loc(valid.len())
}

/// Maps byte offsets to 1-based line and column (columns count characters).
///
/// Loaders ask for offsets mostly in increasing order, so the last answer is
/// kept and the next one counts forward from it; that keeps a single-line,
/// many-megabyte Terraform plan linear instead of quadratic.
pub(crate) struct Positions<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    cursor: (usize, Loc),
}

impl<'a> Positions<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            text,
            line_starts,
            cursor: (0, Loc::new(1, 1)),
        }
    }

    pub(crate) fn loc(&mut self, offset: usize) -> Loc {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let (from, mut loc) = self.start_for(offset);
        for c in self.text[from..offset].chars() {
            if c == '\n' {
                loc = Loc::new(loc.line + 1, 1);
            } else {
                loc.column += 1;
            }
        }
        self.cursor = (offset, loc);
        loc
    }

    /// The cursor when it is on the same line before `offset`, else the
    /// start of `offset`'s line.
    fn start_for(&self, offset: usize) -> (usize, Loc) {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let line_start = self.line_starts[line];
        let (at, loc) = self.cursor;
        if at >= line_start && at <= offset {
            return (at, loc);
        }
        let number = u32::try_from(line + 1).unwrap_or(u32::MAX);
        (line_start, Loc::new(number, 1))
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_go_backwards() {
        let text = "ab\n été: x\r\nz";
        let mut pos = Positions::new(text);
        assert_eq!(pos.loc(text.find('x').unwrap()), Loc::new(2, 7));
        assert_eq!(pos.loc(text.find('z').unwrap()), Loc::new(3, 1));
        assert_eq!(pos.loc(1), Loc::new(1, 2));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = decode(Path::new("t.yaml"), b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!(err.to_string(), "t.yaml:2:4: invalid utf-8");
    }

    #[test]
    fn nul_bom_and_empty() {
        let err = decode(Path::new("t.json"), b"{\"a\":\0}").unwrap_err();
        assert_eq!(err.to_string(), "t.json:1:6: unexpected NUL byte");
        assert_eq!(
            decode(Path::new("t"), "\u{feff}{}".as_bytes()).unwrap(),
            "{}"
        );
        assert!(matches!(
            decode(Path::new("t"), b" \n\t"),
            Err(LoadError::Empty { .. })
        ));
    }
}
