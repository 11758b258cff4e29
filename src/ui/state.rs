//! App-wide state: the locale, the in-memory dataset, the current route, notices,
//! and the open database.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::notice::Notice;
use super::route::Route;
use crate::domain::input::ParseContext;
use crate::domain::record_set::Dataset;
use crate::domain::standard_modules::standard_schema;
use crate::i18n::{t, Locale};
use crate::storage::Db;

#[derive(Clone, Debug, PartialEq)]
pub enum LoadState {
    Loading,
    Ready,
    /// The database could not be opened or read; the text says why.
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub locale: RwSignal<Locale>,
    pub data: RwSignal<Dataset>,
    pub route: RwSignal<Route>,
    pub notice: RwSignal<Option<Notice>>,
    pub load: RwSignal<LoadState>,
    /// True while a write is in flight: buttons that write are disabled meanwhile.
    pub busy: RwSignal<bool>,
    /// True while a form holds typed changes that are not saved: leaving asks first.
    pub unsaved: RwSignal<bool>,
}

impl AppState {
    pub fn new(locale: Locale) -> Self {
        AppState {
            locale: RwSignal::new(locale),
            data: RwSignal::new(Dataset::new(standard_schema())),
            route: RwSignal::new(super::route::current()),
            notice: RwSignal::new(None),
            load: RwSignal::new(LoadState::Loading),
            busy: RwSignal::new(false),
            unsaved: RwSignal::new(false),
        }
    }

    pub fn parse_context(&self) -> ParseContext {
        ParseContext {
            default_currency: self.locale.get_untracked().default_currency().into(),
            utc_offset_minutes: -(js_sys::Date::new_0().get_timezone_offset() as i32),
        }
    }
}

pub fn use_state() -> AppState {
    expect_context::<AppState>()
}

/// A reactive translation of a fixed key, for use directly in views.
pub fn tk(key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let locale = use_state().locale;
    move || t(locale.get(), key)
}

thread_local! {
    static DB: RefCell<Option<Rc<Db>>> = const { RefCell::new(None) };
}

pub fn set_db(db: Db) {
    DB.with(|d| *d.borrow_mut() = Some(Rc::new(db)));
}

pub fn db() -> Option<Rc<Db>> {
    DB.with(|d| d.borrow().clone())
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
