//! The calendar: a month or week of activities with due times, and a way to add an
//! activity on any day.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use leptos::prelude::*;

use crate::domain::activities::activity_rules::{due, local_date};
use crate::domain::activities::agenda::{
    agenda_set, by_day, is_done, month_grid, new_on_day, week_of,
};
use crate::i18n::{t, tr, Locale};
use crate::ui::kit::format::{date, week_start};
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{now, tk, use_state, utc_offset};

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

fn month_title(l: Locale, d: NaiveDate) -> String {
    let js = js_sys::Date::new_with_year_month_day(d.year() as u32, d.month0() as i32, 1);
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"year".into(), &"numeric".into());
    let _ = js_sys::Reflect::set(&opts, &"month".into(), &"long".into());
    // The grid is Gregorian; the title must name the same month in every language.
    let _ = js_sys::Reflect::set(&opts, &"calendar".into(), &"gregory".into());
    String::from(js.to_locale_date_string(l.code(), &opts))
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
            month_grid(anchor.year(), anchor.month(), week_start(l))
        }
    };
    let (prev, next) = if week {
        (anchor - Duration::days(7), anchor + Duration::days(7))
    } else {
        let first = anchor.with_day(1).unwrap_or(anchor);
        let prev = (first - Duration::days(1)).with_day(1).unwrap_or(first);
        let next = (first + Duration::days(32)).with_day(1).unwrap_or(first);
        (prev, next)
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
                    ds.into_iter()
                        .map(|day| {
                            let other_month = !week && day.month() != anchor.month();
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
                                                    let local = t.naive_utc() + Duration::minutes(utc_offset() as i64);
                                                    local.format("%H:%M").to_string()
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
                                    class:today={day == today}
                                    role="listitem"
                                    aria-label=day_label.clone()
                                >
                                    <div class="calendar-day-head">
                                        <span class="weekday">{weekday}</span>
                                        <span class="day-number">{crate::ui::kit::format::number(l, day.day() as f64)}</span>
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
