//! The user's time zone as the offsets it keeps and the instants they change, so a
//! local time is turned into an instant with the offset of its own day: a weekly
//! 09:00 meeting is at 09:00 after the clocks change too. The browser supplies the
//! offsets (`Zone::sampled`); the core only reads the table.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    /// The offset (minutes east of UTC) before the first change.
    base: i32,
    /// (instant in ms from which the offset holds, the offset), ascending.
    changes: Arc<[(i64, i32)]>,
}

impl Default for Zone {
    fn default() -> Self {
        Zone::fixed(0)
    }
}

impl Zone {
    /// A zone that keeps one offset (UTC, or a fixed offset such as +03:30).
    pub fn fixed(offset_minutes: i32) -> Zone {
        Zone {
            base: offset_minutes,
            changes: Arc::from(Vec::new()),
        }
    }

    /// The zone whose offsets `offset_of` gives (minutes east of UTC at an instant in
    /// ms), read between `from` and `to`: sampled daily (zones change at most twice a
    /// year), each change found to its millisecond. Outside the range the nearest known offset holds.
    pub fn sampled(from: i64, to: i64, offset_of: &mut dyn FnMut(i64) -> i32) -> Zone {
        const STEP: i64 = DAY_MS;
        let base = offset_of(from);
        let mut changes = Vec::new();
        let (mut at, mut offset) = (from, base);
        while at < to {
            let next = (at + STEP).min(to);
            let then = offset_of(next);
            if then != offset {
                // The change lies in (at, next]: narrowed to its instant.
                let (mut lo, mut hi) = (at, next);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if offset_of(mid) == offset {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                changes.push((hi, then));
                offset = then;
            }
            at = next;
        }
        Zone {
            base,
            changes: Arc::from(changes),
        }
    }

    /// Minutes east of UTC at the instant `utc_ms`.
    pub fn offset_at_ms(&self, utc_ms: i64) -> i32 {
        match self.changes.partition_point(|(at, _)| *at <= utc_ms) {
            0 => self.base,
            i => self.changes[i - 1].1,
        }
    }

    pub fn offset_at(&self, t: DateTime<Utc>) -> i32 {
        self.offset_at_ms(t.timestamp_millis())
    }

    /// The wall-clock time at `t`.
    pub fn to_local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.naive_utc() + chrono::Duration::minutes(self.offset_at(t) as i64)
    }

    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        self.to_local(t).date()
    }

    /// The instant a wall-clock time names. A time the clocks skip (02:30 on the
    /// night they go forward) is the same time after the jump (03:30), as calendar
    /// apps do; a time that happens twice (the night they go back) is the first.
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let local_ms = local.and_utc().timestamp_millis();
        let mut offsets = [
            self.offset_at_ms(local_ms - DAY_MS),
            self.offset_at_ms(local_ms),
            self.offset_at_ms(local_ms + DAY_MS),
        ];
        offsets.sort_unstable();
        let instant = |o: i32| local_ms - o as i64 * MINUTE_MS;
        // The largest offset that holds gives the earliest instant.
        let fits = offsets
            .iter()
            .rev()
            .find(|&&o| self.offset_at_ms(instant(o)) == o);
        let ms = match fits {
            Some(&o) => instant(o),
            // In a gap: read with the offset from before the jump.
            None => instant(offsets[0]),
        };
        Utc.timestamp_millis_opt(ms)
            .single()
            .unwrap_or_else(|| local.and_utc())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{Datelike, Duration, Weekday};

    /// The last Sunday of `month` in `year` at 01:00 UTC, when the European Union's
    /// clocks change.
    fn eu_change(year: i32, month: u32) -> i64 {
        let mut d = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap() - Duration::days(1);
        while d.weekday() != Weekday::Sun {
            d -= Duration::days(1);
        }
        d.and_hms_opt(1, 0, 0).unwrap().and_utc().timestamp_millis()
    }

    /// Berlin's rules: +01:00, and +02:00 from the last Sunday of March to the last
    /// Sunday of October.
    pub(crate) fn berlin() -> Zone {
        let from = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2029, 1, 1, 0, 0, 0).unwrap();
        Zone::sampled(from.timestamp_millis(), to.timestamp_millis(), &mut |ms| {
            let year = Utc.timestamp_millis_opt(ms).unwrap().year();
            if ms >= eu_change(year, 3) && ms < eu_change(year, 10) {
                120
            } else {
                60
            }
        })
    }

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn the_changes_are_found_to_their_instant() {
        let z = berlin();
        assert_eq!(z.changes.len(), 8, "two a year for four years");
        assert_eq!(z.changes[0].0, eu_change(2025, 3));
        assert_eq!(z.offset_at(utc(2026, 3, 29, 0, 59)), 60);
        assert_eq!(z.offset_at(utc(2026, 3, 29, 1, 0)), 120);
        assert_eq!(z.offset_at(utc(2026, 10, 25, 0, 59)), 120);
        assert_eq!(z.offset_at(utc(2026, 10, 25, 1, 0)), 60);
        // Beyond the sampled years the nearest offset holds.
        assert_eq!(z.offset_at(utc(2035, 7, 1, 0, 0)), 60);
    }

    #[test]
    fn local_times_take_the_offset_of_their_own_day() {
        let z = berlin();
        assert_eq!(z.to_utc(local(2026, 3, 23, 9, 0)), utc(2026, 3, 23, 8, 0));
        assert_eq!(z.to_utc(local(2026, 3, 30, 9, 0)), utc(2026, 3, 30, 7, 0));
        assert_eq!(z.to_local(utc(2026, 3, 30, 7, 0)), local(2026, 3, 30, 9, 0));
        // Skipped: 02:30 on the night the clocks go forward is 03:30.
        let skipped = z.to_utc(local(2026, 3, 29, 2, 30));
        assert_eq!(z.to_local(skipped), local(2026, 3, 29, 3, 30));
        // Twice: 02:30 on the night they go back is the first (summer) one.
        assert_eq!(
            z.to_utc(local(2026, 10, 25, 2, 30)),
            utc(2026, 10, 25, 0, 30)
        );
        // Every local time of a year round-trips except the skipped hour.
        let mut t = local(2026, 1, 1, 0, 0);
        while t < local(2027, 1, 1, 0, 0) {
            let back = z.to_local(z.to_utc(t));
            let skipped = t >= local(2026, 3, 29, 2, 0) && t < local(2026, 3, 29, 3, 0);
            if skipped {
                assert_eq!(back, t + Duration::hours(1));
            } else {
                assert_eq!(back, t, "{t}");
            }
            t += Duration::minutes(30);
        }
    }

    #[test]
    fn a_fixed_zone_is_one_offset() {
        let tehran = Zone::fixed(210);
        assert_eq!(
            tehran.to_utc(local(2026, 6, 1, 12, 30)),
            utc(2026, 6, 1, 9, 0)
        );
        assert_eq!(
            tehran.local_date(utc(2026, 6, 1, 21, 0)),
            NaiveDate::from_ymd_opt(2026, 6, 2).unwrap()
        );
    }
}
