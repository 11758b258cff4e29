//! The one place messages reach the user: a live region that screen readers announce.

use leptos::prelude::*;

use super::state::use_state;
use crate::i18n::t;

#[derive(Clone, Debug, PartialEq)]
pub enum NoticeKind {
    Success,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

impl Notice {
    pub fn success(text: String) -> Self {
        Notice {
            kind: NoticeKind::Success,
            text,
        }
    }
    pub fn error(text: String) -> Self {
        Notice {
            kind: NoticeKind::Error,
            text,
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
