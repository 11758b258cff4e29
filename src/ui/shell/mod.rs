//! The frame around every page: the grouped navigation with the user's pinned
//! views, the phone's Menu button, the skip link, the search across every module and
//! the document's title, and the alerts workflow rules leave.

pub mod alerts;
pub mod deferred_pages;
pub mod global_search;
pub mod nav;
pub mod page_title;
pub mod pinned;
