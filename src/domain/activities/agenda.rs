//! Activities in time: "My work" (overdue, today, upcoming), the calendar's days, and
//! which activities fall due between two moments (the reminders).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeZone, Utc};

use crate::domain::activities::activity_rules::{due, local_date};
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::{Dataset, RecordSet};
use crate::domain::records::search::Slot;
use crate::domain::records::value::Value;

/// The records of the agenda module (the one whose definition names its due and
/// done fields): what My work, the calendar and the reminders list.
pub fn agenda_set(data: &Dataset) -> Option<&RecordSet> {
    data.set(&data.schema.agenda_module()?.key)
}

/// The agenda module's key, for links to its records.
pub fn agenda_module(data: &Dataset) -> Option<String> {
    data.schema.agenda_module().map(|m| m.key.clone())
}

/// The change that completes an agenda record (one click): (module, fields to set).
pub fn completion(data: &Dataset) -> Option<(String, Vec<(String, Value)>)> {
    let m = data.schema.agenda_module()?;
    let done = &m.agenda.as_ref()?.done;
    Some((m.key.clone(), vec![(done.clone(), Value::Bool(true))]))
}

/// A new agenda record due on `day` at 09:00, as (module, form prefill).
pub fn new_on_day(data: &Dataset, day: NaiveDate) -> Option<(String, Vec<(String, String)>)> {
    let m = data.schema.agenda_module()?;
    let due = &m.agenda.as_ref()?.due;
    Some((m.key.clone(), vec![(due.clone(), format!("{day}T09:00"))]))
}

pub fn is_done(r: &Record) -> bool {
    matches!(r.get("done"), Some(Value::Bool(true)))
}

/// Who an activity is for: its assignee, else its owner.
pub fn assignee(r: &Record) -> Option<&str> {
    match r.get("assignee") {
        Some(Value::Ref(u)) => Some(u),
        _ => r.owner.as_deref(),
    }
}

fn due_ms(r: &Record) -> Option<Timestamp> {
    due(&r.values).map(|t| t.timestamp_millis())
}

#[derive(Debug, Default, PartialEq)]
pub struct Work {
    pub overdue: Vec<Slot>,
    pub today: Vec<Slot>,
    pub upcoming: Vec<Slot>,
    /// Open tasks with no due date.
    pub undated: Vec<Slot>,
}

/// Open activities of `user` (everyone's when `None`), by due time.
pub fn my_work(data: &Dataset, user: Option<&str>, now: Timestamp, utc_offset: i32) -> Work {
    let mut work = Work::default();
    let Some(set) = agenda_set(data) else {
        return work;
    };
    let today = Utc
        .timestamp_millis_opt(now)
        .single()
        .map(|t| local_date(t, utc_offset));
    let mut dated: Vec<(Timestamp, Slot)> = Vec::new();
    for (slot, r) in set.iter() {
        if is_done(r) || user.is_some_and(|u| assignee(r) != Some(u)) {
            continue;
        }
        match due_ms(r) {
            Some(t) => dated.push((t, slot)),
            None => work.undated.push(slot),
        }
    }
    dated.sort();
    for (t, slot) in dated {
        let day = Utc
            .timestamp_millis_opt(t)
            .single()
            .map(|d| local_date(d, utc_offset));
        if t < now && day != today {
            work.overdue.push(slot);
        } else if day == today {
            work.today.push(slot);
        } else {
            work.upcoming.push(slot);
        }
    }
    work
}

pub use crate::domain::records::local_days::week_of;

/// Activities with a due time between two local dates (inclusive), by local day.
pub fn by_day(
    data: &Dataset,
    user: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    utc_offset: i32,
) -> BTreeMap<NaiveDate, Vec<Slot>> {
    let mut out: BTreeMap<NaiveDate, Vec<(Timestamp, Slot)>> = BTreeMap::new();
    if let Some(set) = agenda_set(data) {
        for (slot, r) in set.iter() {
            if user.is_some_and(|u| assignee(r) != Some(u)) {
                continue;
            }
            let Some(t) = due(&r.values) else { continue };
            let day = local_date(t, utc_offset);
            if day >= from && day <= to {
                out.entry(day)
                    .or_default()
                    .push((t.timestamp_millis(), slot));
            }
        }
    }
    out.into_iter()
        .map(|(d, mut v)| {
            v.sort();
            (d, v.into_iter().map(|(_, s)| s).collect())
        })
        .collect()
}

/// Open activities that fell due after `after` and by `until` (milliseconds): what a
/// reminder announces when the clock passes them.
pub fn due_between(data: &Dataset, after: Timestamp, until: Timestamp) -> Vec<Slot> {
    let Some(set) = agenda_set(data) else {
        return Vec::new();
    };
    let mut out: Vec<(Timestamp, Slot)> = set
        .iter()
        .filter(|(_, r)| !is_done(r))
        .filter_map(|(s, r)| due_ms(r).map(|t| (t, s)))
        .filter(|(t, _)| *t > after && *t <= until)
        .collect();
    out.sort();
    out.into_iter().map(|(_, s)| s).collect()
}

/// The day a calendar link names, if it is one a person could mean: years 1000 to
/// 9999, the range validation accepts. A crafted link (`+262142-12-31`, the last day
/// the date type holds) would overflow the calendar's arithmetic, and since the link
/// stays in the address, crash every reload; it shows `today` instead.
pub fn linked_day(text: &str, today: NaiveDate) -> NaiveDate {
    match text.parse::<NaiveDate>() {
        Ok(d) if (1000..=9999).contains(&d.year()) => d,
        _ => today,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::activity_module::ACTIVITIES;
    use chrono::{Duration, Weekday};

    #[test]
    fn the_agenda_module_and_its_fields_come_from_the_definitions() {
        let d = Dataset::new(crate::domain::modules::standard_modules::standard_schema());
        assert_eq!(agenda_module(&d).as_deref(), Some(ACTIVITIES));
        assert_eq!(
            completion(&d),
            Some((
                ACTIVITIES.to_string(),
                vec![("done".to_string(), Value::Bool(true))]
            ))
        );
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(
            new_on_day(&d, day),
            Some((
                ACTIVITIES.to_string(),
                vec![("due".to_string(), "2026-12-03T09:00".to_string())]
            ))
        );
    }
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::FieldValues;

    #[test]
    fn a_calendar_link_outside_the_years_people_use_shows_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(linked_day("+262142-12-31", today), today);
        assert_eq!(linked_day("0999-01-01", today), today);
        assert_eq!(linked_day("not a day", today), today);
        let last = linked_day("9999-12-31", today);
        assert_eq!(last, NaiveDate::from_ymd_opt(9999, 12, 31).unwrap());
        // The grids around the last day accepted still compute.
        assert_eq!(week_of(last, Weekday::Mon).len(), 7);
        let grid = crate::domain::records::calendar_system::CalendarSystem::Gregorian;
        assert!(!grid.month_grid(last, Weekday::Sat).is_empty());
    }

    fn ms(y: i32, m: u32, d: u32, h: u32) -> Timestamp {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .timestamp_millis()
    }

    fn activity(id: &str, due_at: Option<Timestamp>, done: bool, who: Option<&str>) -> Record {
        let mut v: FieldValues = [
            ("subject".to_string(), Value::Text(id.into())),
            ("kind".to_string(), Value::Text("task".into())),
            ("done".to_string(), Value::Bool(done)),
        ]
        .into();
        if let Some(t) = due_at {
            v.insert("due", Value::DateTime(Utc.timestamp_millis_opt(t).unwrap()));
        }
        if let Some(w) = who {
            v.insert("assignee", Value::Ref(w.into()));
        }
        Record::new(id.into(), ACTIVITIES, 1, Some(LOCAL_USER.into()), v)
    }

    fn ids(d: &Dataset, slots: &[Slot]) -> Vec<String> {
        let set = d.set(ACTIVITIES).unwrap();
        slots
            .iter()
            .map(|s| set.at(*s).unwrap().id.clone())
            .collect()
    }

    #[test]
    fn work_splits_into_overdue_today_and_upcoming_by_local_day() {
        let mut d = Dataset::new(standard_schema());
        let now = ms(2026, 11, 24, 10);
        d.upsert(activity("late", Some(ms(2026, 11, 20, 9)), false, None));
        d.upsert(activity("done", Some(ms(2026, 11, 20, 9)), true, None));
        d.upsert(activity("morning", Some(ms(2026, 11, 24, 7)), false, None));
        d.upsert(activity("evening", Some(ms(2026, 11, 24, 18)), false, None));
        d.upsert(activity("later", Some(ms(2026, 12, 2, 9)), false, None));
        d.upsert(activity("someday", None, false, None));
        d.upsert(activity(
            "theirs",
            Some(ms(2026, 11, 24, 9)),
            false,
            Some("m1"),
        ));
        let w = my_work(&d, Some(LOCAL_USER), now, 0);
        assert_eq!(ids(&d, &w.overdue), vec!["late"]);
        // Earlier today is "today", not overdue.
        assert_eq!(ids(&d, &w.today), vec!["morning", "evening"]);
        assert_eq!(ids(&d, &w.upcoming), vec!["later"]);
        assert_eq!(ids(&d, &w.undated), vec!["someday"]);
        assert_eq!(my_work(&d, None, now, 0).today.len(), 3);
        // At UTC-11 it is still the 23rd: 18:00 UTC on the 24th is 07:00 local on the 24th.
        let west = my_work(&d, Some(LOCAL_USER), now, -11 * 60);
        assert_eq!(ids(&d, &west.upcoming)[0], "evening");
    }

    #[test]
    fn month_grids_are_whole_weeks_from_the_chosen_first_day() {
        let gregorian = crate::domain::records::calendar_system::CalendarSystem::Gregorian;
        let month_grid =
            |y, m, w| gregorian.month_grid(NaiveDate::from_ymd_opt(y, m, 1).unwrap(), w);
        let g = month_grid(2026, 2, Weekday::Mon);
        // 1 February 2026 is a Sunday: the grid starts on Monday 26 January and ends
        // on Sunday 1 March.
        assert_eq!(g.len(), 35);
        assert_eq!(g[0], NaiveDate::from_ymd_opt(2026, 1, 26).unwrap());
        let g = month_grid(2024, 2, Weekday::Sat);
        assert_eq!(g[0].weekday(), Weekday::Sat);
        assert!(g.contains(&NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()));
        assert_eq!(g.len() % 7, 0);
        let w = week_of(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), Weekday::Mon);
        assert_eq!(w[0], NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    }

    #[test]
    fn days_and_reminders_pick_the_right_activities() {
        let mut d = Dataset::new(standard_schema());
        d.upsert(activity("a", Some(ms(2026, 11, 24, 9)), false, None));
        d.upsert(activity("b", Some(ms(2026, 11, 24, 8)), false, None));
        d.upsert(activity("c", Some(ms(2026, 11, 25, 9)), true, None));
        let from = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let days = by_day(&d, None, from, from + Duration::days(1), 0);
        assert_eq!(ids(&d, &days[&from]), vec!["b", "a"]);
        assert_eq!(days.len(), 2);
        let due = due_between(&d, ms(2026, 11, 24, 8), ms(2026, 11, 25, 12));
        assert_eq!(
            ids(&d, &due),
            vec!["a"],
            "after is exclusive, done never reminds"
        );
    }
}
