//! The one place messages reach the user: a live region that screen readers announce.

use leptos::prelude::*;

use crate::i18n::t;
use crate::ui::kit::state::{tk, use_state};

#[derive(Clone, Debug, PartialEq)]
pub enum NoticeKind {
    Success,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
    /// When it was raised (ms since the epoch): a notice raised just before a
    /// navigation belongs to the page navigated to.
    pub at: f64,
}

/// Notices older than this are cleared when the user moves to another page.
const NOTICE_CARRIES_MS: f64 = 1500.0;

/// Clears the notice on navigation unless it was raised for the new page.
pub fn clear_stale(notice: RwSignal<Option<Notice>>) {
    let now = js_sys::Date::now();
    if notice.with_untracked(|n| n.as_ref().is_some_and(|n| now - n.at > NOTICE_CARRIES_MS)) {
        notice.set(None);
    }
}

impl Notice {
    pub fn success(text: String) -> Self {
        Notice {
            kind: NoticeKind::Success,
            text,
            at: js_sys::Date::now(),
        }
    }
    pub fn error(text: String) -> Self {
        Notice {
            kind: NoticeKind::Error,
            text,
            at: js_sys::Date::now(),
        }
    }
}

#[component]
pub fn NoticeBar() -> impl IntoView {
    let st = use_state();
    view! {
        <div class="notice-region" aria-live="polite">
            {move || {
                st.notice
                    .get()
                    .map(|n| {
                        let l = st.locale.get();
                        let is_error = n.kind == NoticeKind::Error;
                        view! {
                            <div
                                class="notice"
                                class:notice-error=is_error
                                role=if is_error { "alert" } else { "status" }
                            >
                                <span>{n.text}</span>
                                <button
                                    type="button"
                                    class="link-button"
                                    on:click=move |_| st.notice.set(None)
                                >
                                    {t(l, "action.dismiss")}
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// The page for a route or record that does not exist.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>{tk("page.not_found")}</h1>
            <p>
                <a href="#/">{tk("nav.home")}</a>
            </p>
        </section>
    }
}
