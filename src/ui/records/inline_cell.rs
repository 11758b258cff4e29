//! A list cell edited in place: double-click it, or Enter (or F2) on it. The field's
//! own control takes the cell; Enter or Save writes it through the same rules and
//! validation as the form, Escape or Cancel leaves it as it was. A refused value
//! stays in the cell with its reason.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::records::field::FieldDef;
use crate::domain::records::input::{parse_input, to_input};
use crate::i18n::label;
use crate::i18n::problems::problem_text;
use crate::ui::kit::field_input::FieldControl;
use crate::ui::kit::focus::focus_id;
use crate::ui::kit::state::{tk, use_state};
use crate::ui::writes::actions::edit_fields;

#[component]
pub fn InlineCell(
    module: String,
    id: String,
    field: FieldDef,
    /// Called when the edit ends: `true` when it was saved.
    on_done: Callback<bool>,
) -> impl IntoView {
    let st = use_state();
    let ctx = st.parse_context();
    let current = st
        .data
        .with_untracked(|d| d.get(&module, &id).and_then(|r| r.get(&field.key).cloned()));
    let input = RwSignal::new(to_input(&field.kind, current.as_ref(), &ctx));
    let error = RwSignal::new(None::<String>);
    let control_id = format!("f-cell-{}", field.key);
    // The control takes the keyboard once it is drawn.
    request_animation_frame({
        let control_id = control_id.clone();
        move || {
            focus_id(&control_id);
        }
    });
    let module = StoredValue::new(module);
    let id = StoredValue::new(id);
    let def = StoredValue::new(field.clone());
    let save = move || {
        let l = st.locale.get_untracked();
        let f = def.get_value();
        let value = match parse_input(&f.kind, &input.get_untracked(), &st.parse_context()) {
            Ok(v) => v,
            Err(p) => {
                error.set(Some(problem_text(l, &label(l, &f.label), &p)));
                return;
            }
        };
        spawn_local(async move {
            let (m, rid) = (module.get_value(), id.get_value());
            match edit_fields(st, &m, &rid, vec![(f.key.clone(), value)]).await {
                Ok(_) => on_done.run(true),
                Err(e) => {
                    let text = st.data.with_untracked(|d| e.message(l, &m, d));
                    error.set(Some(text));
                }
            }
        });
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        // A control that used the key itself (a combobox picking or closing its
        // suggestions) keeps it.
        if ev.default_prevented() {
            return;
        }
        match ev.key().as_str() {
            "Enter" => {
                let in_text_area = ev
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|el| el.tag_name().eq_ignore_ascii_case("textarea"));
                if !in_text_area {
                    ev.prevent_default();
                    save();
                }
            }
            "Escape" => {
                ev.prevent_default();
                on_done.run(false);
            }
            _ => {}
        }
        // Row navigation does not take the keys of the control being edited.
        ev.stop_propagation();
    };
    view! {
        <div class="inline-edit" on:keydown=on_key>
            <FieldControl
                field=field
                input=input
                error=Signal::derive(move || error.get())
                id_prefix="cell-".to_string()
            />
            <button type="button" class="small primary" on:click=move |_| save()>
                {tk("action.save")}
            </button>
            <button type="button" class="small" on:click=move |_| on_done.run(false)>
                {tk("action.cancel")}
            </button>
        </div>
    }
}
