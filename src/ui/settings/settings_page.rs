//! Settings of this browser (who is using it, the base currency, notifications) and
//! the ways in to the team, pipelines and exchange rates. The first two are kept in
//! the browser and carried by the backup (`AppState::backup_settings`).

use leptos::prelude::*;

use crate::domain::interchange::backup::valid_currency;
use crate::domain::modules::analytics_modules::QUOTAS;
use crate::domain::modules::lead_module::{ASSIGNMENT_RULES, SCORING_RULES, TERRITORIES};
use crate::domain::modules::sales_modules::RATES;
use crate::domain::modules::standard_modules::MEMBERS;
use crate::i18n::{t, tr};
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{tk, use_state};
use crate::ui::kit::user_select::user_options;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let st = use_state();
    let currency_error = RwSignal::new(false);
    let permission = RwSignal::new(crate::ui::activities::reminders::permission());
    view! {
        <section class="page settings-page">
            <h1>{tk("settings.title")}</h1>
            <section class="record-section">
                <h2>{tk("settings.you")}</h2>
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
                <p>
                    <a class="button" href=Route::List(MEMBERS.into()).href()>{tk("settings.team")}</a>
                </p>
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
                <p class="actions">
                    <a class="button" href=Route::Pipelines(String::new()).href()>{tk("settings.pipelines")}</a>
                    <a class="button" href=Route::List(RATES.into()).href()>{tk("settings.rates")}</a>
                    <a class="button" href=Route::List(QUOTAS.into()).href()>{tk("settings.quotas")}</a>
                </p>
            </section>
            <section class="record-section">
                <h2>{tk("settings.leads")}</h2>
                <p>{tk("settings.leads_help")}</p>
                <p class="actions">
                    <a class="button" href=Route::List(SCORING_RULES.into()).href()>{tk("module.scoring_rules.many")}</a>
                    <a class="button" href=Route::List(TERRITORIES.into()).href()>{tk("module.territories.many")}</a>
                    <a class="button" href=Route::List(ASSIGNMENT_RULES.into()).href()>{tk("module.assignment_rules.many")}</a>
                </p>
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
