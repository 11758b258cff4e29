//! The document's title names the page and, on a record's pages, the record and its
//! module ("Nordic AB — Companies — Local CRM"): what a tab, the history and a screen
//! reader's window list show. Taken from the page's own heading, so it is written once.

use leptos::prelude::*;

use super::nav::page_heading;
use crate::i18n::{label, t};
use crate::ui::kit::route::Route;
use crate::ui::kit::state::AppState;

pub fn follow_the_page(st: AppState) {
    Effect::new(move |_| {
        let route = st.route.get();
        let l = st.locale.get();
        st.load.track();
        // A saved record may have a new title.
        st.data.track();
        // After the page for the route is drawn.
        request_animation_frame(move || {
            let app = t(l, "app.name");
            let module = match &route {
                Route::View(m, _) | Route::Edit(m, _) => st
                    .data
                    .with_untracked(|d| d.schema.module(m).map(|m| label(l, &m.plural))),
                _ => None,
            };
            let parts: Vec<String> = page_heading()
                .into_iter()
                .chain(module)
                .chain(std::iter::once(app))
                .collect();
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                doc.set_title(&parts.join(" — "));
            }
        });
    });
}
