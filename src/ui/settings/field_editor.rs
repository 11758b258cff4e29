//! Editing one of the user's fields on the schema page: its name, help text, and
//! whether it is required, unique or shown in the list (its kind and key stay, so
//! the values already stored keep their meaning). One plan, like every change.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::schema_page::change;
use crate::domain::records::module_def::Section;
use crate::domain::rules::schema_changes::{plan_edit_field, FieldEdit};
use crate::i18n::{label, tr};
use crate::ui::kit::focus::focus_id;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::state::{tk, use_state};

/// The form for the field `key` of `module`; closing it sets `editing` to `None`.
#[component]
pub fn FieldEditor(
    module: String,
    key: String,
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let st = use_state();
    let (initial, typed, sections) = st
        .data
        .with_untracked(|d| {
            let m = d.schema.module(&module)?;
            let f = m.field(&key)?;
            Some((FieldEdit::of(f), f.is_typed(), m.sections.clone()))
        })
        .unwrap_or_default();
    let heading = initial.label.clone();
    let name = RwSignal::new(initial.label);
    let help = RwSignal::new(initial.help);
    let required = RwSignal::new(initial.required);
    let unique = RwSignal::new(initial.unique);
    let in_list = RwSignal::new(initial.in_list);
    let section = RwSignal::new(initial.section);
    let problem = RwSignal::new(None::<String>);
    // The form opens where the user is about to type.
    request_animation_frame(|| {
        focus_id("edit-name");
    });

    let save = move || {
        let l = st.locale.get_untracked();
        let edit = FieldEdit {
            label: name.get_untracked(),
            help: help.get_untracked(),
            required: required.get_untracked(),
            unique: unique.get_untracked(),
            in_list: in_list.get_untracked(),
            section: section.get_untracked(),
        };
        let (m, k) = (module.clone(), key.clone());
        spawn_local(async move {
            match change(st, |d, ctx| plan_edit_field(d, &m, &k, &edit, ctx)).await {
                Ok(()) => {
                    editing.set(None);
                    st.notice.set(Some(Notice::success(tr(
                        l,
                        "schema.field_saved",
                        &[("name", edit.label.trim())],
                    ))));
                }
                Err(msg) => problem.set(Some(msg)),
            }
        });
    };
    let check = |value: RwSignal<bool>, words: &'static str| {
        view! {
            <label class="check">
                <input type="checkbox" prop:checked=move || value.get()
                    on:change=move |ev| value.set(event_target_checked(&ev)) />
                {tk(words)}
            </label>
        }
    };

    view! {
        <form
            class="schema-form field-editor"
            aria-labelledby="field-editor-heading"
            on:submit=move |ev| {
                ev.prevent_default();
                save();
            }
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    editing.set(None);
                }
            }
        >
            <h3 id="field-editor-heading">
                {move || tr(st.locale.get(), "schema.editing", &[("name", &heading)])}
            </h3>
            <div class="field">
                <label for="edit-name">{tk("schema.field_name")}</label>
                <input id="edit-name" maxlength="80" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="edit-help">{tk("schema.help_text")}</label>
                <input id="edit-help" maxlength="200" prop:value=move || help.get()
                    on:input=move |ev| help.set(event_target_value(&ev)) />
            </div>
            <SectionSelect id="edit-section" sections=Signal::stored(sections) section=section />
            <div class="check-group">
                {typed.then(|| check(required, "schema.required"))}
                {typed.then(|| check(unique, "schema.unique"))}
                {check(in_list, "schema.in_list")}
            </div>
            <p class="field-error" role="alert">{move || problem.get()}</p>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || st.busy.get()>
                    {tk("schema.save_field")}
                </button>
                <button type="button" on:click=move |_| editing.set(None)>{tk("action.cancel")}</button>
            </div>
        </form>
    }
}

/// The choice of a form section for a field, among `sections` of its module.
#[component]
pub fn SectionSelect(
    id: &'static str,
    sections: Signal<Vec<Section>>,
    section: RwSignal<String>,
) -> impl IntoView {
    let st = use_state();
    view! {
        <div class="field">
            <label for=id>{tk("schema.section")}</label>
            <select id=id on:change=move |ev| section.set(event_target_value(&ev))>
                {move || {
                    let l = st.locale.get();
                    sections
                        .get()
                        .into_iter()
                        .map(|s| {
                            let chosen = section.get_untracked() == s.key;
                            view! { <option value=s.key selected=chosen>{label(l, &s.label)}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}
