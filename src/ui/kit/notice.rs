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

/// A success notice fades after this long (one with a button after the longer
/// time, so Undo stays in reach); an error stays until dismissed or left behind.
const NOTICE_FADES_MS: u64 = 8_000;
const NOTICE_WITH_ACTION_FADES_MS: u64 = 15_000;

/// Whether the pointer or the keyboard is on the notice: it does not fade then.
fn notice_in_use() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Ok(Some(region)) = doc.query_selector(".notice-region[aria-live]") else {
        return false;
    };
    let focused = doc
        .active_element()
        .is_some_and(|a| region.contains(Some(&a)));
    focused || region.matches(":hover").unwrap_or(false)
}

/// Clears the notice raised `at` once it has been shown for `after_ms`, unless a
/// newer one replaced it; waits on while the user is on it.
fn fade_later(notice: RwSignal<Option<Notice>>, at: f64, after_ms: u64) {
    set_timeout(
        move || {
            let same = notice.with_untracked(|n| n.as_ref().is_some_and(|n| n.at == at));
            if !same {
                return;
            }
            if notice_in_use() {
                fade_later(notice, at, 2_000);
            } else {
                notice.set(None);
            }
        },
        std::time::Duration::from_millis(after_ms),
    );
}

#[component]
pub fn NoticeBar() -> impl IntoView {
    let st = use_state();
    Effect::new(move |_| {
        let faded = st.notice.with(|n| {
            n.as_ref()
                .filter(|n| n.kind == NoticeKind::Success)
                .map(|n| (n.at, n.action.is_some()))
        });
        if let Some((at, has_action)) = faded {
            let after = if has_action {
                NOTICE_WITH_ACTION_FADES_MS
            } else {
                NOTICE_FADES_MS
            };
            fade_later(st.notice, at, after);
        }
    });
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
                                class:notice-fades=!is_error
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
