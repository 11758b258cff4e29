//! "Compose email" on a record page: the record's module's templates (those in the
//! user's language first), filled from the record in the user's locale, opened in
//! the user's mail client (`mailto:`) or downloaded as an `.eml` file; either way an
//! email activity logs it on the record's timeline. The app sends nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::automation::compose::{eml, plan_email_logged, Draft};
use crate::domain::modules::template_module::{recipient, render, templates_for};
use crate::i18n::{t, tr};
use crate::ui::kit::download::download;
use crate::ui::kit::format::value_text;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::state::{tk, use_state, AppState};
use crate::ui::writes::actions::{commit_plan, with_context};
use crate::ui::writes::write_queue::wait_turn;

#[derive(Clone, Copy, PartialEq)]
enum Send {
    MailClient,
    File,
}

/// The draft of template `id` for the record, as the user's locale writes it.
fn draft(st: AppState, module: &str, record: &str, template: &str) -> Option<Draft> {
    let l = st.locale.get_untracked();
    st.data.with_untracked(|d| {
        let r = d.get(module, record)?;
        let tpl = templates_for(d, module, l.code())
            .into_iter()
            .find(|x| x.id == template)?;
        let show = |f: &crate::domain::FieldDef, v: &crate::domain::Value| value_text(l, d, f, v);
        Some(Draft {
            to: recipient(d, r).unwrap_or_default(),
            subject: render(d, r, &tpl.subject, &show),
            body: render(d, r, &tpl.body, &show),
        })
    })
}

fn compose(st: AppState, module: String, record: String, template: String, how: Send) {
    let l = st.locale.get_untracked();
    let Some(draft) = draft(st, &module, &record, &template) else {
        return;
    };
    let handed = match how {
        Send::MailClient => {
            let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
            let href = format!(
                "mailto:{}?subject={}&body={}",
                enc(&draft.to),
                enc(&draft.subject),
                enc(&draft.body.replace('\n', "\r\n"))
            );
            web_sys::window()
                .ok_or_else(|| t(l, "compose.not_opened"))
                .and_then(|w| w.location().set_href(&href).map_err(|e| format!("{e:?}")))
        }
        Send::File => download("email.eml", "message/rfc822", &eml(&draft)),
    };
    if let Err(e) = handed {
        st.notice.set(Some(Notice::error(e)));
        return;
    }
    spawn_local(async move {
        let turn = wait_turn(st).await;
        let planned = with_context(st, |d, ctx| {
            let r = d.get(&module, &record)?.clone();
            Some(plan_email_logged(d, &r, &draft.subject, ctx))
        });
        let Some(Ok(plan)) = planned else {
            st.notice
                .set(Some(Notice::error(t(l, "compose.not_logged"))));
            return;
        };
        match commit_plan(st, turn, plan).await {
            Ok(_) => st.notice.set(Some(Notice::success(tr(
                l,
                "compose.logged",
                &[("subject", &draft.subject)],
            )))),
            Err(msg) => st.notice.set(Some(Notice::error(msg))),
        }
    });
}

/// The template choice and the two ways to hand the email over; nothing when the
/// module has no template.
#[component]
pub fn ComposeEmail(module: String, id: String) -> impl IntoView {
    let st = use_state();
    let module = StoredValue::new(module);
    let id = StoredValue::new(id);
    let chosen = RwSignal::new(String::new());
    move || {
        let l = st.locale.get();
        let templates = st
            .data
            .with(|d| templates_for(d, &module.get_value(), l.code()));
        if templates.is_empty() {
            return ().into_any();
        }
        if !templates.iter().any(|x| x.id == chosen.get_untracked()) {
            chosen.set(templates[0].id.clone());
        }
        let go = move |how: Send| {
            compose(
                st,
                module.get_value(),
                id.get_value(),
                chosen.get_untracked(),
                how,
            )
        };
        view! {
            <section class="record-section compose-email" aria-labelledby="compose-heading">
                <h2 id="compose-heading">{tk("compose.title")}</h2>
                <div class="field">
                    <label for="compose-template">{tk("compose.template")}</label>
                    <select
                        id="compose-template"
                        on:change=move |ev| chosen.set(event_target_value(&ev))
                    >
                        {templates
                            .into_iter()
                            .map(|x| {
                                let selected = x.id == chosen.get_untracked();
                                view! { <option value=x.id selected=selected>{x.name}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <p class="actions">
                    <button type="button" disabled=move || st.busy.get() on:click=move |_| go(Send::MailClient)>
                        {tk("compose.mail_client")}
                    </button>
                    <button type="button" disabled=move || st.busy.get() on:click=move |_| go(Send::File)>
                        {tk("compose.download")}
                    </button>
                </p>
                <p class="help">{tk("compose.help")}</p>
            </section>
        }
        .into_any()
    }
}
