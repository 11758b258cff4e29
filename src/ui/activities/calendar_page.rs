//! The calendar: a month or week of activities with due times, and a way to add an
//! activity on any day.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use leptos::prelude::*;

use crate::domain::activities::activity_rules::{due, local_date};
use crate::domain::activities::agenda::{agenda_set, by_day, is_done, new_on_day, week_of};
use crate::i18n::{t, tr, Locale};
use crate::ui::kit::format::{date, in_calendar, week_start};
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{now, tk, use_state, utc_offset};
use crate::ui::kit::time_zone::{calendar_for, zone};

fn weekday_key(w: Weekday) -> &'static str {
    [
        "weekday.mon",
        "weekday.tue",
        "weekday.wed",
        "weekday.thu",
        "weekday.fri",
        "weekday.sat",
        "weekday.sun",
    ][w.num_days_from_monday() as usize]
}

/// The month's name and year in the user's calendar (Azar 1405 in Persian).
fn month_title(l: Locale, d: NaiveDate) -> String {
    in_calendar(
        l,
        calendar_for(l).month_start(d),
        &[("year", "numeric"), ("month", "long")],
    )
}

#[component]
pub fn CalendarPage(view: String, day: String) -> impl IntoView {
    let st = use_state();
    let today = chrono::DateTime::from_timestamp_millis(now())
        .map(|t| local_date(t, utc_offset()))
        .unwrap_or_default();
    let anchor: NaiveDate = crate::domain::activities::agenda::linked_day(&day, today);
    let week = view == "week";
    let days = move || {
        let l = st.locale.get();
        if week {
            week_of(anchor, week_start(l))
        } else {
            // The month of the user's calendar: Azar runs 22 November to 21 December.
            calendar_for(l).month_grid(anchor, week_start(l))
        }
    };
    let (prev, next) = if week {
        (anchor - Duration::days(7), anchor + Duration::days(7))
    } else {
        let cal = calendar_for(st.locale.get_untracked());
        let first = cal.month_start(anchor);
        let step = |n: i32| cal.add_months(first, n).unwrap_or(first);
        (step(-1), step(1))
    };
    let mode = if week { "week" } else { "month" };
    let href = move |d: NaiveDate| Route::Calendar(mode.into(), d.to_string()).href();
    let title = move || {
        let l = st.locale.get();
        if week {
            let ds = days();
            tr(
                l,
                "calendar.week_of",
                &[("from", &date(l, ds[0])), ("to", &date(l, ds[6]))],
            )
        } else {
            month_title(l, anchor)
        }
    };
    view! {
        <section class="page calendar-page">
            <div class="page-head">
                <h1>{tk("calendar.title")} ": " {title}</h1>
                <nav class="actions" aria-label=tk("calendar.navigation")>
                    <a class="button" href=href(prev)>{tk("calendar.previous")}</a>
                    <a class="button" href=href(today)>{tk("calendar.today")}</a>
                    <a class="button" href=href(next)>{tk("calendar.next")}</a>
                    <a
                        class="button"
                        aria-current=(!week).then_some("page")
                        href=Route::Calendar("month".into(), anchor.to_string()).href()
                    >
                        {tk("calendar.month")}
                    </a>
                    <a
                        class="button"
                        aria-current=week.then_some("page")
                        href=Route::Calendar("week".into(), anchor.to_string()).href()
                    >
                        {tk("calendar.week")}
                    </a>
                </nav>
            </div>
            <div class="calendar-grid" class:week-view=week role="list">
                {move || {
                    let l = st.locale.get();
                    let ds = days();
                    let (from, to) = (ds[0], ds[ds.len() - 1]);
                    let found = st.data.with(|d| by_day(d, None, from, to, utc_offset()));
                    let zone = zone();
                    ds.into_iter()
                        .map(|day| {
                            let cal = calendar_for(l);
                            let other_month = !week && cal.month_start(day) != cal.month_start(anchor);
                            let items = st.data.with(|d| {
                                let set = agenda_set(d)?;
                                Some(
                                    found
                                        .get(&day)
                                        .cloned()
                                        .unwrap_or_default()
                                        .into_iter()
                                        .filter_map(|s| set.at(s))
                                        .map(|r| {
                                            let time = due(&r.values)
                                                .map(|t| {
                                                    zone.to_local(t).format("%H:%M").to_string()
                                                })
                                                .unwrap_or_default();
                                            let href = Route::View(set.module.key.clone(), r.id.clone()).href();
                                            let title = set.module.title_of(r);
                                            let done = is_done(r);
                                            view! {
                                                <li class:done=done>
                                                    <a href=href dir="auto">
                                                        <span class="time" dir="ltr">{time}</span>
                                                        " "
                                                        {title}
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view(),
                                )
                            });
                            let add = st
                                .data
                                .with(|d| new_on_day(d, day))
                                .map(|(module, prefill)| Route::New(module, prefill).href())
                                .unwrap_or_default();
                            let day_label = date(l, day);
                            let add_label = tr(l, "calendar.add_on", &[("date", &day_label)]);
                            let weekday = t(l, weekday_key(day.weekday()));
                            view! {
                                <div
                                    class="calendar-day"
                                    class:other-month=other_month
                                    class:weekend=l.weekend().contains(&day.weekday())
                                    class:today={day == today}
                                    role="listitem"
                                    aria-label=day_label.clone()
                                >
                                    <div class="calendar-day-head">
                                        <span class="weekday">{weekday}</span>
                                        <span class="day-number">{crate::ui::kit::format::number(l, cal.parts(day).map_or(day.day(), |p| p.2) as f64)}</span>
                                        <a class="add-here" href=add aria-label=add_label>"+"</a>
                                    </div>
                                    <ul>{items}</ul>
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </div>
        </section>
    }
}
