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
    /// A button beside the text that takes the change back ("Undo").
    pub action: Option<NoticeAction>,
}

/// A notice's button: its label and what it does. Two are the same notice's button
/// when their labels are (what the button does is not compared).
#[derive(Clone)]
pub struct NoticeAction {
    pub label: String,
    pub run: Callback<()>,
}

impl PartialEq for NoticeAction {
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label
    }
}

impl std::fmt::Debug for NoticeAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NoticeAction({:?})", self.label)
    }
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
            action: None,
        }
    }

    /// With a button that takes the change back.
    pub fn with_action(mut self, label: String, run: impl Fn() + Send + Sync + 'static) -> Self {
        self.action = Some(NoticeAction {
            label,
            run: Callback::new(move |()| run()),
        });
        self
    }

    pub fn error(text: String) -> Self {
        Notice {
            kind: NoticeKind::Error,
            text,
            at: js_sys::Date::now(),
            action: None,
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
                                {n.action.map(|a| view! {
                                    <button
                                        type="button"
                                        class="link-button"
                                        on:click=move |_| {
                                            st.notice.set(None);
                                            a.run.run(());
                                        }
                                    >
                                        {a.label}
                                    </button>
                                })}
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
