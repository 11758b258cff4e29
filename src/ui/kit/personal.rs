//! Each team member's own settings on this browser — language, calendar, time zone
//! and how numbers are typed — kept per member, so switching "You are" brings back
//! that member's choices. A member who chose nothing follows the language.

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
}
