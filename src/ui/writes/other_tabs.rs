//! Other tabs of the app learn of this tab's committed writes through the committed-
//! plan event: each commit is posted on a broadcast channel with the records it
//! wrote and deleted. A tab that hears one reads those records back from IndexedDB
//! into memory, in its write turn, so its picture stays current; when it cannot (a
//! restore, a write too big to post), it says the page must be reloaded. A write
//! from a picture that is behind is refused anyway, by the commit's checks.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::i18n::t;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::state::{db, AppState};
use crate::ui::writes::actions::{on_committed, storage_message};
use crate::ui::writes::write_queue::wait_turn;

const CHANNEL: &str = "local-crm-commits";
/// Above this many records a commit is not posted record by record (an import).
const MAX_POSTED: usize = 1_000;

fn strings(v: &wasm_bindgen::JsValue) -> Vec<String> {
    if !js_sys::Array::is_array(v) {
        return Vec::new();
    }
    js_sys::Array::from(v)
        .iter()
        .filter_map(|x| x.as_string())
        .collect()
}

fn field(v: &wasm_bindgen::JsValue, name: &str) -> wasm_bindgen::JsValue {
    js_sys::Reflect::get(v, &name.into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED)
}

/// Reads another tab's commit back into memory.
async fn follow(st: AppState, written: Vec<String>, deleted: Vec<String>, seq: u64) {
    let turn = wait_turn(st).await;
    let Some(db) = db() else { return };
    match db.load_records(&written).await {
        Ok((records, _)) => {
            st.data.update(|d| {
                for r in records {
                    d.upsert(r);
                }
                for id in &deleted {
                    let module = d
                        .sets()
                        .find(|s| s.get(id).is_some())
                        .map(|s| s.module.key.clone());
                    if let Some(m) = module {
                        d.remove(&m, id);
                    }
                }
            });
            db.caught_up(seq);
        }
        Err(e) => {
            let l = st.locale.get_untracked();
            st.notice.set(Some(Notice::error(storage_message(l, &e))));
        }
    }
    drop(turn);
}

/// Starts posting this tab's commits and following the others'.
pub fn connect(st: AppState) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let listen = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let data = ev.data();
        let posted = field(&data, "posted").as_bool().unwrap_or(false);
        if posted {
            let seq = field(&data, "seq").as_f64().unwrap_or(0.0) as u64;
            let written = strings(&field(&data, "written"));
            let deleted = strings(&field(&data, "deleted"));
            spawn_local(follow(st, written, deleted, seq));
            return;
        }
        let restore = field(&data, "restore").as_bool().unwrap_or(false);
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
        let set = |k: &str, v: &wasm_bindgen::JsValue| {
            let _ = js_sys::Reflect::set(&message, &k.into(), v);
        };
        set("restore", &plan.replaces_all.into());
        let posted = !plan.replaces_all && plan.len() <= MAX_POSTED;
        set("posted", &posted.into());
        if posted {
            let written: js_sys::Array = plan
                .written()
                .map(|r| wasm_bindgen::JsValue::from_str(&r.id))
                .collect();
            let deleted: js_sys::Array = plan
                .deletes
                .iter()
                .map(|r| wasm_bindgen::JsValue::from_str(&r.id))
                .collect();
            set("written", &written.into());
            set("deleted", &deleted.into());
            let seq = db().map(|d| d.committed_seq()).unwrap_or(0);
            set("seq", &(seq as f64).into());
        }
        let _ = channel.post_message(&message);
    });
}
