//! What saving an activity does beyond validation: a repeat rule is checked and
//! anchored to the series' first date, completing stamps the time, and completing
//! an occurrence of a series creates the next one.

use crate::domain::records::field_values::FieldValues;

use chrono::{DateTime, TimeZone, Utc, Weekday};

use crate::domain::activities::recurrence::{
    Frequency, Recurrence, RecurrenceEnd, RecurrenceError,
};
use crate::domain::modules::activity_module::WEEKDAYS;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::validate::{FieldError, Problem};
use crate::domain::records::value::Value;

fn weekday(code: &str) -> Option<Weekday> {
    let i = WEEKDAYS.iter().position(|d| *d == code)?;
    Some(
        [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ][i],
    )
}

fn number(values: &FieldValues, f: &str) -> Option<f64> {
    match values.get(f) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

fn is_true(values: &FieldValues, f: &str) -> bool {
    matches!(values.get(f), Some(Value::Bool(true)))
}

pub fn due(values: &FieldValues) -> Option<DateTime<Utc>> {
    match values.get("due") {
        Some(Value::DateTime(t)) => Some(*t),
        _ => None,
    }
}

pub use crate::domain::records::local_days::local_date;

/// The repeat rule the fields describe, `None` when the activity does not repeat,
/// or the field at fault.
pub fn recurrence_of(
    values: &FieldValues,
) -> Option<Result<Recurrence, (&'static str, RecurrenceError)>> {
    let Some(Value::Text(every)) = values.get("repeat") else {
        return None;
    };
    let interval = number(values, "repeat_interval").unwrap_or(1.0);
    if interval < 1.0 || interval.fract() != 0.0 || interval > 1000.0 {
        return Some(Err(("repeat_interval", RecurrenceError::ZeroInterval)));
    }
    let frequency = match every.as_str() {
        "daily" => Frequency::Day,
        "weekly" => Frequency::Week {
            weekdays: match values.get("repeat_weekdays") {
                Some(Value::List(days)) => days.iter().filter_map(|d| weekday(d)).collect(),
                _ => Vec::new(),
            },
        },
        "monthly" => Frequency::Month,
        _ => Frequency::Year,
    };
    let end = match (values.get("repeat_until"), number(values, "repeat_count")) {
        (Some(Value::Date(d)), _) => RecurrenceEnd::Until(*d),
        (_, Some(n)) if n < 1.0 || n.fract() != 0.0 => {
            return Some(Err(("repeat_count", RecurrenceError::ZeroCount)))
        }
        (_, Some(n)) => RecurrenceEnd::After(n.min(u32::MAX as f64) as u32),
        _ => RecurrenceEnd::Never,
    };
    Some(Ok(Recurrence {
        frequency,
        interval: interval as u32,
        end,
    }))
}

fn field_of(e: &RecurrenceError) -> &'static str {
    match e {
        RecurrenceError::ZeroInterval => "repeat_interval",
        RecurrenceError::NoWeekdays => "repeat_weekdays",
        RecurrenceError::ZeroCount => "repeat_count",
        RecurrenceError::EndsBeforeStart => "repeat_until",
    }
}

/// Applies the rules to an activity about to be saved. Returns the problems found and,
/// when this save completes an occurrence of a series, the values of the next one.
pub fn apply(
    before: Option<&Record>,
    values: &mut FieldValues,
    now: Timestamp,
    zone: &crate::domain::records::time_zone::Zone,
) -> (Vec<FieldError>, Option<FieldValues>) {
    let mut errors = Vec::new();
    let mut problem = |field: &str, p: Problem| {
        errors.push(FieldError {
            field: field.to_string(),
            problem: p,
        })
    };
    if number(values, "duration").is_some_and(|d| d < 0.0) {
        problem("duration", Problem::Rule("problem.negative"));
    }

    let was_done = before.is_some_and(|b| is_true(&b.values, "done"));
    let done = is_true(values, "done");
    if done && !was_done {
        if let Some(t) = Utc.timestamp_millis_opt(now).single() {
            values.insert("done_at", Value::DateTime(t));
        }
    } else if !done {
        values.remove("done_at");
    }

    let rule = match recurrence_of(values) {
        None => {
            for f in ["series_start", "occurrence", "continued"] {
                values.remove(f);
            }
            return (errors, None);
        }
        Some(Err((field, e))) => {
            problem(field, Problem::Rule(e.key()));
            return (errors, None);
        }
        Some(Ok(rule)) => rule,
    };
    let Some(due_at) = due(values) else {
        problem("due", Problem::Rule("problem.repeat_needs_due"));
        return (errors, None);
    };
    let start = match values.get("series_start") {
        Some(Value::Date(d)) => *d,
        _ => {
            let d = zone.local_date(due_at);
            values.insert("series_start", Value::Date(d));
            d
        }
    };
    if let Err(e) = rule.validate(start) {
        problem(field_of(&e), Problem::Rule(e.key()));
        return (errors, None);
    }
    let occurrence = number(values, "occurrence").unwrap_or(1.0).max(1.0);
    values.insert("occurrence", Value::Number(occurrence));
    if !errors.is_empty() || !done || was_done || is_true(values, "continued") {
        return (errors, None);
    }
    // Completing this occurrence: the series continues in a new activity.
    let index = occurrence as u32 - 1;
    let Some((next_index, date)) = rule.after_completing(start, index) else {
        return (errors, None);
    };
    // The same wall-clock time on the next date, with that date's own offset: a
    // weekly 09:00 stays at 09:00 when the clocks change in between.
    let local_time = zone.to_local(due_at).time();
    let next_due = zone.to_utc(date.and_time(local_time));
    let mut next = values.clone();
    for f in ["done_at", "continued", "call_outcome"] {
        next.remove(f);
    }
    next.insert("done", Value::Bool(false));
    next.insert("due", Value::DateTime(next_due));
    next.insert("occurrence", Value::Number((next_index + 1) as f64));
    values.insert("continued", Value::Bool(true));
    (errors, Some(next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::activity_module::ACTIVITIES;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> Value {
        Value::DateTime(Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap())
    }

    fn task(pairs: Vec<(&str, Value)>) -> FieldValues {
        let mut v: FieldValues = [
            ("subject".to_string(), Value::Text("Report".into())),
            ("kind".to_string(), Value::Text("task".into())),
        ]
        .into();
        for (k, x) in pairs {
            v.insert(k.to_string(), x);
        }
        v
    }

    fn record(values: FieldValues) -> Record {
        Record::new("a".into(), ACTIVITIES, 1, None, values)
    }

    #[test]
    fn completing_a_monthly_task_on_the_31st_creates_the_month_end_next() {
        let mut v = task(vec![
            ("due", at(2024, 1, 31, 9)),
            ("repeat", Value::Text("monthly".into())),
        ]);
        let (errs, next) = apply(
            None,
            &mut v,
            1,
            &crate::domain::records::time_zone::Zone::default(),
        );
        assert!(errs.is_empty() && next.is_none());
        assert_eq!(v.get("occurrence"), Some(&Value::Number(1.0)));
        let before = record(v.clone());
        v.insert("done", Value::Bool(true));
        let (errs, next) = apply(
            Some(&before),
            &mut v,
            2,
            &crate::domain::records::time_zone::Zone::default(),
        );
        assert!(errs.is_empty());
        let next = next.expect("a next occurrence");
        assert_eq!(next.get("due"), Some(&at(2024, 2, 29, 9)));
        assert_eq!(next.get("occurrence"), Some(&Value::Number(2.0)));
        assert_eq!(next.get("done"), Some(&Value::Bool(false)));
        assert_eq!(v.get("continued"), Some(&Value::Bool(true)));
        assert!(matches!(v.get("done_at"), Some(Value::DateTime(_))));

        // Its own completion follows the series' start, not the clamped date.
        let mut second = next;
        let before2 = record(second.clone());
        second.insert("done", Value::Bool(true));
        let (_, third) = apply(
            Some(&before2),
            &mut second,
            3,
            &crate::domain::records::time_zone::Zone::default(),
        );
        assert_eq!(third.unwrap().get("due"), Some(&at(2024, 3, 31, 9)));
    }

    #[test]
    fn completing_twice_or_past_the_end_creates_nothing_more() {
        let mut v = task(vec![
            ("due", at(2025, 3, 3, 8)),
            ("repeat", Value::Text("daily".into())),
            ("repeat_count", Value::Number(1.0)),
        ]);
        apply(
            None,
            &mut v,
            1,
            &crate::domain::records::time_zone::Zone::default(),
        );
        let before = record(v.clone());
        v.insert("done", Value::Bool(true));
        assert!(apply(
            Some(&before),
            &mut v,
            2,
            &crate::domain::records::time_zone::Zone::default()
        )
        .1
        .is_none());

        let mut w = task(vec![
            ("due", at(2025, 3, 3, 8)),
            ("repeat", Value::Text("daily".into())),
            ("done", Value::Bool(true)),
            ("continued", Value::Bool(true)),
        ]);
        let undone = record(task(vec![]));
        assert!(apply(
            Some(&undone),
            &mut w,
            2,
            &crate::domain::records::time_zone::Zone::default()
        )
        .1
        .is_none());
    }

    #[test]
    fn weekly_keeps_the_local_time_across_the_offset() {
        // 23:30 in Tehran (+03:30) is 20:00 UTC; Monday and Thursday.
        let mut v = task(vec![
            ("due", at(2026, 11, 23, 20)),
            ("repeat", Value::Text("weekly".into())),
            (
                "repeat_weekdays",
                Value::List(vec!["mon".into(), "thu".into()]),
            ),
            ("done", Value::Bool(true)),
        ]);
        let (errs, next) = apply(
            Some(&record(task(vec![]))),
            &mut v,
            1,
            &crate::domain::records::time_zone::Zone::fixed(210),
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            v.get("series_start"),
            Some(&Value::Date(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()))
        );
        assert_eq!(next.unwrap().get("due"), Some(&at(2026, 11, 26, 20)));
    }

    #[test]
    fn a_weekly_nine_oclock_meeting_stays_at_nine_after_the_clocks_change() {
        // Berlin goes from +01:00 to +02:00 on Sunday 29 March 2026.
        let berlin = crate::domain::records::time_zone::tests::berlin();
        let mut v = task(vec![
            ("kind", Value::Text("meeting".into())),
            ("due", at(2026, 3, 23, 8)), // Monday 09:00 in Berlin
            ("repeat", Value::Text("weekly".into())),
            ("repeat_weekdays", Value::List(vec!["mon".into()])),
        ]);
        let (errs, _) = apply(None, &mut v, 1, &berlin);
        assert!(errs.is_empty(), "{errs:?}");
        let before = record(v.clone());
        v.insert("done", Value::Bool(true));
        let (errs, next) = apply(Some(&before), &mut v, 2, &berlin);
        assert!(errs.is_empty(), "{errs:?}");
        let next = next.expect("the next meeting");
        // 09:00 in summer time is 07:00 UTC, not the 08:00 a fixed offset gives.
        assert_eq!(next.get("due"), Some(&at(2026, 3, 30, 7)));
        // And back in winter time in October.
        let mut autumn = task(vec![
            ("kind", Value::Text("meeting".into())),
            ("due", at(2026, 10, 19, 7)), // Monday 09:00 summer time
            ("repeat", Value::Text("weekly".into())),
            ("repeat_weekdays", Value::List(vec!["mon".into()])),
        ]);
        apply(None, &mut autumn, 1, &berlin);
        let before = record(autumn.clone());
        autumn.insert("done", Value::Bool(true));
        let (_, next) = apply(Some(&before), &mut autumn, 2, &berlin);
        assert_eq!(next.unwrap().get("due"), Some(&at(2026, 10, 26, 8)));
    }

    #[test]
    fn broken_repeat_rules_name_their_field() {
        let cases = vec![
            (
                vec![
                    ("repeat", Value::Text("weekly".into())),
                    ("due", at(2025, 1, 1, 1)),
                ],
                "repeat_weekdays",
            ),
            (vec![("repeat", Value::Text("daily".into()))], "due"),
            (
                vec![
                    ("repeat", Value::Text("daily".into())),
                    ("due", at(2025, 1, 1, 1)),
                    ("repeat_interval", Value::Number(0.0)),
                ],
                "repeat_interval",
            ),
            (
                vec![
                    ("repeat", Value::Text("daily".into())),
                    ("due", at(2025, 1, 1, 1)),
                    ("repeat_count", Value::Number(0.0)),
                ],
                "repeat_count",
            ),
            (
                vec![
                    ("repeat", Value::Text("daily".into())),
                    ("due", at(2025, 1, 1, 1)),
                    (
                        "repeat_until",
                        Value::Date(NaiveDate::from_ymd_opt(2024, 12, 1).unwrap()),
                    ),
                ],
                "repeat_until",
            ),
            (vec![("duration", Value::Number(-5.0))], "duration"),
        ];
        for (pairs, field) in cases {
            let mut v = task(pairs);
            let (errs, next) = apply(
                None,
                &mut v,
                1,
                &crate::domain::records::time_zone::Zone::default(),
            );
            assert_eq!(errs.len(), 1, "{field}: {errs:?}");
            assert_eq!(errs[0].field, field);
            assert!(next.is_none());
        }
    }

    #[test]
    fn a_task_without_repeat_sheds_series_fields_and_undone_sheds_done_at() {
        let mut v = task(vec![
            ("occurrence", Value::Number(3.0)),
            ("done_at", at(2025, 1, 1, 1)),
        ]);
        apply(
            None,
            &mut v,
            1,
            &crate::domain::records::time_zone::Zone::default(),
        );
        assert!(!v.contains_key("occurrence"));
        assert!(!v.contains_key("done_at"));
    }
}
