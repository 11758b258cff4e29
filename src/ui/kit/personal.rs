//! Each team member's own settings on this browser — language, calendar, time zone
//! and how numbers are typed — kept per member, so switching "You are" brings back
//! that member's choices. A member who chose nothing follows the language.

use std::cell::RefCell;
use std::collections::BTreeMap;

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::record_set::LOCAL_USER;
use crate::domain::records::written_formats::DecimalMark;
use crate::ui::kit::state::USER_KEY;

const PERSONAL_KEY: &str = "crm.personal";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Personal {
    /// A language code ("fa").
    pub language: Option<String>,
    pub calendar: Option<CalendarSystem>,
    /// An IANA zone name; none for the device's zone.
    pub time_zone: Option<String>,
    /// How numbers are typed in forms; none for the language's way.
    pub decimal_mark: Option<DecimalMark>,
    /// How amounts name their currency: "symbol" (€, the default), "code" (EUR)
    /// or "name" (euros).
    pub currency_display: Option<String>,
}

/// The ways an amount can name its currency, as `Intl` calls them.
pub const CURRENCY_DISPLAYS: [&str; 3] = ["symbol", "code", "name"];

thread_local! {
    /// The current member's settings, read once: every formatted date and amount
    /// asks for them.
    static MINE: RefCell<Option<Personal>> = const { RefCell::new(None) };
}

/// The current member's settings.
pub fn mine() -> Personal {
    MINE.with(|m| {
        m.borrow_mut()
            .get_or_insert_with(|| of(&current_member()))
            .clone()
    })
}

/// Forgets the settings read, after a change or when another member takes over.
pub fn forget() {
    MINE.with(|m| *m.borrow_mut() = None);
}

/// How the current member's amounts name their currency.
pub fn currency_display() -> String {
    mine()
        .currency_display
        .filter(|d| CURRENCY_DISPLAYS.contains(&d.as_str()))
        .unwrap_or_else(|| "symbol".into())
}

fn all() -> BTreeMap<String, Personal> {
    LocalStorage::get(PERSONAL_KEY).unwrap_or_default()
}

/// The member using this browser now.
pub fn current_member() -> String {
    LocalStorage::get(USER_KEY).unwrap_or_else(|_| LOCAL_USER.to_string())
}

/// `member`'s settings (all empty for one who chose nothing).
pub fn of(member: &str) -> Personal {
    all().remove(member).unwrap_or_default()
}

/// Changes the current member's settings with `change`, and keeps them.
pub fn update(change: impl FnOnce(&mut Personal)) {
    let mut every = all();
    let mine = every.entry(current_member()).or_default();
    change(mine);
    if *mine == Personal::default() {
        every.remove(&current_member());
    }
    let _ = LocalStorage::set(PERSONAL_KEY, &every);
    forget();
}
