//! Confirming a removal that cannot be undone by typing the name of what goes
//! (a field, a module): the button stays disabled until the name matches.

use leptos::prelude::*;

use crate::ui::kit::state::{tk, use_state};

/// `says` what the removal does; `prompt` and `button` are translation keys; the
/// typed text lives in `typed` (the page clears it when it opens the panel).
#[component]
pub fn TypedConfirm(
    /// The id prefix of the panel's text and input (unique on the page).
    id: &'static str,
    says: String,
    name: String,
    prompt: &'static str,
    button: &'static str,
    typed: RwSignal<String>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let st = use_state();
    let says_id = format!("{id}-says");
    let labelled_by = says_id.clone();
    let input_id = format!("{id}-typed");
    let label_for = input_id.clone();
    let matches = move || typed.get().trim() == name.trim();
    view! {
        <div class="confirm" role="group" aria-labelledby=labelled_by>
            <p id=says_id>{says}</p>
            <div class="field">
                <label for=label_for>{tk(prompt)}</label>
                <input id=input_id prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev)) />
            </div>
            <div class="actions">
            <button type="button" class="danger" disabled=move || !matches() || st.busy.get()
                on:click=move |_| on_confirm.run(())>{tk(button)}</button>
            <button type="button" on:click=move |_| on_cancel.run(())>{tk("action.cancel")}</button>
            </div>
        </div>
    }
}
