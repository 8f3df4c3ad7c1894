//! Rooms without I/O: settings, join codes, and the playback clock the room actor keeps.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// Who may find and join a room (besides its owner, host, admins and invitees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Visibility {
    Private,
    Friends,
    Public,
}

/// Who may change the queue and the playback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControlMode {
    HostOnly,
    Everyone,
}

macro_rules! stored_enum {
    ($ty:ident { $($variant:ident = $text:literal),* }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),* }
            }
        }
        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                match value.as_str()? {
                    $($text => Ok($ty::$variant),)*
                    other => Err(FromSqlError::Other(format!("unknown {} {other:?}", stringify!($ty)).into())),
                }
            }
        }
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
    };
}

stored_enum!(Visibility { Private = "PRIVATE", Friends = "FRIENDS", Public = "PUBLIC" });
stored_enum!(ControlMode { HostOnly = "HOST_ONLY", Everyone = "EVERYONE" });

/// Join-code letters: no 0/O or 1/I/L, so a code read aloud at a party is typed right.
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const CODE_LEN: usize = 6;

pub fn new_code(rng: &mut impl rand::Rng) -> String {
    (0..CODE_LEN).map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char).collect()
}

/// A typed code in its stored form (upper case, spaces and dashes dropped), if it can be one.
pub fn normalize_code(input: &str) -> Option<String> {
    let code: String =
        input.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// Where the shared track is: at `position_ms` at server time `at_ms` (Unix ms), moving in
/// real time while `playing`. A play scheduled ahead has `at_ms` in the future.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Clock {
    pub playing: bool,
    pub position_ms: i64,
    pub at_ms: i64,
}

impl Clock {
    pub fn paused(position_ms: i64, now_ms: i64) -> Self {
        Self { playing: false, position_ms, at_ms: now_ms }
    }

    /// The position at `now_ms`: before a scheduled start it is still the start position.
    pub fn position(&self, now_ms: i64) -> i64 {
        if self.playing && now_ms > self.at_ms { self.position_ms + (now_ms - self.at_ms) } else { self.position_ms }
    }

    /// Stops the clock where it is at `now_ms`.
    pub fn pause(&mut self, now_ms: i64) {
        *self = Self::paused(self.position(now_ms), now_ms);
    }

    /// Starts from `position_ms` at `start_ms` (now plus the lead time).
    pub fn start(&mut self, position_ms: i64, start_ms: i64) {
        *self = Self { playing: true, position_ms, at_ms: start_ms };
    }

    /// When a playing track of `duration_ms` ends, in server time.
    pub fn ends_at(&self, duration_ms: i64) -> Option<i64> {
        self.playing.then(|| self.at_ms + (duration_ms - self.position_ms).max(0))
    }
}

/// How far ahead a play is scheduled so every member can start on time: twice the worst
/// round trip, at least 300 ms, at most 1.5 s.
pub fn lead_ms(worst_rtt_ms: u32) -> i64 {
    (2 * i64::from(worst_rtt_ms)).clamp(300, 1500)
}

/// Where an item moved to `index` lands in a list of `len` items (the end when past it).
pub fn clamp_index(index: i64, len: usize) -> usize {
    usize::try_from(index.max(0)).unwrap_or(usize::MAX).min(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_moves_only_while_playing_and_not_before_a_scheduled_start() {
        let mut clock = Clock::paused(1_000, 10_000);
        assert_eq!(clock.position(20_000), 1_000);
        clock.start(1_000, 10_500);
        assert_eq!(clock.position(10_200), 1_000, "before the scheduled start");
        assert_eq!(clock.position(11_500), 2_000);
        assert_eq!(clock.ends_at(5_000), Some(14_500));
        clock.pause(12_000);
        assert_eq!(clock, Clock::paused(2_500, 12_000));
        assert_eq!(clock.ends_at(5_000), None);
    }

    #[test]
    fn lead_time_follows_the_worst_round_trip_within_bounds() {
        assert_eq!(lead_ms(10), 300);
        assert_eq!(lead_ms(400), 800);
        assert_eq!(lead_ms(5_000), 1500);
    }

    #[test]
    fn codes_are_unambiguous_and_typed_codes_normalise() {
        let mut rng = rand::thread_rng();
        for _ in 0..100 {
            let code = new_code(&mut rng);
            assert_eq!(normalize_code(&code.to_lowercase()), Some(code.clone()));
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        }
        assert_eq!(normalize_code(" abc-234 "), Some("ABC234".into()));
        assert_eq!(normalize_code("ABC23O"), None, "O is not in the alphabet");
        assert_eq!(normalize_code("ABC23"), None);
    }

    #[test]
    fn moves_past_the_end_land_at_the_end() {
        assert_eq!(clamp_index(-3, 4), 0);
        assert_eq!(clamp_index(2, 4), 2);
        assert_eq!(clamp_index(99, 4), 4);
    }
}
