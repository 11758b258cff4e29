//! The user's pinned views: pages (a filtered list, a board, a report) kept at the
//! top of the navigation under a name of their own. A small per-browser setting.

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

const PINNED_KEY: &str = "crm.pinned";
/// More than this would push the work areas out of sight.
pub const MAX_PINS: usize = 20;
/// A pin's name is shown in one line of the navigation.
pub const MAX_NAME: usize = 60;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pin {
    pub name: String,
    /// The page's address (`#/m/deals?…`).
    pub href: String,
}

pub fn load() -> Vec<Pin> {
    LocalStorage::get::<Vec<Pin>>(PINNED_KEY)
        .map(|mut pins| {
            pins.retain(|p| p.href.starts_with("#/") && !p.name.trim().is_empty());
            pins.truncate(MAX_PINS);
            pins
        })
        .unwrap_or_default()
}

pub fn save(pins: &[Pin]) {
    let _ = LocalStorage::set(PINNED_KEY, pins);
}

/// `pins` with `href` pinned as `name`: a page pinned again is renamed in place, a
/// new one goes last; `None` when the name is empty or the list is full.
pub fn with_pin(pins: &[Pin], name: &str, href: &str) -> Option<Vec<Pin>> {
    let name: String = name.trim().chars().take(MAX_NAME).collect();
    if name.is_empty() {
        return None;
    }
    let mut out = pins.to_vec();
    if let Some(p) = out.iter_mut().find(|p| p.href == href) {
        p.name = name;
    } else if out.len() < MAX_PINS {
        out.push(Pin {
            name,
            href: href.to_string(),
        });
    } else {
        return None;
    }
    Some(out)
}
