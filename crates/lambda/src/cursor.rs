//! Opaque pagination cursors for `GET /expenses`, bound to the user and the query.
//!
//! A cursor carries the id of the last expense a page covered (the position DynamoDB resumes
//! after) and an HMAC-SHA256 tag over that id, the user's id and the query's filter. The
//! handler never trusts a raw DynamoDB key from the client: it rebuilds the key from the
//! verified id and the *caller's* user id, so a cursor can neither reach into another
//! partition nor be replayed by another user (its tag would not verify) nor be carried over to a
//! different filter. The id inside is one of the user's own, so the cursor leaks nothing the
//! user cannot already see; it is authenticated, not encrypted.
//!
//! The key is the value of a Secrets Manager secret (see [`crate::secret`]), read once per
//! cold start: at least 32 random characters, whose bytes key the MAC. Changing it invalidates
//! outstanding cursors, which clients see as a 400 on the next page and recover from by
//! listing again.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::ApiError;
use crate::model::ExpenseId;

/// Shortest key accepted, in bytes: the output size of SHA-256. The stack's secret holds 64
/// letters and digits (about 380 bits).
pub const MIN_KEY_BYTES: usize = 32;
/// Format version, the first byte of every cursor.
const VERSION: u8 = 1;
/// Bytes of the HMAC tag kept in the cursor: 128 bits resist forgery and keep cursors short.
const TAG_BYTES: usize = 16;
/// Bytes of an expense id in text form.
const ID_BYTES: usize = 26;

/// The secret that signs cursors, held as a keyed MAC ready to clone. Its `Debug` output hides
/// the key.
#[derive(Clone)]
pub struct CursorKey(Hmac<Sha256>);

/// A secret value that cannot sign cursors.
#[derive(Debug, thiserror::Error)]
pub enum CursorKeyInvalid {
    /// Too short to resist guessing.
    #[error("the cursor key has {0} bytes, fewer than {MIN_KEY_BYTES}")]
    TooShort(usize),
}

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

impl CursorKey {
    /// The key whose material is the bytes of `secret` (a secret's text value, as is).
    pub fn from_secret(secret: &str) -> Result<Self, CursorKeyInvalid> {
        let bytes = secret.as_bytes();
        if bytes.len() < MIN_KEY_BYTES {
            return Err(CursorKeyInvalid::TooShort(bytes.len()));
        }
        let mac = Hmac::new_from_slice(bytes).map_err(|_| CursorKeyInvalid::TooShort(0))?;
        Ok(Self(mac))
    }

    /// The cursor that resumes `user_id`'s query `scope` after `last`.
    pub fn seal(&self, user_id: &str, scope: &str, last: &ExpenseId) -> String {
        let id = last.text();
        let mut bytes = Vec::with_capacity(1 + ID_BYTES + TAG_BYTES);
        bytes.push(VERSION);
        bytes.extend_from_slice(id.as_bytes());
        bytes
            .extend_from_slice(&self.mac(user_id, scope, &id).finalize().into_bytes()[..TAG_BYTES]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The id `cursor` resumes after, if this key sealed it for `user_id` and `scope`.
    pub fn open(&self, user_id: &str, scope: &str, cursor: &str) -> Result<ExpenseId, ApiError> {
        let invalid =
            || ApiError::invalid("cursor", "`cursor` is not valid for this user and query");
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let (version, rest) = bytes.split_first().ok_or_else(invalid)?;
        if *version != VERSION || rest.len() != ID_BYTES + TAG_BYTES {
            return Err(invalid());
        }
        let (id, tag) = rest.split_at(ID_BYTES);
        let id = std::str::from_utf8(id).map_err(|_| invalid())?;
        self.mac(user_id, scope, id)
            .verify_truncated_left(tag)
            .map_err(|_| invalid())?;
        ExpenseId::parse(id).ok_or_else(invalid)
    }

    fn mac(&self, user_id: &str, scope: &str, id: &str) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        for part in ["expense-cursor", user_id, scope, id] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    fn key(byte: u8) -> CursorKey {
        let letter = char::from(b'a' + byte);
        CursorKey::from_secret(&letter.to_string().repeat(32)).expect("key")
    }

    #[test]
    fn a_cursor_opens_for_its_user_and_scope_only() {
        let id = ExpenseId::new(SystemTime::now());
        let cursor = key(1).seal("alice", "from=;to=", &id);
        assert_eq!(
            key(1).open("alice", "from=;to=", &cursor).expect("valid"),
            id
        );
        for (k, user, scope) in [
            (key(1), "bob", "from=;to="),
            (key(1), "alice", "from=2024-01-01;to="),
            (key(2), "alice", "from=;to="),
        ] {
            assert!(k.open(user, scope, &cursor).is_err(), "{user} {scope}");
        }
    }

    #[test]
    fn tampered_and_malformed_cursors_are_rejected() {
        let id = ExpenseId::new(SystemTime::now());
        let cursor = key(1).seal("alice", "", &id);
        let mut bytes = URL_SAFE_NO_PAD.decode(&cursor).expect("base64");
        bytes[3] ^= 1;
        let tampered = URL_SAFE_NO_PAD.encode(&bytes);
        for bad in [
            tampered.as_str(),
            "",
            "!!!",
            &cursor[..cursor.len() - 2],
            "AQ",
        ] {
            let error = key(1).open("alice", "", bad).expect_err(bad);
            assert!(matches!(&error, ApiError::InvalidField { field, .. } if field == "cursor"));
        }
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(matches!(
            CursorKey::from_secret(&"k".repeat(31)),
            Err(CursorKeyInvalid::TooShort(31))
        ));
        assert!(matches!(
            CursorKey::from_secret(""),
            Err(CursorKeyInvalid::TooShort(0))
        ));
        assert_eq!(format!("{:?}", key(1)), "CursorKey(..)");
    }
}
