//! iCalendar (RFC 5545) files: activities out as VEVENT/VTODO, and events from
//! Google Calendar, Outlook and Apple Calendar in as rows the app makes activities of.
//!
//! Tasks become VTODO, every other kind VEVENT. Times are written in UTC; read
//! times with a TZID are converted with the file's own VTIMEZONE.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};

use crate::domain::activities::recurrence::{Frequency, RecurrenceEnd};
use crate::domain::interchange::content_line::{escape, push_folded, split_unescaped, unescape};
use crate::domain::interchange::csv_import::{Row, Table};
use crate::domain::modules::activity_module::WEEKDAYS;
use crate::domain::records::field::{FieldDef, FieldKind, Label};
use crate::domain::records::field_values::FieldValues;
use crate::domain::records::input::{to_input, FieldInput, ParseContext};
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::search::Slot;
use crate::domain::records::time_zone::Zone as UserZone;
use crate::domain::records::value::Value;

/// Larger files are refused before parsing.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Durations and alarm offsets beyond this are not kept (ten years, in minutes).
const MAX_MINUTES: i64 = 10 * 366 * 24 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcalTime {
    /// A moment in UTC (also what a TZID time becomes once converted).
    Utc(NaiveDateTime),
    /// A wall-clock time with no zone: the user's own local time.
    Floating(NaiveDateTime),
    /// An all-day date.
    Date(NaiveDate),
}

#[derive(Clone, Debug, PartialEq)]
pub struct IcalRule {
    pub frequency: Frequency,
    pub interval: u32,
    pub count: Option<u32>,
    pub until: Option<IcalTime>,
    /// The start's date in the zone BYDAY is counted in, so weekdays can be moved
    /// to the user's own days.
    pub weekdays_on: NaiveDate,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IcalEvent {
    pub uid: String,
    /// VTODO rather than VEVENT.
    pub todo: bool,
    pub summary: String,
    pub description: String,
    pub start: IcalTime,
    pub duration_minutes: Option<i64>,
    pub done: bool,
    /// When it was completed (UTC), for done tasks.
    pub completed: Option<NaiveDateTime>,
    pub categories: Vec<String>,
    /// 1 (highest) to 9, as in PRIORITY.
    pub priority: Option<u8>,
    pub rule: Option<IcalRule>,
    /// A display alarm this many minutes before the start.
    pub alarm_minutes_before: Option<i64>,
    /// Line of its BEGIN in the file read (0 when made here).
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IcalProblem {
    pub line: usize,
    pub summary: String,
    /// Message key: what was not kept.
    pub key: &'static str,
    pub detail: String,
}

impl IcalProblem {
    /// An English wording, for logs and tests; the UI words the key.
    pub fn text(&self) -> String {
        match self.key {
            "ical.problem.rule_part" => format!(
                "kept the first occurrence; the rule part {} is not supported",
                self.detail
            ),
            "ical.problem.dates" => format!(
                "kept the first occurrence; {} is not supported",
                self.detail
            ),
            "ical.problem.unknown_zone" => format!(
                "the time zone {} is not described in the file; read as local time",
                self.detail
            ),
            "ical.problem.no_start" => "the event has no DTSTART and was left out".into(),
            "ical.problem.no_end" => format!("BEGIN:{} has no END and was left out", self.detail),
            "ical.problem.bad_value" => format!("the value {} could not be read", self.detail),
            _ => self.detail.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct IcalImport {
    pub events: Vec<IcalEvent>,
    pub problems: Vec<IcalProblem>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum IcalError {
    Empty,
    NotCalendar,
    TooLarge { limit: usize, found: usize },
}

impl IcalError {
    pub fn key(&self) -> &'static str {
        match self {
            IcalError::Empty => "ical.err.empty",
            IcalError::NotCalendar => "ical.err.not_calendar",
            IcalError::TooLarge { .. } => "ical.err.too_large",
        }
    }
}

// ---------------------------------------------------------------- writing

fn utc_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn time_value(t: &IcalTime) -> (String, String) {
    match t {
        IcalTime::Utc(t) => (String::new(), utc_stamp(*t)),
        IcalTime::Floating(t) => (String::new(), t.format("%Y%m%dT%H%M%S").to_string()),
        IcalTime::Date(d) => (";VALUE=DATE".into(), d.format("%Y%m%d").to_string()),
    }
}

fn weekday_code(w: Weekday) -> &'static str {
    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][w.num_days_from_monday() as usize]
}

fn rule_text(r: &IcalRule) -> String {
    let freq = match r.frequency {
        Frequency::Day => "DAILY",
        Frequency::Week { .. } => "WEEKLY",
        Frequency::Month => "MONTHLY",
        Frequency::Year => "YEARLY",
    };
    let mut s = format!("FREQ={freq}");
    if r.interval > 1 {
        s.push_str(&format!(";INTERVAL={}", r.interval));
    }
    if let Frequency::Week { weekdays } = &r.frequency {
        if !weekdays.is_empty() {
            let days: Vec<&str> = weekdays.iter().map(|w| weekday_code(*w)).collect();
            s.push_str(&format!(";BYDAY={}", days.join(",")));
        }
    }
    if let Some(u) = &r.until {
        s.push_str(&format!(";UNTIL={}", time_value(u).1));
    } else if let Some(c) = r.count {
        s.push_str(&format!(";COUNT={c}"));
    }
    s
}

fn duration_text(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    if m == 0 {
        return "PT0S".into();
    }
    let (d, h, mm) = (m / 1440, m % 1440 / 60, m % 60);
    let mut s = format!("{sign}P");
    if d > 0 {
        s.push_str(&format!("{d}D"));
    }
    if h > 0 || mm > 0 {
        s.push('T');
        if h > 0 {
            s.push_str(&format!("{h}H"));
        }
        if mm > 0 {
            s.push_str(&format!("{mm}M"));
        }
    }
    s
}

fn add_minutes(t: NaiveDateTime, minutes: i64) -> Option<NaiveDateTime> {
    t.checked_add_signed(Duration::try_minutes(minutes)?)
}

fn write_event(out: &mut String, e: &IcalEvent, now_utc: NaiveDateTime) {
    let comp = if e.todo { "VTODO" } else { "VEVENT" };
    push_folded(out, &format!("BEGIN:{comp}"));
    push_folded(out, &format!("UID:{}", escape(&e.uid)));
    push_folded(out, &format!("DTSTAMP:{}", utc_stamp(now_utc)));
    let (param, value) = time_value(&e.start);
    push_folded(out, &format!("DTSTART{param}:{value}"));
    if e.todo {
        // A VTODO may not have both DUE and DURATION: the end is written as DUE.
        let due = match (e.start, e.duration_minutes) {
            (IcalTime::Utc(t), Some(m)) => add_minutes(t, m).map(IcalTime::Utc),
            (IcalTime::Floating(t), Some(m)) => add_minutes(t, m).map(IcalTime::Floating),
            (start, _) => Some(start),
        };
        if let Some(due) = due {
            let (param, value) = time_value(&due);
            push_folded(out, &format!("DUE{param}:{value}"));
        }
    } else if let Some(m) = e.duration_minutes {
        push_folded(out, &format!("DURATION:{}", duration_text(m)));
    }
    push_folded(out, &format!("SUMMARY:{}", escape(&e.summary)));
    if !e.description.is_empty() {
        push_folded(out, &format!("DESCRIPTION:{}", escape(&e.description)));
    }
    if !e.categories.is_empty() {
        let cats: Vec<String> = e.categories.iter().map(|c| escape(c)).collect();
        push_folded(out, &format!("CATEGORIES:{}", cats.join(",")));
    }
    if let Some(p) = e.priority {
        push_folded(out, &format!("PRIORITY:{p}"));
    }
    if e.done {
        if e.todo {
            push_folded(out, "STATUS:COMPLETED");
            if let Some(c) = e.completed {
                push_folded(out, &format!("COMPLETED:{}", utc_stamp(c)));
            }
        } else {
            // VEVENT has no completed status.
            push_folded(out, "X-LOCAL-CRM-DONE:TRUE");
        }
    }
    if let Some(r) = &e.rule {
        push_folded(out, &format!("RRULE:{}", rule_text(r)));
    }
    if let Some(m) = e.alarm_minutes_before {
        push_folded(out, "BEGIN:VALARM");
        push_folded(out, "ACTION:DISPLAY");
        push_folded(out, &format!("DESCRIPTION:{}", escape(&e.summary)));
        push_folded(out, &format!("TRIGGER:{}", duration_text(-m)));
        push_folded(out, "END:VALARM");
    }
    push_folded(out, &format!("END:{comp}"));
}

pub fn write_calendar(events: &[IcalEvent], now_utc: NaiveDateTime) -> String {
    let mut out = String::new();
    push_folded(&mut out, "BEGIN:VCALENDAR");
    push_folded(&mut out, "VERSION:2.0");
    push_folded(&mut out, "PRODID:-//local-crm//CRM//EN");
    push_folded(&mut out, "CALSCALE:GREGORIAN");
    push_folded(&mut out, "METHOD:PUBLISH");
    for e in events {
        write_event(&mut out, e, now_utc);
    }
    push_folded(&mut out, "END:VCALENDAR");
    out
}

fn text_of(record: &Record, f: &str) -> String {
    match record.get(f) {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    }
}

fn shift_weekday(w: Weekday, days: i64) -> Weekday {
    (0..days.rem_euclid(7)).fold(w, |d, _| d.succ())
}

/// The activity as an event, `None` without a due time. The app has no reminder
/// field, so the caller says whether to add an alarm and how early.
pub fn activity_to_event(
    module: &ModuleDef,
    record: &Record,
    zone: &UserZone,
    alarm_minutes_before: Option<u32>,
) -> Option<IcalEvent> {
    let due = match record.get("due") {
        Some(Value::DateTime(t)) => t.naive_utc(),
        _ => return None,
    };
    let kind = text_of(record, "kind");
    let has = |f: &str| module.field(f).is_some();
    let duration_minutes = match record.get("duration") {
        Some(Value::Number(n)) if has("duration") && n.is_finite() && *n >= 0.0 => {
            Some((n.round() as i64).min(MAX_MINUTES))
        }
        _ => None,
    };
    let done = matches!(record.get("done"), Some(Value::Bool(true)));
    let completed = match record.get("done_at") {
        Some(Value::DateTime(t)) if done => Some(t.naive_utc()),
        _ => None,
    };
    let priority = match text_of(record, "priority").as_str() {
        "high" => Some(1),
        "medium" => Some(5),
        "low" => Some(9),
        _ => None,
    };
    // A series is written in the user's wall-clock time (floating, RFC 5545 §3.3.5):
    // calendar apps then keep a weekly 09:00 at 09:00 across a clock change, where a
    // UTC start would move it by an hour. A single event is an instant, in UTC.
    let local = zone.to_local(Utc.from_utc_datetime(&due));
    let rule = crate::domain::activities::activity_rules::recurrence_of(&record.values)
        .and_then(|r| r.ok())
        .map(|r| {
            let (count, until) = match r.end {
                RecurrenceEnd::Never => (None, None),
                RecurrenceEnd::After(n) => (Some(n), None),
                RecurrenceEnd::Until(d) => {
                    let last = d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
                    (None, Some(IcalTime::Floating(last)))
                }
            };
            IcalRule {
                frequency: r.frequency,
                interval: r.interval,
                count,
                until,
                weekdays_on: local.date(),
            }
        });
    let start = if rule.is_some() {
        IcalTime::Floating(local)
    } else {
        IcalTime::Utc(due)
    };
    Some(IcalEvent {
        uid: format!("{}@local-crm", record.id),
        todo: kind == "task",
        summary: text_of(record, "subject"),
        description: text_of(record, "description"),
        start,
        duration_minutes,
        done,
        completed,
        categories: if kind.is_empty() { vec![] } else { vec![kind] },
        priority,
        rule,
        alarm_minutes_before: alarm_minutes_before.map(|m| m as i64),
        line: 0,
    })
}

// ---------------------------------------------------------------- reading

struct Prop {
    name: String,
    params: Vec<(String, String)>,
    value: String,
    line: usize,
}

impl Prop {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Component {
    name: String,
    line: usize,
    props: Vec<Prop>,
    children: Vec<Component>,
}

/// Logical lines after unfolding, each with the number of its first physical line.
fn unfold(bytes: &[u8]) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, Vec<u8>)> = Vec::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match raw.first() {
            Some(b' ') | Some(b'\t') if !out.is_empty() => {
                if let Some(last) = out.last_mut() {
                    last.1.extend_from_slice(&raw[1..]);
                }
            }
            _ => out.push((i + 1, raw.to_vec())),
        }
    }
    out.into_iter()
        .filter(|(_, l)| !l.iter().all(|b| b.is_ascii_whitespace()))
        .map(|(n, l)| (n, String::from_utf8_lossy(&l).into_owned()))
        .collect()
}

fn parse_line(line: &str, n: usize) -> Option<Prop> {
    let end_name = line.find([';', ':'])?;
    let name = line[..end_name].trim().to_ascii_uppercase();
    if name.is_empty() {
        return None;
    }
    let mut params = Vec::new();
    let mut rest = &line[end_name..];
    while let Some(after) = rest.strip_prefix(';') {
        let eq = after.find('=')?;
        let key = after[..eq].trim().to_ascii_uppercase();
        let mut v = &after[eq + 1..];
        let value;
        if let Some(q) = v.strip_prefix('"') {
            let close = q.find('"')?;
            value = q[..close].to_string();
            v = &q[close + 1..];
            // Further values of a list parameter are dropped.
            let stop = v.find([';', ':']).unwrap_or(v.len());
            v = &v[stop..];
        } else {
            let stop = v.find([';', ':']).unwrap_or(v.len());
            value = v[..stop].to_string();
            v = &v[stop..];
        }
        params.push((key, value));
        rest = v;
    }
    let value = rest.strip_prefix(':')?.to_string();
    Some(Prop {
        name,
        params,
        value,
        line: n,
    })
}

/// Splits a TEXT list on commas that are not escaped, leaving out blank items.
fn split_text_list(s: &str) -> Vec<String> {
    split_unescaped(s, ',')
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect()
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.is_ascii() {
        return None;
    }
    NaiveDate::from_ymd_opt(
        digits(&s[0..4])? as i32,
        digits(&s[4..6])?,
        digits(&s[6..8])?,
    )
}

/// `YYYYMMDDTHHMMSS`, and whether it ends in `Z`.
fn parse_date_time(s: &str) -> Option<(NaiveDateTime, bool)> {
    let s = s.trim();
    let (s, utc) = match s.strip_suffix(['Z', 'z']) {
        Some(r) => (r, true),
        None => (s, false),
    };
    if s.len() != 15 || !s.is_ascii() || !s[8..9].eq_ignore_ascii_case("T") {
        return None;
    }
    let date = parse_date(&s[..8])?;
    let time = NaiveTime::from_hms_opt(
        digits(&s[9..11])?,
        digits(&s[11..13])?,
        digits(&s[13..15])?.min(59),
    )?;
    Some((date.and_time(time), utc))
}

/// A DURATION value in minutes (seconds dropped).
fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, s) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let s = s.strip_prefix(['P', 'p'])?;
    let mut seconds: i64 = 0;
    let mut num = String::new();
    let mut any = false;
    for c in s.chars() {
        match c.to_ascii_uppercase() {
            '0'..='9' => num.push(c),
            'T' if num.is_empty() => {}
            unit @ ('W' | 'D' | 'H' | 'M' | 'S') => {
                let n = digits(&num)? as i64;
                let scale = match unit {
                    'W' => 604_800,
                    'D' => 86_400,
                    'H' => 3_600,
                    'M' => 60,
                    _ => 1,
                };
                seconds = seconds.checked_add(n.checked_mul(scale)?)?;
                num.clear();
                any = true;
            }
            _ => return None,
        }
    }
    if !any || !num.is_empty() {
        return None;
    }
    let minutes = seconds / 60;
    if minutes > MAX_MINUTES {
        return None;
    }
    Some(if neg { -minutes } else { minutes })
}

fn weekday_of(code: &str) -> Option<Weekday> {
    Some(match code.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// A zone from a VTIMEZONE: its observances, each an offset from an onset on.
struct Zone {
    id: String,
    observances: Vec<Observance>,
}

struct Observance {
    start: NaiveDateTime,
    offset_minutes: i32,
    /// Yearly switch: month, and the nth (negative: from the end) weekday.
    yearly: Option<(u32, i32, Weekday)>,
}

fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = &s[1..];
    if !(body.len() == 4 || body.len() == 6) || !body.is_ascii() {
        return None;
    }
    let h = digits(&body[0..2])? as i32;
    let m = digits(&body[2..4])? as i32;
    Some(sign * (h * 60 + m))
}

fn nth_weekday(year: i32, month: u32, n: i32, w: Weekday) -> Option<NaiveDate> {
    if n > 0 {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let ahead = (7 + w.num_days_from_monday() as i64
            - first.weekday().num_days_from_monday() as i64)
            % 7;
        let d = first.checked_add_signed(Duration::days(ahead + 7 * (n as i64 - 1)))?;
        (d.month() == month).then_some(d)
    } else {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        let last = next.pred_opt()?;
        let back = (7 + last.weekday().num_days_from_monday() as i64
            - w.num_days_from_monday() as i64)
            % 7;
        let d = last.checked_sub_signed(Duration::days(back + 7 * (-(n as i64) - 1)))?;
        (d.month() == month).then_some(d)
    }
}

fn zone_of(c: &Component) -> Option<Zone> {
    let id = c.props.iter().find(|p| p.name == "TZID")?.value.clone();
    let mut observances = Vec::new();
    for o in &c.children {
        if o.name != "STANDARD" && o.name != "DAYLIGHT" {
            continue;
        }
        let get = |n: &str| {
            o.props
                .iter()
                .find(|p| p.name == n)
                .map(|p| p.value.as_str())
        };
        let Some(offset) = get("TZOFFSETTO").and_then(parse_offset) else {
            continue;
        };
        let start = get("DTSTART")
            .and_then(parse_date_time)
            .map(|(t, _)| t)
            .unwrap_or_default();
        let yearly = get("RRULE").and_then(|r| {
            let mut month = None;
            let mut day = None;
            for part in r.split(';') {
                let (k, v) = part.split_once('=')?;
                match k.to_ascii_uppercase().as_str() {
                    "BYMONTH" => month = digits(v),
                    "BYDAY" => {
                        let v = v.trim();
                        let (n, code) = v.split_at(v.len().checked_sub(2)?);
                        let n: i32 = if n.is_empty() { 1 } else { n.parse().ok()? };
                        day = Some((n.clamp(-5, 5), weekday_of(code)?));
                    }
                    _ => {}
                }
            }
            let (n, w) = day?;
            Some((month.filter(|m| (1..=12).contains(m))?, n, w))
        });
        observances.push(Observance {
            start,
            offset_minutes: offset,
            yearly,
        });
    }
    Some(Zone { id, observances })
}

impl Zone {
    /// The UTC offset in force at a wall-clock time.
    fn offset_at(&self, t: NaiveDateTime) -> Option<i32> {
        let mut best: Option<(NaiveDateTime, i32)> = None;
        for o in &self.observances {
            let onsets: Vec<NaiveDateTime> = match o.yearly {
                None => vec![o.start],
                Some((month, n, w)) => [t.year() - 1, t.year()]
                    .iter()
                    .filter_map(|y| nth_weekday(*y, month, n, w))
                    .map(|d| d.and_time(o.start.time()))
                    .filter(|d| *d >= o.start)
                    .collect(),
            };
            for onset in onsets {
                if onset <= t && best.is_none_or(|(b, _)| onset > b) {
                    best = Some((onset, o.offset_minutes));
                }
            }
        }
        best.map(|(_, o)| o)
            .or_else(|| self.observances.first().map(|o| o.offset_minutes))
    }
}

struct Reader<'a> {
    zones: &'a [Zone],
    problems: Vec<IcalProblem>,
}

impl Reader<'_> {
    fn problem(&mut self, line: usize, summary: &str, key: &'static str, detail: String) {
        self.problems.push(IcalProblem {
            line,
            summary: summary.to_string(),
            key,
            detail,
        });
    }

    /// A date or date-time property, with the wall date BYDAY would count in.
    fn time(&mut self, p: &Prop, summary: &str) -> Option<(IcalTime, NaiveDate)> {
        let v = p.value.trim();
        let is_date = p
            .param("VALUE")
            .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
            || v.len() == 8;
        if is_date {
            let d = parse_date(v.get(..8).unwrap_or(v));
            if d.is_none() {
                self.problem(p.line, summary, "ical.problem.bad_value", p.value.clone());
            }
            return d.map(|d| (IcalTime::Date(d), d));
        }
        let Some((t, utc)) = parse_date_time(v) else {
            self.problem(p.line, summary, "ical.problem.bad_value", p.value.clone());
            return None;
        };
        if utc {
            return Some((IcalTime::Utc(t), t.date()));
        }
        let Some(tzid) = p.param("TZID") else {
            return Some((IcalTime::Floating(t), t.date()));
        };
        let tzid = tzid.trim_start_matches('/');
        let offset = self
            .zones
            .iter()
            .find(|z| z.id.trim_start_matches('/') == tzid)
            .and_then(|z| z.offset_at(t));
        match offset.and_then(|o| add_minutes(t, -(o as i64))) {
            Some(u) => Some((IcalTime::Utc(u), t.date())),
            None => {
                self.problem(p.line, summary, "ical.problem.unknown_zone", tzid.into());
                Some((IcalTime::Floating(t), t.date()))
            }
        }
    }

    fn rule(&mut self, p: &Prop, summary: &str, anchor: NaiveDate) -> Option<IcalRule> {
        let mut freq = None;
        let mut interval = 1u32;
        let mut count = None;
        let mut until = None;
        let mut weekdays = Vec::new();
        let mut by_month_day = None;
        let mut by_month = None;
        let unsupported = |me: &mut Self, part: &str| {
            me.problem(p.line, summary, "ical.problem.rule_part", part.to_string());
            None
        };
        for part in p.value.split(';').filter(|s| !s.trim().is_empty()) {
            let Some((k, v)) = part.split_once('=') else {
                return unsupported(self, part);
            };
            let v = v.trim();
            match k.trim().to_ascii_uppercase().as_str() {
                "FREQ" => {
                    freq = Some(match v.to_ascii_uppercase().as_str() {
                        "DAILY" => Frequency::Day,
                        "WEEKLY" => Frequency::Week { weekdays: vec![] },
                        "MONTHLY" => Frequency::Month,
                        "YEARLY" => Frequency::Year,
                        _ => return unsupported(self, part),
                    })
                }
                "INTERVAL" => match digits(v).filter(|n| (1..=1000).contains(n)) {
                    Some(n) => interval = n,
                    None => return unsupported(self, part),
                },
                "COUNT" => match digits(v).filter(|n| (1..=10_000).contains(n)) {
                    Some(n) => count = Some(n),
                    None => return unsupported(self, part),
                },
                "UNTIL" => {
                    let t = if v.len() == 8 {
                        parse_date(v).map(IcalTime::Date)
                    } else {
                        parse_date_time(v).map(|(t, utc)| {
                            if utc {
                                IcalTime::Utc(t)
                            } else {
                                IcalTime::Floating(t)
                            }
                        })
                    };
                    match t {
                        Some(t) => until = Some(t),
                        None => return unsupported(self, part),
                    }
                }
                "BYDAY" => {
                    for code in v.split(',') {
                        match weekday_of(code.trim()) {
                            Some(w) => weekdays.push(w),
                            None => return unsupported(self, part),
                        }
                    }
                }
                "BYMONTHDAY" => match digits(v) {
                    Some(n) => by_month_day = Some(n),
                    None => return unsupported(self, part),
                },
                "BYMONTH" => match digits(v) {
                    Some(n) => by_month = Some(n),
                    None => return unsupported(self, part),
                },
                "WKST" => {}
                _ => return unsupported(self, part),
            }
        }
        let Some(mut frequency) = freq else {
            return unsupported(self, &p.value);
        };
        // Parts that only restate the start are harmless.
        if by_month_day.is_some_and(|d| d != anchor.day())
            || by_month_day.is_some()
                && matches!(frequency, Frequency::Day | Frequency::Week { .. })
        {
            return unsupported(self, &format!("BYMONTHDAY={}", by_month_day.unwrap_or(0)));
        }
        if by_month.is_some_and(|m| m != anchor.month() || !matches!(frequency, Frequency::Year)) {
            return unsupported(self, &format!("BYMONTH={}", by_month.unwrap_or(0)));
        }
        weekdays.dedup();
        if !weekdays.is_empty() {
            match frequency {
                Frequency::Week { .. } => {}
                // Every day on some weekdays is a weekly rule.
                Frequency::Day if interval == 1 => {}
                _ => {
                    let codes: Vec<&str> = weekdays.iter().map(|w| weekday_code(*w)).collect();
                    return unsupported(self, &format!("BYDAY={}", codes.join(",")));
                }
            }
            frequency = Frequency::Week { weekdays };
        }
        Some(IcalRule {
            frequency,
            interval,
            count: if until.is_some() { None } else { count },
            until,
            weekdays_on: anchor,
        })
    }

    fn event(&mut self, c: &Component) -> Option<IcalEvent> {
        let get = |n: &str| c.props.iter().find(|p| p.name == n);
        let summary = get("SUMMARY")
            .map(|p| unescape(&p.value))
            .unwrap_or_default();
        let todo = c.name == "VTODO";
        let start_prop = get("DTSTART").or(if todo { get("DUE") } else { None });
        let Some(start_prop) = start_prop else {
            self.problem(c.line, &summary, "ical.problem.no_start", String::new());
            return None;
        };
        let (start, anchor) = self.time(start_prop, &summary)?;
        let end = if todo && get("DTSTART").is_some() {
            get("DUE")
        } else {
            get("DTEND")
        };
        let duration_minutes = match (get("DURATION"), end) {
            (Some(d), _) => parse_duration(&d.value).filter(|m| *m >= 0),
            (None, Some(e)) => self.time(e, &summary).and_then(|(e, _)| {
                let minutes = match (start, e) {
                    (IcalTime::Utc(a), IcalTime::Utc(b))
                    | (IcalTime::Floating(a), IcalTime::Floating(b)) => (b - a).num_minutes(),
                    (IcalTime::Date(a), IcalTime::Date(b)) => (b - a).num_days() * 1440,
                    _ => return None,
                };
                (0..=MAX_MINUTES).contains(&minutes).then_some(minutes)
            }),
            _ => None,
        }
        .filter(|m| *m > 0 || !todo);
        let status = get("STATUS").map(|p| p.value.trim().to_ascii_uppercase());
        let completed = get("COMPLETED")
            .and_then(|p| parse_date_time(&p.value))
            .map(|(t, _)| t);
        let done = status.as_deref() == Some("COMPLETED")
            || completed.is_some()
            || get("PERCENT-COMPLETE").is_some_and(|p| p.value.trim() == "100")
            || get("X-LOCAL-CRM-DONE").is_some_and(|p| p.value.trim().eq_ignore_ascii_case("TRUE"));
        let mut rule = get("RRULE").and_then(|p| self.rule(p, &summary, anchor));
        if rule.is_some() {
            for name in ["EXDATE", "RDATE"] {
                if let Some(p) = get(name) {
                    self.problem(p.line, &summary, "ical.problem.dates", name.into());
                    rule = None;
                }
            }
        }
        let alarm_minutes_before = c
            .children
            .iter()
            .filter(|a| a.name == "VALARM")
            .filter_map(|a| a.props.iter().find(|p| p.name == "TRIGGER"))
            .filter(|p| {
                p.param("RELATED")
                    .is_none_or(|r| r.eq_ignore_ascii_case("START"))
            })
            .find_map(|p| parse_duration(&p.value))
            .map(|m| -m);
        Some(IcalEvent {
            uid: get("UID").map(|p| unescape(&p.value)).unwrap_or_default(),
            todo,
            summary,
            description: get("DESCRIPTION")
                .map(|p| unescape(&p.value))
                .unwrap_or_default(),
            start,
            duration_minutes,
            done,
            completed: completed.filter(|_| done),
            categories: c
                .props
                .iter()
                .filter(|p| p.name == "CATEGORIES")
                .flat_map(|p| split_text_list(&p.value))
                .collect(),
            priority: get("PRIORITY")
                .and_then(|p| digits(p.value.trim()))
                .filter(|p| (1..=9).contains(p))
                .map(|p| p as u8),
            rule,
            alarm_minutes_before,
            line: c.line,
        })
    }
}

fn summary_of(c: &Component) -> String {
    c.props
        .iter()
        .find(|p| p.name == "SUMMARY")
        .map(|p| unescape(&p.value))
        .unwrap_or_default()
}

pub fn read_calendar(bytes: &[u8]) -> Result<IcalImport, IcalError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(IcalError::TooLarge {
            limit: MAX_FILE_BYTES,
            found: bytes.len(),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let lines = unfold(bytes);
    let Some((_, first)) = lines.first() else {
        return Err(IcalError::Empty);
    };
    if !first.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR") {
        return Err(IcalError::NotCalendar);
    }
    let mut problems = Vec::new();
    // Open components, innermost last; finished calendars' contents in `top`.
    let mut stack: Vec<Component> = Vec::new();
    let mut top: Vec<Component> = Vec::new();
    let broken = |c: &Component, problems: &mut Vec<IcalProblem>| {
        if c.name == "VEVENT" || c.name == "VTODO" {
            problems.push(IcalProblem {
                line: c.line,
                summary: summary_of(c),
                key: "ical.problem.no_end",
                detail: c.name.clone(),
            });
        }
    };
    for (n, line) in &lines {
        let Some(p) = parse_line(line, *n) else {
            continue;
        };
        match p.name.as_str() {
            "BEGIN" => {
                let name = p.value.trim().to_ascii_uppercase();
                // An event cannot hold another: the open one was never ended.
                while stack
                    .last()
                    .is_some_and(|c| (c.name == "VEVENT" || c.name == "VTODO") && name == c.name)
                {
                    if let Some(c) = stack.pop() {
                        broken(&c, &mut problems);
                    }
                }
                stack.push(Component {
                    name,
                    line: *n,
                    props: Vec::new(),
                    children: Vec::new(),
                });
            }
            "END" => {
                let name = p.value.trim().to_ascii_uppercase();
                if !stack.iter().any(|c| c.name == name) {
                    continue;
                }
                while let Some(c) = stack.pop() {
                    if c.name == name {
                        match stack.last_mut() {
                            Some(parent) => parent.children.push(c),
                            None => top.extend(c.children),
                        }
                        break;
                    }
                    broken(&c, &mut problems);
                }
            }
            _ => {
                if let Some(c) = stack.last_mut() {
                    c.props.push(p);
                }
            }
        }
    }
    // Whatever is still open was never ended; its children may still be whole.
    while let Some(c) = stack.pop() {
        broken(&c, &mut problems);
        if c.name == "VCALENDAR" {
            top.extend(c.children);
        }
    }
    let zones: Vec<Zone> = top
        .iter()
        .filter(|c| c.name == "VTIMEZONE")
        .filter_map(zone_of)
        .collect();
    let mut reader = Reader {
        zones: &zones,
        problems,
    };
    let mut events: Vec<IcalEvent> = top
        .iter()
        .filter(|c| c.name == "VEVENT" || c.name == "VTODO")
        .filter_map(|c| reader.event(c))
        .collect();
    events.sort_by_key(|e| e.line);
    let mut problems = reader.problems;
    problems.sort_by_key(|p| p.line);
    Ok(IcalImport { events, problems })
}

fn option_of(module: &ModuleDef, field: &str, value: &str) -> bool {
    match module.field(field).map(|f| &f.kind) {
        Some(FieldKind::Picklist { options }) => options.iter().any(|o| o.value == value),
        Some(_) => true,
        None => false,
    }
}

/// The activity's field values for an event, for the normal save path. The alarm
/// and the UID have no field and are left out.
pub fn event_to_values(module: &ModuleDef, e: &IcalEvent, zone: &UserZone) -> FieldValues {
    let mut v = FieldValues::new();
    let has = |f: &str| module.field(f).is_some();
    let mut put = |f: &str, value: Value| {
        if has(f) && !value.is_empty() {
            v.insert(f, value);
        }
    };
    let to_utc = |t: NaiveDateTime| Some(zone.to_utc(t).naive_utc());
    let due = match e.start {
        IcalTime::Utc(t) => Some(t),
        IcalTime::Floating(t) => to_utc(t),
        IcalTime::Date(d) => to_utc(d.and_time(NaiveTime::MIN)),
    }
    .map(|t| Utc.from_utc_datetime(&t));
    put("subject", Value::Text(e.summary.clone()));
    let kind = e
        .categories
        .iter()
        .map(|c| c.trim().to_lowercase())
        .find(|c| option_of(module, "kind", c))
        .unwrap_or_else(|| if e.todo { "task" } else { "meeting" }.into());
    put("kind", Value::Text(kind));
    if let Some(due) = due {
        put("due", Value::DateTime(due));
    }
    if let Some(m) = e.duration_minutes.filter(|m| *m > 0) {
        put("duration", Value::Number(m as f64));
    }
    if e.done {
        put("done", Value::Bool(true));
    }
    let priority = match e.priority {
        Some(1..=4) => "high",
        Some(5) => "medium",
        Some(6..=9) => "low",
        _ => "",
    };
    put("priority", Value::Text(priority.into()));
    put("description", Value::Text(e.description.clone()));
    if let (Some(r), Some(due)) = (&e.rule, due) {
        let local_day = zone.local_date(due);
        let (every, weekdays) = match &r.frequency {
            Frequency::Day => ("daily", vec![]),
            Frequency::Week { weekdays } => {
                let shift = (local_day - r.weekdays_on).num_days();
                let mut days: Vec<Weekday> = if weekdays.is_empty() {
                    vec![local_day.weekday()]
                } else {
                    weekdays.iter().map(|w| shift_weekday(*w, shift)).collect()
                };
                days.sort_by_key(|w| w.num_days_from_monday());
                days.dedup();
                (
                    "weekly",
                    days.iter()
                        .map(|w| WEEKDAYS[w.num_days_from_monday() as usize].to_string())
                        .collect(),
                )
            }
            Frequency::Month => ("monthly", vec![]),
            Frequency::Year => ("yearly", vec![]),
        };
        put("repeat", Value::Text(every.into()));
        if r.interval > 1 {
            put("repeat_interval", Value::Number(r.interval as f64));
        }
        put("repeat_weekdays", Value::List(weekdays));
        match r.until {
            Some(IcalTime::Utc(t)) => {
                put(
                    "repeat_until",
                    Value::Date(zone.local_date(Utc.from_utc_datetime(&t))),
                );
            }
            Some(IcalTime::Floating(t)) => put("repeat_until", Value::Date(t.date())),
            Some(IcalTime::Date(d)) => put("repeat_until", Value::Date(d)),
            None => {
                if let Some(c) = r.count {
                    put("repeat_count", Value::Number(c as f64));
                }
            }
        }
    }
    v
}

/// The listed rows of an agenda module as a calendar file, and how many events it
/// holds (rows without a due time have no place in a calendar and are left out).
pub fn export(
    data: &Dataset,
    module: &str,
    slots: &[Slot],
    zone: &UserZone,
    now_utc: NaiveDateTime,
) -> (String, usize) {
    let Some(set) = data.set(module) else {
        return (String::new(), 0);
    };
    let events: Vec<IcalEvent> = slots
        .iter()
        .filter_map(|s| set.at(*s))
        .filter_map(|r| activity_to_event(&set.module, r, zone, None))
        .collect();
    (write_calendar(&events, now_utc), events.len())
}

/// Events read from a file as a table the CSV import maps, so they are checked,
/// deduplicated and written by the same plan as any imported row. Columns are headed
/// by the fields' labels (`label`: in the user's language, which the mapping reads);
/// each row is numbered by its event's line in the file, so a refused one is found there.
pub fn to_table(
    module: &ModuleDef,
    events: &[IcalEvent],
    zone: &UserZone,
    label: &dyn Fn(&Label) -> String,
) -> Table {
    let ctx = ParseContext {
        zone: zone.clone(),
        ..ParseContext::default()
    };
    let values: Vec<FieldValues> = events
        .iter()
        .map(|e| event_to_values(module, e, zone))
        .collect();
    let fields: Vec<&FieldDef> = module
        .fields
        .iter()
        .filter(|f| values.iter().any(|v| v.get(&f.key).is_some()))
        .collect();
    let rows = events
        .iter()
        .zip(&values)
        .map(|(e, v)| Row {
            number: e.line,
            cells: fields
                .iter()
                .map(|f| match to_input(&f.kind, v.get(&f.key), &ctx) {
                    FieldInput::Text(t) => t,
                    FieldInput::Bool(b) => if b { "true" } else { "" }.into(),
                    FieldInput::List(items) => items.join("; "),
                })
                .collect(),
            extra_cells: false,
        })
        .collect();
    Table {
        headers: fields.iter().map(|f| label(&f.label)).collect(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interchange::csv_export::Prng;
    use crate::domain::modules::activity_module::{activities, ACTIVITIES};

    fn crlf(s: &str) -> Vec<u8> {
        s.lines()
            .map(|l| l.trim_start().trim_start_matches('|'))
            .collect::<Vec<_>>()
            .join("\r\n")
            .into_bytes()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    fn read(s: &str) -> IcalImport {
        read_calendar(&crlf(s)).expect("a calendar")
    }

    #[test]
    fn rfc_5545_section_3_6_1_samples_read() {
        let cal = read(
            "BEGIN:VCALENDAR
            |VERSION:2.0
            |PRODID:-//hacksw/handcal//NONSGML v1.0//EN
            |BEGIN:VEVENT
            |UID:19970610T172345Z-AF23B2@example.com
            |DTSTAMP:19970610T172345Z
            |DTSTART:19970714T170000Z
            |DTEND:19970715T040000Z
            |SUMMARY:Bastille Day Party
            |END:VEVENT
            |BEGIN:VEVENT
            |UID:20070423T123432Z-541111@example.com
            |DTSTAMP:20070423T123432Z
            |DTSTART;VALUE=DATE:20070628
            |DTEND;VALUE=DATE:20070709
            |SUMMARY:Festival International de Jazz de Montreal
            |TRANSP:TRANSPARENT
            |END:VEVENT
            |BEGIN:VTODO
            |UID:20070313T123432Z-456553@example.com
            |DTSTAMP:20070313T123432Z
            |DUE;VALUE=DATE:20070501
            |SUMMARY:Submit Quebec Income Tax Return for 2006
            |CLASS:CONFIDENTIAL
            |CATEGORIES:FAMILY,FINANCE
            |STATUS:NEEDS-ACTION
            |END:VTODO
            |END:VCALENDAR",
        );
        assert!(cal.problems.is_empty(), "{:?}", cal.problems);
        assert_eq!(cal.events.len(), 3);
        let party = &cal.events[0];
        assert_eq!(party.summary, "Bastille Day Party");
        assert_eq!(party.start, IcalTime::Utc(utc(1997, 7, 14, 17, 0)));
        assert_eq!(party.duration_minutes, Some(11 * 60));
        let jazz = &cal.events[1];
        assert_eq!(
            jazz.start,
            IcalTime::Date(NaiveDate::from_ymd_opt(2007, 6, 28).unwrap())
        );
        assert_eq!(jazz.duration_minutes, Some(11 * 1440));
        let tax = &cal.events[2];
        assert!(tax.todo && !tax.done);
        assert_eq!(tax.categories, vec!["FAMILY", "FINANCE"]);
        let v = event_to_values(&activities(), tax, &UserZone::fixed(0));
        assert_eq!(v.get("kind"), Some(&Value::Text("task".into())));
    }

    fn rule_of(rrule: &str) -> (Option<IcalRule>, Vec<IcalProblem>) {
        let cal = read(&format!(
            "BEGIN:VCALENDAR
            |BEGIN:VEVENT
            |DTSTART:19970902T090000Z
            |SUMMARY:Series
            |RRULE:{rrule}
            |END:VEVENT
            |END:VCALENDAR"
        ));
        (cal.events[0].rule.clone(), cal.problems)
    }

    #[test]
    fn rfc_5545_rrule_examples_read_or_are_reported() {
        let (r, p) = rule_of("FREQ=DAILY;COUNT=10");
        assert!(p.is_empty());
        let r = r.unwrap();
        assert_eq!((r.frequency, r.count), (Frequency::Day, Some(10)));
        let (r, _) = rule_of("FREQ=DAILY;UNTIL=19971224T000000Z");
        assert_eq!(
            r.unwrap().until,
            Some(IcalTime::Utc(utc(1997, 12, 24, 0, 0)))
        );
        let (r, _) = rule_of("FREQ=DAILY;INTERVAL=10;COUNT=5");
        assert_eq!(r.unwrap().interval, 10);
        let (r, _) = rule_of("FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH");
        assert_eq!(
            r.unwrap().frequency,
            Frequency::Week {
                weekdays: vec![Weekday::Tue, Weekday::Thu]
            }
        );
        let (r, _) = rule_of("FREQ=WEEKLY;INTERVAL=2;WKST=SU");
        let v = event_to_values(
            &activities(),
            &IcalEvent {
                rule: r,
                ..read("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:19970902T090000Z\nEND:VEVENT\nEND:VCALENDAR").events[0].clone()
            },
            &UserZone::default(),
        );
        // No BYDAY: the start's own weekday (2 September 1997 was a Tuesday).
        assert_eq!(
            v.get("repeat_weekdays"),
            Some(&Value::List(vec!["tue".into()]))
        );
        assert_eq!(v.get("repeat_interval"), Some(&Value::Number(2.0)));
        let (r, _) = rule_of("FREQ=MONTHLY;BYMONTHDAY=2;COUNT=10");
        assert_eq!(r.unwrap().frequency, Frequency::Month);
        let (r, _) = rule_of("FREQ=YEARLY;BYMONTH=9;COUNT=10");
        assert_eq!(r.unwrap().frequency, Frequency::Year);
        for (rrule, part) in [
            (
                "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
                "BYSETPOS=-1",
            ),
            ("FREQ=MONTHLY;BYMONTHDAY=2,15;COUNT=10", "BYMONTHDAY=2,15"),
            ("FREQ=MONTHLY;COUNT=10;BYDAY=1FR", "BYDAY=1FR"),
            (
                "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
                "FREQ=HOURLY",
            ),
            ("FREQ=MINUTELY;INTERVAL=15;COUNT=6", "FREQ=MINUTELY"),
            ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "BYWEEKNO=20"),
        ] {
            let (r, p) = rule_of(rrule);
            assert!(r.is_none(), "{rrule}");
            assert_eq!(p.len(), 1, "{rrule}");
            assert_eq!(p[0].line, 5);
            assert_eq!(p[0].summary, "Series");
            assert_eq!(
                p[0].text(),
                format!("kept the first occurrence; the rule part {part} is not supported")
            );
        }
    }

    const GOOGLE: &str = "BEGIN:VCALENDAR
        |PRODID:-//Google Inc//Google Calendar 70.9054//EN
        |VERSION:2.0
        |CALSCALE:GREGORIAN
        |METHOD:PUBLISH
        |X-WR-CALNAME:Work
        |X-WR-TIMEZONE:Europe/Moscow
        |BEGIN:VTIMEZONE
        |TZID:Europe/Moscow
        |X-LIC-LOCATION:Europe/Moscow
        |BEGIN:STANDARD
        |TZOFFSETFROM:+0300
        |TZOFFSETTO:+0300
        |TZNAME:MSK
        |DTSTART:19700101T000000
        |END:STANDARD
        |END:VTIMEZONE
        |BEGIN:VEVENT
        |DTSTART;TZID=Europe/Moscow:20261207T090000
        |DTEND;TZID=Europe/Moscow:20261207T093000
        |RRULE:FREQ=WEEKLY;WKST=MO;COUNT=8;BYDAY=MO,TH
        |DTSTAMP:20261201T101010Z
        |UID:7kukuqrfedlm2f9t3bpu3rv3bk@google.com
        |CREATED:20261130T120000Z
        |DESCRIPTION:Agenda:\\n1. Numbers\\, plans\\n2. Hiring
        |LAST-MODIFIED:20261130T120000Z
        |LOCATION:Room 4
        |SEQUENCE:0
        |STATUS:CONFIRMED
        |SUMMARY:Weekly sync
        |TRANSP:OPAQUE
        |BEGIN:VALARM
        |ACTION:DISPLAY
        |DESCRIPTION:This is an event reminder
        |TRIGGER:-P0DT0H10M0S
        |END:VALARM
        |END:VEVENT
        |BEGIN:VEVENT
        |DTSTART;VALUE=DATE:20261231
        |DTEND;VALUE=DATE:20270101
        |DTSTAMP:20261201T101010Z
        |UID:allday@google.com
        |SUMMARY:Year-end
        |END:VEVENT
        |BEGIN:VEVENT
        |DTSTART:20261208T130000Z
        |DTEND:20261208T140000Z
        |EXDATE;TZID=Europe/Moscow:20261215T160000
        |RRULE:FREQ=WEEKLY;BYDAY=TU
        |DTSTAMP:20261201T101010Z
        |UID:ex@google.com
        |SUMMARY:Standup
        |END:VEVENT
        |END:VCALENDAR";

    #[test]
    fn a_google_export_with_a_fixed_offset_zone_reads() {
        let cal = read(GOOGLE);
        assert_eq!(cal.events.len(), 3);
        let sync = &cal.events[0];
        assert_eq!(sync.start, IcalTime::Utc(utc(2026, 12, 7, 6, 0)));
        assert_eq!(sync.duration_minutes, Some(30));
        assert_eq!(sync.alarm_minutes_before, Some(10));
        assert_eq!(sync.description, "Agenda:\n1. Numbers, plans\n2. Hiring");
        let v = event_to_values(&activities(), sync, &UserZone::fixed(180));
        assert_eq!(v.get("kind"), Some(&Value::Text("meeting".into())));
        assert_eq!(v.get("repeat"), Some(&Value::Text("weekly".into())));
        assert_eq!(
            v.get("repeat_weekdays"),
            Some(&Value::List(vec!["mon".into(), "thu".into()]))
        );
        assert_eq!(v.get("repeat_count"), Some(&Value::Number(8.0)));
        assert_eq!(v.get("duration"), Some(&Value::Number(30.0)));
        // The EXDATE cannot be kept, so neither is the series.
        assert!(cal.events[2].rule.is_none());
        assert_eq!(cal.problems.len(), 1);
        assert_eq!(cal.problems[0].summary, "Standup");
        assert_eq!(cal.problems[0].line, 48);
        assert_eq!(
            cal.problems[0].text(),
            "kept the first occurrence; EXDATE is not supported"
        );
        // An all-day event starts at the user's local midnight.
        let v = event_to_values(&activities(), &cal.events[1], &UserZone::fixed(180));
        assert_eq!(
            v.get("due"),
            Some(&Value::DateTime(
                Utc.from_utc_datetime(&utc(2026, 12, 30, 21, 0))
            ))
        );
        assert_eq!(v.get("duration"), Some(&Value::Number(1440.0)));
    }

    const OUTLOOK: &str = "BEGIN:VCALENDAR
        |PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
        |VERSION:2.0
        |METHOD:PUBLISH
        |X-MS-OLK-FORCEINSPECTOROPEN:TRUE
        |BEGIN:VTIMEZONE
        |TZID:W. Europe Standard Time
        |BEGIN:STANDARD
        |DTSTART:16011028T030000
        |RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
        |TZOFFSETFROM:+0200
        |TZOFFSETTO:+0100
        |END:STANDARD
        |BEGIN:DAYLIGHT
        |DTSTART:16010325T020000
        |RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
        |TZOFFSETFROM:+0100
        |TZOFFSETTO:+0200
        |END:DAYLIGHT
        |END:VTIMEZONE
        |BEGIN:VEVENT
        |CLASS:PUBLIC
        |CREATED:20260301T080000Z
        |DESCRIPTION:Quarterly review with the Berlin team.\\n
        |DTEND;TZID=\"W. Europe Standard Time\":20260702T110000
        |DTSTAMP:20260301T080000Z
        |DTSTART;TZID=\"W. Europe Standard Time\":20260702T100000
        |LAST-MODIFIED:20260301T080000Z
        |LOCATION:Berlin
        |PRIORITY:5
        |SEQUENCE:0
        |SUMMARY;LANGUAGE=de-de:Quartalsbericht
        |TRANSP:OPAQUE
        |UID:040000008200E00074C5B7101A82E00800000000
        |X-MICROSOFT-CDO-BUSYSTATUS:BUSY
        |BEGIN:VALARM
        |TRIGGER:-PT15M
        |ACTION:DISPLAY
        |DESCRIPTION:Reminder
        |END:VALARM
        |END:VEVENT
        |BEGIN:VEVENT
        |DTSTART;TZID=\"W. Europe Standard Time\":20260115T100000
        |DTEND;TZID=\"W. Europe Standard Time\":20260115T103000
        |SUMMARY:Winter call
        |CATEGORIES:Call
        |UID:winter
        |END:VEVENT
        |BEGIN:VEVENT
        |DTSTART;TZID=Asia/Tokyo:20260115T100000
        |SUMMARY:Tokyo
        |UID:tokyo
        |END:VEVENT
        |END:VCALENDAR";

    #[test]
    fn an_outlook_export_with_a_summer_time_zone_converts_on_either_side_of_the_switch() {
        let cal = read(OUTLOOK);
        assert_eq!(cal.events.len(), 3);
        let summer = &cal.events[0];
        assert_eq!(summer.start, IcalTime::Utc(utc(2026, 7, 2, 8, 0)));
        assert_eq!(summer.duration_minutes, Some(60));
        assert_eq!(summer.alarm_minutes_before, Some(15));
        assert_eq!(summer.summary, "Quartalsbericht");
        let winter = &cal.events[1];
        assert_eq!(winter.start, IcalTime::Utc(utc(2026, 1, 15, 9, 0)));
        let v = event_to_values(&activities(), winter, &UserZone::fixed(60));
        assert_eq!(v.get("kind"), Some(&Value::Text("call".into())));
        let v = event_to_values(&activities(), summer, &UserZone::fixed(120));
        assert_eq!(v.get("priority"), Some(&Value::Text("medium".into())));
        // A zone the file does not describe: local time, reported.
        assert_eq!(
            cal.events[2].start,
            IcalTime::Floating(utc(2026, 1, 15, 10, 0))
        );
        assert_eq!(cal.problems.len(), 1);
        assert_eq!(cal.problems[0].key, "ical.problem.unknown_zone");
        assert_eq!(cal.problems[0].summary, "Tokyo");
        let v = event_to_values(&activities(), &cal.events[2], &UserZone::fixed(180));
        assert_eq!(
            v.get("due"),
            Some(&Value::DateTime(
                Utc.from_utc_datetime(&utc(2026, 1, 15, 7, 0))
            ))
        );
    }

    #[test]
    fn the_switch_days_of_a_summer_time_zone() {
        let zone = Zone {
            id: "Berlin".into(),
            observances: vec![
                Observance {
                    start: utc(1601, 10, 28, 3, 0),
                    offset_minutes: 60,
                    yearly: Some((10, -1, Weekday::Sun)),
                },
                Observance {
                    start: utc(1601, 3, 25, 2, 0),
                    offset_minutes: 120,
                    yearly: Some((3, -1, Weekday::Sun)),
                },
            ],
        };
        // 2026: summer time from 29 March to 25 October.
        assert_eq!(zone.offset_at(utc(2026, 3, 29, 1, 59)), Some(60));
        assert_eq!(zone.offset_at(utc(2026, 3, 29, 3, 0)), Some(120));
        assert_eq!(zone.offset_at(utc(2026, 10, 25, 2, 0)), Some(120));
        assert_eq!(zone.offset_at(utc(2026, 10, 25, 3, 0)), Some(60));
        assert_eq!(zone.offset_at(utc(2026, 12, 31, 12, 0)), Some(60));
    }

    fn activity(pairs: Vec<(&str, Value)>) -> Record {
        let v: FieldValues = pairs
            .into_iter()
            .map(|(k, x)| (k.to_string(), x))
            .collect::<Vec<_>>()
            .into_iter()
            .fold(FieldValues::new(), |mut v, (k, x)| {
                v.insert(k, x);
                v
            });
        Record::new("act-1".into(), ACTIVITIES, 1, None, v)
    }

    fn at(t: NaiveDateTime) -> Value {
        Value::DateTime(Utc.from_utc_datetime(&t))
    }

    fn round_trip(record: &Record, offset: i32, alarm: Option<u32>) -> (String, IcalEvent) {
        let m = activities();
        let e = activity_to_event(&m, record, &UserZone::fixed(offset), alarm).expect("an event");
        let text = write_calendar(&[e], utc(2026, 12, 1, 0, 0));
        let cal = read_calendar(text.as_bytes()).expect("reads back");
        assert!(cal.problems.is_empty(), "{:?}", cal.problems);
        assert_eq!(cal.events.len(), 1);
        let back = cal.events[0].clone();
        assert_eq!(
            event_to_values(&m, &back, &UserZone::fixed(offset)),
            record.values,
            "{text}"
        );
        (text, back)
    }

    #[test]
    fn a_series_keeps_its_wall_clock_time_across_a_clock_change() {
        // Berlin: a weekly Monday 09:00 from 23 March 2026, the clocks change on the 29th.
        let berlin = crate::domain::records::time_zone::tests::berlin();
        let m = activities();
        let rec = activity(vec![
            ("subject", Value::Text("Stand-up".into())),
            ("kind", Value::Text("meeting".into())),
            ("due", at(utc(2026, 3, 23, 8, 0))),
            ("repeat", Value::Text("weekly".into())),
            ("repeat_weekdays", Value::List(vec!["mon".into()])),
        ]);
        let e = activity_to_event(&m, &rec, &berlin, None).unwrap();
        let text = write_calendar(&[e], utc(2026, 12, 1, 0, 0));
        // Floating: 09:00 wherever the calendar app counts the weeks.
        assert!(text.contains("DTSTART:20260323T090000\r\n"), "{text}");
        assert!(!text.contains("DTSTART:20260323T080000Z"));
        let cal = read_calendar(text.as_bytes()).unwrap();
        assert_eq!(event_to_values(&m, &cal.events[0], &berlin), rec.values);
    }

    #[test]
    fn an_activity_round_trips_through_a_file() {
        let long: String =
            "سلام، دنیا؛ گزارش فصلی, ready; ok. ".repeat(12) + "\nสวัสดีครับ, ประชุม; ทีมขาย\\ท้ายสุด";
        // 21:30 UTC on Sunday is 01:00 on Monday in Tehran: a series is written in
        // the wall-clock time, so its weekdays are Tehran's.
        let rec = activity(vec![
            ("subject", Value::Text("جلسه، فروش; ทีม, A".into())),
            ("kind", Value::Text("meeting".into())),
            ("due", at(utc(2026, 12, 6, 21, 30))),
            ("duration", Value::Number(45.0)),
            ("repeat", Value::Text("weekly".into())),
            (
                "repeat_weekdays",
                Value::List(vec!["mon".into(), "thu".into()]),
            ),
            ("repeat_count", Value::Number(10.0)),
            ("description", Value::Text(long)),
            ("priority", Value::Text("high".into())),
        ]);
        let (text, back) = round_trip(&rec, 210, Some(15));
        assert!(
            text.contains("RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10\r\n"),
            "{text}"
        );
        assert!(text.contains("TRIGGER:-PT15M\r\n"));
        assert!(text.contains("UID:act-1@local-crm\r\n"));
        assert!(text.contains("DTSTART:20261207T010000\r\n"));
        assert!(text.contains("DURATION:PT45M\r\n"));
        assert!(text.contains("CATEGORIES:meeting\r\n"));
        assert_eq!(back.alarm_minutes_before, Some(15));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line:?}");
        }
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));

        let task = activity(vec![
            ("subject", Value::Text("Send the offer".into())),
            ("kind", Value::Text("task".into())),
            ("due", at(utc(2026, 12, 10, 8, 0))),
            ("done", Value::Bool(true)),
            ("repeat", Value::Text("monthly".into())),
            ("repeat_interval", Value::Number(3.0)),
            (
                "repeat_until",
                Value::Date(NaiveDate::from_ymd_opt(2027, 12, 31).unwrap()),
            ),
        ]);
        let (text, back) = round_trip(&task, -300, None);
        assert!(text.contains("BEGIN:VTODO\r\n") && text.contains("STATUS:COMPLETED\r\n"));
        assert!(text.contains("RRULE:FREQ=MONTHLY;INTERVAL=3;UNTIL=20271231T235959\r\n"));
        assert!(text.contains("DTSTART:20261210T030000\r\n"));
        assert!(back.todo && back.done);

        let call = activity(vec![
            ("subject", Value::Text("Call back".into())),
            ("kind", Value::Text("call".into())),
            ("due", at(utc(2026, 12, 10, 8, 0))),
            ("done", Value::Bool(true)),
            ("duration", Value::Number(1500.0)),
            ("repeat", Value::Text("daily".into())),
        ]);
        let (text, _) = round_trip(&call, 0, None);
        assert!(text.contains("DURATION:P1DT1H\r\n"));
        let m = activities();
        assert!(activity_to_event(
            &m,
            &activity(vec![("subject", Value::Text("x".into()))]),
            &UserZone::default(),
            None
        )
        .is_none());
    }

    #[test]
    fn a_broken_event_is_reported_with_its_line_while_the_others_import() {
        let cal = read(
            "BEGIN:VCALENDAR
            |VERSION:2.0
            |BEGIN:VEVENT
            |SUMMARY:No start
            |END:VEVENT
            |BEGIN:VEVENT
            |SUMMARY:Never ended
            |DTSTART:20261201T100000Z
            |BEGIN:VEVENT
            |SUMMARY:Fine
            |DTSTART:20261202T100000Z
            |END:VEVENT
            |BEGIN:VTODO
            |SUMMARY:Cut off
            |DTSTART:20261203T100000Z
            |END:VCALENDAR",
        );
        assert_eq!(cal.events.len(), 1);
        assert_eq!(cal.events[0].summary, "Fine");
        let seen: Vec<(usize, &str, &str)> = cal
            .problems
            .iter()
            .map(|p| (p.line, p.summary.as_str(), p.key))
            .collect();
        assert_eq!(
            seen,
            vec![
                (3, "No start", "ical.problem.no_start"),
                (6, "Never ended", "ical.problem.no_end"),
                (13, "Cut off", "ical.problem.no_end"),
            ]
        );
    }

    #[test]
    fn files_that_are_not_calendars_are_refused() {
        assert_eq!(read_calendar(b""), Err(IcalError::Empty));
        assert_eq!(read_calendar(b"\r\n  \r\n"), Err(IcalError::Empty));
        let e = read_calendar(b"name,email\nAda,ada@example.com").unwrap_err();
        assert_eq!(e.key(), "ical.err.not_calendar");
        assert!(read_calendar(b"\xEF\xBB\xBFBEGIN:VCALENDAR\nEND:VCALENDAR").is_ok());
    }

    #[test]
    fn folding_keeps_characters_whole_and_unfolding_restores_them() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "ก".repeat(60));
        push_folded(&mut out, &line);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75);
        }
        let lines = unfold(out.as_bytes());
        assert_eq!(lines, vec![(1, line)]);
    }

    const AWKWARD: &[&str] = &[
        "a",
        ",",
        ";",
        "\\",
        "\\n",
        "\n",
        "\r\n",
        ":",
        "\"",
        "é",
        "سلام",
        "ทีม",
        "😀",
        " ",
        "\t",
        "BEGIN:VEVENT",
        "END:VCALENDAR",
        "x",
        "=",
        "'",
    ];

    #[test]
    fn writing_then_reading_gives_back_awkward_text() {
        let mut rng = Prng(0x2545_F491_4F6C_DD1D);
        for i in 0..500 {
            let mut text = || -> String {
                let n = rng.below(40);
                (0..n).map(|_| rng.pick(AWKWARD)).collect()
            };
            let summary = text();
            let description = text();
            let category = text();
            let e = IcalEvent {
                uid: format!("{i}@local-crm"),
                todo: i % 2 == 0,
                summary: summary.clone(),
                description: description.clone(),
                start: IcalTime::Utc(utc(2026, 1, 1, 0, 0)),
                duration_minutes: Some(30),
                done: false,
                completed: None,
                categories: vec![category.clone()],
                priority: None,
                rule: None,
                alarm_minutes_before: None,
                line: 0,
            };
            let file = write_calendar(&[e], utc(2026, 1, 1, 0, 0));
            let cal = read_calendar(file.as_bytes()).unwrap();
            let back = &cal.events[0];
            let clean = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n");
            assert_eq!(back.summary, clean(&summary), "{file}");
            assert_eq!(back.description, clean(&description), "{file}");
            let cats: Vec<String> = if category.trim().is_empty() {
                vec![]
            } else {
                vec![clean(&category)]
            };
            assert_eq!(back.categories, cats, "{file}");
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let pieces: &[&[u8]] = &[
            b"BEGIN:VCALENDAR\r\n",
            b"BEGIN:VEVENT\r\n",
            b"END:VEVENT\r\n",
            b"BEGIN:VTODO\r\n",
            b"END:VTODO\r\n",
            b"BEGIN:VTIMEZONE\r\nTZID:Z\r\nBEGIN:DAYLIGHT\r\nTZOFFSETTO:+9959\r\nRRULE:FREQ=YEARLY;BYMONTH=13;BYDAY=-9SU\r\nDTSTART:99991231T235959\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n",
            b"DTSTART;TZID=Z:99991231T235959\r\n",
            b"DTSTART:00000101T000000Z\r\n",
            b"DTSTART;VALUE=DATE:2026023",
            b"DTEND:99991231T235959Z\r\n",
            b"DURATION:P99999999W\r\n",
            b"DURATION:-PT",
            b"RRULE:FREQ=WEEKLY;BYDAY=MO,XX;COUNT=0;INTERVAL=99999999999\r\n",
            b"RRULE:FREQ=YEARLY;UNTIL=1;BYMONTHDAY=31\r\n",
            b"EXDATE:1\r\n",
            b"BEGIN:VALARM\r\nTRIGGER:-P1D\r\nEND:VALARM\r\n",
            b"TRIGGER;RELATED=END:PT5M\r\n",
            b"SUMMARY;X=\"a:b\";Y=c:\\",
            b"\r\n ",
            b"\n\t",
            b";;;:::\"\"",
            b"\xff\xfe\xe0\xb8",
            b"END:VCALENDAR\r\n",
            b"STATUS:COMPLETED\r\nCOMPLETED:2\r\nPRIORITY:0\r\n",
            b"CATEGORIES:\\,\\",
        ];
        let mut rng = Prng(0x9E37_79B9_7F4A_7C15);
        let m = activities();
        for _ in 0..3_000 {
            let mut bytes = Vec::new();
            if rng.below(8) != 0 {
                bytes.extend_from_slice(b"BEGIN:VCALENDAR\r\n");
            }
            for _ in 0..rng.below(40) {
                if rng.below(6) == 0 {
                    bytes.push(rng.next() as u8);
                } else {
                    bytes.extend_from_slice(rng.pick(pieces));
                }
            }
            if let Ok(cal) = read_calendar(&bytes) {
                for e in &cal.events {
                    for offset in [-720, 0, 840] {
                        let _ = event_to_values(&m, e, &UserZone::fixed(offset));
                    }
                    let _ = write_calendar(std::slice::from_ref(e), utc(2026, 1, 1, 0, 0));
                }
            }
        }
    }
    #[test]
    fn a_calendar_imports_through_the_csv_importer_with_its_times_and_series() {
        use crate::domain::interchange::csv_import::{guess_mapping, DuplicatePolicy, Importer};
        use crate::domain::modules::standard_modules::standard_schema;
        use crate::domain::records::duplicates::DuplicateIndex;
        let cal = read(GOOGLE);
        let data = Dataset::new(standard_schema());
        let m = data.schema.module(ACTIVITIES).expect("activities");
        let english = |lb: &Label| crate::i18n::label(crate::i18n::Locale::En, lb);
        let persian = |lb: &Label| crate::i18n::label(crate::i18n::Locale::Fa, lb);
        let table = to_table(m, &cal.events, &UserZone::fixed(180), &persian);
        assert!(
            table.headers.contains(&"موضوع".to_string()),
            "{:?}",
            table.headers
        );
        let every = |lb: &Label| vec![english(lb), persian(lb)];
        let mapping = guess_mapping(m, &table.headers, &every);
        assert!(mapping.iter().all(Option::is_some), "{:?}", table.headers);
        // Rows are numbered by the event's line, so a refused one is found in the file.
        assert_eq!(
            table.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            cal.events.iter().map(|e| e.line).collect::<Vec<_>>()
        );
        let ctx = ParseContext {
            zone: crate::domain::records::time_zone::Zone::fixed(180),
            ..ParseContext::default()
        };
        let mut imp = Importer::new(
            m,
            &table,
            mapping,
            DuplicatePolicy::Create,
            ctx,
            "me".into(),
            5,
        );
        let mut finder = DuplicateIndex::new(m);
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("a{n}")
        };
        while !imp.step(&data, &mut finder, &mut ids, 10) {}
        let plan = imp.finish(&data, &mut ids);
        assert!(plan.rejects.is_empty(), "{:?}", plan.rejects);
        assert_eq!(plan.created, 3);
        let sync = plan
            .write
            .inserts
            .iter()
            .find(|r| r.get("subject") == Some(&Value::Text("Weekly sync".into())))
            .expect("the weekly sync");
        // What event_to_values makes of it is what the importer stored.
        let want = event_to_values(m, &cal.events[0], &UserZone::fixed(180));
        for (k, v) in want.iter() {
            assert_eq!(sync.get(k), Some(v), "{k}");
        }
        assert_eq!(
            sync.get("due"),
            Some(&Value::DateTime(
                Utc.from_utc_datetime(&utc(2026, 12, 7, 6, 0))
            ))
        );
    }

    #[test]
    fn a_list_exports_only_its_rows_with_a_due_time_in_order() {
        use crate::domain::modules::standard_modules::standard_schema;
        let mut data = Dataset::new(standard_schema());
        let due = |h: u32| Value::DateTime(Utc.from_utc_datetime(&utc(2026, 12, 9, h, 0)));
        for (id, subject, at) in [
            ("x1", "Call Ana", Some(due(9))),
            ("x2", "No time", None),
            ("x3", "Demo", Some(due(7))),
        ] {
            let mut v: FieldValues = [("subject".to_string(), Value::Text(subject.into()))].into();
            v.insert("kind", Value::Text("call".into()));
            if let Some(at) = at {
                v.insert("due", at);
            }
            data.upsert(Record::new(id.into(), ACTIVITIES, 1, None, v));
        }
        let set = data.set(ACTIVITIES).unwrap();
        let slots: Vec<Slot> = ["x3", "x2", "x1"]
            .iter()
            .filter_map(|id| set.slot_of(id))
            .collect();
        assert_eq!(slots.len(), 3);
        let (text, n) = export(
            &data,
            ACTIVITIES,
            &slots,
            &UserZone::default(),
            utc(2026, 12, 1, 0, 0),
        );
        assert_eq!(n, 2);
        let back = read_calendar(text.as_bytes()).expect("our own file reads");
        assert_eq!(
            back.events
                .iter()
                .map(|e| e.summary.as_str())
                .collect::<Vec<_>>(),
            ["Demo", "Call Ana"]
        );
        assert_eq!(back.events[0].start, IcalTime::Utc(utc(2026, 12, 9, 7, 0)));
        assert!(back.problems.is_empty());
    }
}
