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
        title_after_drawing(st, route, l);
    });
}

/// Names the page again once a page that came later (a deferred page's part was
/// fetched) has drawn its heading.
pub fn retitle(st: AppState) {
    title_after_drawing(st, st.route.get_untracked(), st.locale.get_untracked());
}

fn title_after_drawing(st: AppState, route: Route, l: crate::i18n::Locale) {
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
}
