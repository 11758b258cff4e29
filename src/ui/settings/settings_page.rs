//! Settings of this browser (who is using it, the base currency, notifications) and
//! the ways in to the settings-like modules (the team, pipelines, exchange rates, …),
//! each placed in a section by its definition. The first two are kept in the browser
//! and carried by the backup (`AppState::backup_settings`).

use leptos::prelude::*;

use crate::domain::interchange::backup::valid_currency;
use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::module_def::SettingsSection;
use crate::domain::records::written_formats::DecimalMark;
use crate::domain::Label;
use crate::domain::Money;
use crate::i18n::{label, t, tr};
use crate::ui::kit::format::money_as;
use crate::ui::kit::personal::CURRENCY_DISPLAYS;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{tk, use_state, AppState};
use crate::ui::kit::time_zone::{device_zone_label, zone_choices};
use crate::ui::kit::user_select::user_options;

/// Links to the settings-like modules the definitions place in `section`, in schema
/// order: each to its own page when it has one, else to its list.
fn module_links(st: AppState, section: SettingsSection) -> impl IntoView {
    let links: Vec<(String, Option<String>, Label)> = st.data.with_untracked(|d| {
        d.schema
            .settings_in(section)
            .map(|m| {
                let words = m.settings.as_ref().and_then(|s| s.label.clone());
                (Route::of_module(m).href(), words, m.plural.clone())
            })
            .collect()
    });
    links
        .into_iter()
        .map(|(href, words, plural)| {
            let text = move || {
                let l = st.locale.get();
                match &words {
                    Some(key) => t(l, key),
                    None => label(l, &plural),
                }
            };
            view! { <a class="button" href=href>{text}</a> }
        })
        .collect_view()
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let st = use_state();
    let currency_error = RwSignal::new(false);
    // Bumped when the member changes how amounts name their currency.
    let display_choice = RwSignal::new(0u32);
    let permission = RwSignal::new(crate::ui::activities::reminders::permission());
    view! {
        <section class="page settings-page">
            <h1>{tk("settings.title")}</h1>
            <section class="record-section">
                <h2>{tk("settings.you")}</h2>
                <p class="help">{tk("settings.personal_help")}</p>
                <div class="field">
                    <label for="current-user">{tk("settings.current_user")}</label>
                    <select
                        id="current-user"
                        aria-describedby="current-user-help"
                        on:change=move |ev| st.set_current_user(event_target_value(&ev))
                    >
                        {user_options(st, move || st.current_user.get())}
                    </select>
                    <p class="help" id="current-user-help">{tk("settings.current_user_help")}</p>
                </div>
                <div class="field">
                    <label for="calendar">{tk("settings.calendar")}</label>
                    <select
                        id="calendar"
                        aria-describedby="calendar-help"
                        // The options say the first choice; the value follows every
                        // later one (a select the user touched ignores `selected`).
                        prop:value=move || st.calendar_choice.get().map_or("", CalendarSystem::key)
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            st.set_calendar(CalendarSystem::from_key(&v));
                        }
                    >
                        {move || {
                            let l = st.locale.get();
                            let chosen = st.calendar_choice.get();
                            let own = CalendarSystem::for_locale_default(l.code());
                            let default = tr(l, "settings.calendar_default", &[("calendar", &t(l, own.name_key()))]);
                            let mut options = vec![view! { <option value="" selected=chosen.is_none()>{default}</option> }.into_any()];
                            options.extend(CalendarSystem::ALL.into_iter().map(|c| view! {
                                <option value=c.key() selected=chosen == Some(c)>{t(l, c.name_key())}</option>
                            }.into_any()));
                            options
                        }}
                    </select>
                    <p class="help" id="calendar-help">{tk("settings.calendar_help")}</p>
                </div>
                <div class="field">
                    <label for="number-format">{tk("settings.numbers")}</label>
                    <select
                        id="number-format"
                        aria-describedby="number-format-help"
                        prop:value=move || st.decimal_choice.get().map_or("", |m| m.key())
                        on:change=move |ev| st.set_decimal_mark(DecimalMark::from_key(&event_target_value(&ev)))
                    >
                        {move || {
                            let l = st.locale.get();
                            let chosen = st.decimal_choice.get();
                            let own = DecimalMark::for_language(l.code());
                            let default = tr(l, "settings.numbers_default", &[("format", own.example())]);
                            let mut options = vec![view! { <option value="" selected=chosen.is_none()>{default}</option> }.into_any()];
                            options.extend(DecimalMark::ALL.into_iter().map(|m| view! {
                                <option value=m.key() selected=chosen == Some(m)>{t(l, m.name_key())}</option>
                            }.into_any()));
                            options
                        }}
                    </select>
                    <p class="help" id="number-format-help">{tk("settings.numbers_help")}</p>
                </div>
                <div class="field">
                    <label for="currency-display">{tk("settings.currency_display")}</label>
                    <select
                        id="currency-display"
                        aria-describedby="currency-display-help"
                        prop:value=move || {
                            st.current_user.track();
                            display_choice.track();
                            crate::ui::kit::personal::currency_display()
                        }
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            crate::ui::kit::personal::update(|p| p.currency_display = Some(v));
                            display_choice.update(|n| *n += 1);
                        }
                    >
                        {move || {
                            let l = st.locale.get();
                            st.current_user.track();
                            let chosen = crate::ui::kit::personal::currency_display();
                            let example = Money {
                                amount: rust_decimal::Decimal::new(123_456, 2),
                                currency: st.base_currency.get(),
                            };
                            CURRENCY_DISPLAYS.into_iter().map(|d| {
                                let text = money_as(l, &example, d);
                                view! { <option value=d selected=chosen == d>{text}</option> }
                            }).collect_view()
                        }}
                    </select>
                    <p class="help" id="currency-display-help">{tk("settings.currency_display_help")}</p>
                </div>
                <div class="field">
                    <label for="time-zone">{tk("settings.time_zone")}</label>
                    <select
                        id="time-zone"
                        aria-describedby="time-zone-help"
                        prop:value=move || st.zone_name.get()
                        on:change=move |ev| st.set_zone_name(event_target_value(&ev))
                    >
                        {move || {
                            let l = st.locale.get();
                            let chosen = st.zone_name.get();
                            let device = tr(l, "settings.time_zone_device", &[("zone", &device_zone_label(l.intl_tag()))]);
                            let mut options = vec![view! { <option value="" selected=chosen.is_empty()>{device}</option> }.into_any()];
                            options.extend(zone_choices(l.intl_tag(), &chosen).into_iter().map(|(z, name)| {
                                let selected = z == chosen;
                                view! { <option value=z selected=selected>{name}</option> }.into_any()
                            }));
                            options
                        }}
                    </select>
                    <p class="help" id="time-zone-help">{tk("settings.time_zone_help")}</p>
                </div>
                <p>{module_links(st, SettingsSection::You)}</p>
            </section>
            <section class="record-section">
                <h2>{tk("schema.title")}</h2>
                <p>{tk("schema.settings_help")}</p>
                <p><a class="button" href=Route::Schema(String::new()).href()>{tk("schema.open")}</a></p>
            </section>
            <section class="record-section">
                <h2>{tk("settings.sales")}</h2>
                <div class="field" class:field-invalid=move || currency_error.get()>
                    <label for="base-currency">{tk("settings.base_currency")}</label>
                    <input
                        id="base-currency"
                        dir="ltr"
                        maxlength="3"
                        aria-describedby="base-currency-help"
                        aria-invalid=move || currency_error.get().then_some("true")
                        prop:value=move || st.base_currency.get()
                        on:change=move |ev| {
                            let code = event_target_value(&ev).trim().to_ascii_uppercase();
                            if valid_currency(&code) {
                                currency_error.set(false);
                                st.set_base_currency(code);
                            } else {
                                currency_error.set(true);
                            }
                        }
                    />
                    <p class="help" id="base-currency-help">
                        {move || {
                            let l = st.locale.get();
                            if currency_error.get() {
                                t(l, "settings.base_currency_invalid")
                            } else {
                                t(l, "settings.base_currency_help")
                            }
                        }}
                    </p>
                </div>
                <p class="actions">{module_links(st, SettingsSection::Sales)}</p>
            </section>
            <section class="record-section">
                <h2>{tk("settings.leads")}</h2>
                <p>{tk("settings.leads_help")}</p>
                <p class="actions">{module_links(st, SettingsSection::Leads)}</p>
            </section>
            <section class="record-section">
                <h2>{tk("settings.automation")}</h2>
                <p>{tk("settings.automation_help")}</p>
                <p class="actions">{module_links(st, SettingsSection::Automation)}</p>
            </section>
            <section class="record-section">
                <h2>{tk("settings.reminders")}</h2>
                <p>{tk("settings.reminders_help")}</p>
                <p>
                    {move || {
                        let l = st.locale.get();
                        tr(l, "settings.notifications_state", &[("state", &t(l, &format!("notify.{}", permission.get())))])
                    }}
                </p>
                <button
                    type="button"
                    disabled=move || permission.get() != "default"
                    on:click=move |_| crate::ui::activities::reminders::ask_permission(permission)
                >
                    {tk("settings.allow_notifications")}
                </button>
            </section>
        </section>
    }
}
