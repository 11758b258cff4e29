//! Other tabs of the app learn of this tab's committed writes through the committed-
//! plan event: each commit is posted on a broadcast channel, and a tab that hears
//! one says that its picture may be out of date. (A write from a stale picture is
//! refused anyway, by the revision and epoch checks in the commit.)

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::actions::on_committed;
use super::notice::Notice;
use super::state::AppState;
use crate::i18n::t;

const CHANNEL: &str = "local-crm-commits";

/// Starts posting this tab's commits and listening for the others'.
pub fn connect(st: AppState) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let listen = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let restore = js_sys::Reflect::get(&ev.data(), &"restore".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let l = st.locale.get_untracked();
        let key = if restore {
            "tabs.restored_elsewhere"
        } else {
            "tabs.changed_elsewhere"
        };
        st.notice.set(Some(Notice::error(t(l, key))));
    });
    channel.set_onmessage(Some(listen.as_ref().unchecked_ref()));
    // The channel lives as long as the page.
    listen.forget();
    on_committed(move |plan| {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"restore".into(), &plan.replaces_all.into());
        let _ = js_sys::Reflect::set(&message, &"records".into(), &(plan.len() as f64).into());
        let _ = channel.post_message(&message);
    });
}
