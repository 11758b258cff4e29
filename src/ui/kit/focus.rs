//! Moving the keyboard to an element by its id: after a route change, from the skip
//! link, back to a card or a field. Written once.

use wasm_bindgen::JsCast;

/// Focuses the element with `id`; false when there is none (or it cannot take focus).
pub fn focus_id(id: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| el.focus().is_ok())
}
