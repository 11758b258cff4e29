//! A day typed or picked in the user's calendar, handed on as `YYYY-MM-DD`: the
//! browser's date picker for Gregorian, and in another calendar a text box that
//! reads the calendar's own dates (1405/09/13), since the picker is Gregorian only.

use leptos::prelude::*;

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::date_range::parse_day;
use crate::ui::kit::state::{now, use_state};

/// `value` is the day as `YYYY-MM-DD` ("" for none); `on_day` gets the day chosen,
/// or "" when the box is emptied or holds no date of the calendar.
/// Today as `calendar` writes it (1405/09/13): the example a typed day follows.
pub fn today_written(calendar: CalendarSystem) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(now())
        .and_then(|t| calendar.format_iso_like(t.date_naive()))
}

#[component]
pub fn DayInput(
    #[prop(into)] id: String,
    #[prop(into)] value: Signal<String>,
    on_day: Callback<String>,
) -> impl IntoView {
    let st = use_state();
    let calendar = untrack(|| st.calendar());
    if calendar == CalendarSystem::Gregorian {
        return view! {
            <input
                id=id
                type="date"
                prop:value=move || value.get()
                on:change=move |ev| on_day.run(event_target_value(&ev))
            />
        }
        .into_any();
    }
    let shown = move |iso: &str| {
        parse_day(iso)
            .and_then(|d| calendar.format_iso_like(d))
            .unwrap_or_default()
    };
    let text = RwSignal::new(untrack(|| shown(&value.get())));
    // A day set from outside (a cleared filter) is shown; what the user is typing is
    // kept while it is not yet a day.
    Effect::new(move |_| {
        let day = value.get();
        let typed = text.get_untracked();
        let typed_day = calendar
            .parse(&typed)
            .map(|d| d.to_string())
            .unwrap_or_default();
        if typed_day != day {
            text.set(shown(&day));
        }
    });
    let unreadable = move || {
        let typed = text.get();
        !typed.trim().is_empty() && calendar.parse(&typed).is_none()
    };
    let hint = today_written(calendar);
    view! {
        <input
            id=id
            type="text"
            inputmode="numeric"
            dir="ltr"
            autocomplete="off"
            placeholder=hint
            aria-invalid=move || unreadable().then_some("true")
            prop:value=move || text.get()
            on:input=move |ev| text.set(event_target_value(&ev))
            on:change=move |ev| {
                let typed = event_target_value(&ev);
                let day = calendar.parse(&typed).map(|d| d.to_string()).unwrap_or_default();
                on_day.run(day);
            }
        />
    }
    .into_any()
}
