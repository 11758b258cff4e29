//! Choosing people: the options for a select of team members, and the "whose"
//! filter (everyone, mine, or one person) that lists, the board and My work share.

use leptos::prelude::*;

use crate::ui::kit::format::user_name;
use crate::ui::kit::state::{tk, use_state, AppState};

/// One `<option>` per user (this browser's own, then team members by name), the
/// one equal to `selected` chosen.
pub fn user_options(
    st: AppState,
    selected: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    options_of_users(st, selected, false)
}

/// The options, without the current user when `not_me` (a filter that offers
/// "Mine" already: the same person twice under two names looked unfinished).
fn options_of_users(
    st: AppState,
    selected: impl Fn() -> String + Send + Sync + 'static,
    not_me: bool,
) -> impl IntoView {
    move || {
        let l = st.locale.get();
        let current = selected();
        let me = st.current_user.get();
        st.data.with(|d| {
            d.user_ids()
                .into_iter()
                .filter(|u| !(not_me && *u == me))
                .map(|u| {
                    let name = user_name(l, d, &u);
                    let is = u == current;
                    view! { <option value=u selected=is>{name}</option> }
                })
                .collect_view()
        })
    }
}

/// The user a "whose" choice means: `None` for everyone, the current user for
/// "mine", or the chosen person.
pub fn whose_user(st: AppState, whose: &str) -> Option<String> {
    match whose {
        "" => None,
        "@me" => Some(st.current_user.get()),
        other => Some(other.to_string()),
    }
}

/// A labelled select: everyone, mine, or one person; the value goes to `whose`.
#[component]
pub fn WhoseFilter(
    id: &'static str,
    label_key: &'static str,
    whose: RwSignal<String>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let st = use_state();
    let start = whose.get_untracked();
    let class = if class.is_empty() { "field" } else { class };
    view! {
        <div class=class>
            <label for=id>{tk(label_key)}</label>
            <select id=id on:change=move |ev| whose.set(event_target_value(&ev))>
                <option value="" selected=start.is_empty()>{tk("filter.everyone")}</option>
                <option value="@me" selected=start == "@me">{tk("filter.mine")}</option>
                {options_of_users(st, move || whose.get_untracked(), true)}
            </select>
        </div>
    }
}
