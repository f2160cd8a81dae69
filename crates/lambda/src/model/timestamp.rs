//! Instants of writes (`createdAt`, `updatedAt`, ids and expiry), read from the clock once per
//! request so every value a write derives agrees.

use std::time::{Duration, SystemTime};

use time::OffsetDateTime;
use time::macros::format_description;

/// One instant, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// The current instant.
    pub fn now() -> Self {
        Self(OffsetDateTime::now_utc())
    }

    /// RFC 3339 in UTC with milliseconds, the precision of expense ids:
    /// `2024-05-01T12:00:00.123Z`.
    pub fn text(&self) -> String {
        let format = format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        );
        // Formatting a UTC date-time with a fixed description only fails for years beyond
        // 9999, which the system clock does not reach; the fallback keeps the item writable.
        self.0
            .format(&format)
            .unwrap_or_else(|_| self.0.unix_timestamp().to_string())
    }

    /// The instant as a `SystemTime`, for ids.
    pub fn system_time(&self) -> SystemTime {
        SystemTime::from(self.0)
    }

    /// Seconds since the Unix epoch.
    pub fn epoch_seconds(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The instant `duration` later.
    pub fn after(&self, duration: Duration) -> Self {
        Self(self.0 + duration)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_rfc3339_utc_with_milliseconds() {
        let at = Timestamp(OffsetDateTime::UNIX_EPOCH + Duration::from_millis(1_714_564_800_123));
        assert_eq!(at.text(), "2024-05-01T12:00:00.123Z");
        assert_eq!(at.epoch_seconds(), 1_714_564_800);
        assert_eq!(
            at.after(Duration::from_secs(60)).epoch_seconds(),
            1_714_564_860
        );
    }
}
