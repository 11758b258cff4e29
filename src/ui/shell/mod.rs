//! The frame around every page: the grouped navigation with the user's pinned
//! views, the phone's Menu button, the skip link and the document's title.

pub mod nav;
pub mod page_title;
pub mod pinned;
