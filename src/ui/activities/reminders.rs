//! In-app reminders: while the app is open, an activity that falls due raises a
//! notice, and a browser notification when the user allowed them.

use leptos::prelude::*;

use crate::domain::activities::agenda::{agenda_set, due_between};
use crate::i18n::{t, tr};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::state::{now, use_state};

/// "granted", "denied", "default", or "unsupported" when the browser has none.
pub fn permission() -> String {
    let has = web_sys::window()
        .map(|w| js_sys::Reflect::has(&w, &"Notification".into()).unwrap_or(false))
        .unwrap_or(false);
    if !has {
        return "unsupported".into();
    }
    match web_sys::Notification::permission() {
        web_sys::NotificationPermission::Granted => "granted",
        web_sys::NotificationPermission::Denied => "denied",
        _ => "default",
    }
    .into()
}

pub fn ask_permission(state: RwSignal<String>) {
    if let Ok(p) = web_sys::Notification::request_permission() {
        let cb = wasm_bindgen::closure::Closure::once(move |_: wasm_bindgen::JsValue| {
            state.set(permission());
        });
        let _ = p.then(&cb);
        // Called once by the browser, later: it must outlive this function.
        cb.forget();
    }
}

#[component]
pub fn Reminders() -> impl IntoView {
    let st = use_state();
    // Only what falls due from now on reminds; the overdue are in "My work".
    let last = StoredValue::new(now());
    let check = move || {
        let until = now();
        let after = last.get_value();
        last.set_value(until);
        let l = st.locale.get_untracked();
        let due: Vec<String> = st.data.with_untracked(|d| {
            let Some(set) = agenda_set(d) else {
                return Vec::new();
            };
            due_between(d, after, until)
                .into_iter()
                .filter_map(|s| set.at(s).map(|r| set.module.title_of(r)))
                .collect()
        });
        if due.is_empty() {
            return;
        }
        let text = tr(l, "reminder.due", &[("titles", &due.join(", "))]);
        st.notice.set(Some(Notice::success(text.clone())));
        if permission() == "granted" {
            let opts = web_sys::NotificationOptions::new();
            opts.set_body(&text);
            let _ = web_sys::Notification::new_with_options(&t(l, "app.name"), &opts);
        }
    };
    let handle = set_interval_with_handle(check, std::time::Duration::from_secs(20));
    on_cleanup(move || {
        if let Ok(h) = handle {
            h.clear();
        }
    });
}
