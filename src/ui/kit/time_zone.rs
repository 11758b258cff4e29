//! The user's time zone and calendar, as the member using this browser chose them in
//! Settings (by default the device's zone and the language's calendar): the zone's offsets are read from the browser
//! once per choice and handed to the core as a table (`Zone`).

use std::cell::RefCell;

use js_sys::{Array, Date, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::time_zone::Zone;
use crate::i18n::Locale;
use crate::ui::kit::personal;

const YEAR_MS: i64 = 31_556_952_000;

thread_local! {
    /// The zone read for a name ("" for the device's), kept until the choice changes.
    static ZONE: RefCell<Option<(String, Zone)>> = const { RefCell::new(None) };
}

/// Forgets the choices read, after a change or when another member takes over.
pub fn reread_choices() {
    personal::forget();
}

/// The IANA name the current member chose, or "" for the device's zone.
pub fn chosen_zone_name() -> String {
    personal::mine().time_zone.unwrap_or_default()
}

pub fn set_zone_name(name: &str) {
    personal::update(|p| p.time_zone = (!name.is_empty()).then(|| name.to_string()));
    reread_choices();
}

fn intl() -> Option<JsValue> {
    Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()
}

/// The device's own zone name ("Europe/Berlin"), as the browser reports it.
pub fn device_zone_name() -> String {
    let options =
        js_sys::Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
    Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Every zone name the browser knows, for the Settings list.
pub fn zone_names() -> Vec<String> {
    let supported = intl()
        .and_then(|i| Reflect::get(&i, &JsValue::from_str("supportedValuesOf")).ok())
        .and_then(|f| f.dyn_into::<Function>().ok());
    let Some(f) = supported else {
        return Vec::new();
    };
    f.call1(&JsValue::NULL, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.dyn_into::<Array>().ok())
        .map(|a| a.iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default()
}

/// An `Intl.DateTimeFormat` for `locale` with `options`; `None` when `Intl` refuses
/// them (an unknown zone name throws: caught, not a crash).
fn date_time_format(locale: &str, options: &[(&str, &str)]) -> Option<JsValue> {
    let o = Object::new();
    for (k, v) in options {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    let ctor: Function = Reflect::get(&intl()?, &JsValue::from_str("DateTimeFormat"))
        .ok()?
        .dyn_into()
        .ok()?;
    let args = Array::of2(&Array::of1(&JsValue::from_str(locale)), &o);
    Reflect::construct(&ctor, &args).ok()
}

/// The (type, value) parts `format` writes for `date`.
fn parts(format: &JsValue, date: &Date) -> Vec<(String, String)> {
    let text = |p: &JsValue, key: &str| {
        Reflect::get(p, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    Reflect::get(format, &JsValue::from_str("formatToParts"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call1(format, date).ok())
        .and_then(|a| a.dyn_into::<Array>().ok())
        .map(|a| {
            a.iter()
                .map(|p| (text(&p, "type"), text(&p, "value")))
                .collect()
        })
        .unwrap_or_default()
}

/// The zone's name in `style` ("longGeneric", "shortOffset") in `locale`, now.
fn zone_name_in(locale: &str, zone: &str, style: &str) -> Option<String> {
    let format = date_time_format(locale, &[("timeZone", zone), ("timeZoneName", style)])?;
    parts(&format, &Date::new_0())
        .into_iter()
        .find(|(kind, _)| kind == "timeZoneName")
        .map(|(_, value)| value)
}

/// The zones to choose from, named in the user's language as the browser names
/// them ("Central European Time (GMT+1)"), one per name (zones that share a name
/// keep the same clocks; `keep`, the chosen one, always), ordered by their offset
/// now: (IANA name, label).
pub fn zone_choices(locale: &str, keep: &str) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<(i32, String, String)> = Vec::new();
    for zone in zone_names() {
        let Some(generic) = zone_name_in(locale, &zone, "longGeneric") else {
            continue;
        };
        let Some(offset) = zone_name_in(locale, &zone, "shortOffset") else {
            continue;
        };
        // Where the browser has no name for the zone in this language it writes the
        // city from the zone's id, in Latin letters: such a zone is left out (its
        // neighbours' names cover its clocks, and the device's zone is always first).
        let city = zone.rsplit('/').next().unwrap_or("").replace('_', " ");
        if zone != keep && !city.is_empty() && generic.contains(&city) && !locale.starts_with("en")
        {
            continue;
        }
        let label = if generic == offset {
            generic
        } else {
            format!("{generic} ({offset})")
        };
        if !seen.insert(label.clone()) && zone != keep {
            continue;
        }
        let minutes = offsets_in(&zone).map_or(0, |mut f| f(js_sys::Date::now() as i64));
        out.push((minutes, label, zone));
    }
    out.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    out.into_iter()
        .map(|(_, label, zone)| (zone, label))
        .collect()
}

/// The device's zone named as `zone_choices` names zones.
pub fn device_zone_label(locale: &str) -> String {
    let zone = device_zone_name();
    zone_name_in(locale, &zone, "longGeneric").unwrap_or(zone)
}

/// Minutes east of UTC in `name` at an instant, read from the wall-clock parts the
/// browser writes for it; `None` for a name the browser does not know.
fn offsets_in(name: &str) -> Option<impl FnMut(i64) -> i32> {
    let format = date_time_format(
        "en-US",
        &[
            ("timeZone", name),
            ("hourCycle", "h23"),
            ("calendar", "gregory"),
            ("numberingSystem", "latn"),
            ("year", "numeric"),
            ("month", "numeric"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "numeric"),
            ("second", "numeric"),
        ],
    )?;
    Some(move |ms: i64| {
        let mut v = [0i64; 6];
        for (kind, value) in parts(&format, &Date::new(&JsValue::from_f64(ms as f64))) {
            let slot = match kind.as_str() {
                "year" => 0,
                "month" => 1,
                "day" => 2,
                "hour" => 3,
                "minute" => 4,
                "second" => 5,
                _ => continue,
            };
            v[slot] = value.parse().unwrap_or(0);
        }
        let wall = Date::utc(v[0] as f64, (v[1] - 1) as f64)
            + ((v[2] - 1) * 86_400_000 + v[3] * 3_600_000 + v[4] * 60_000 + v[5] * 1000) as f64;
        let whole_second = ms - ms.rem_euclid(1000);
        ((wall as i64 - whole_second) / 60_000) as i32
    })
}

fn read_zone(name: &str) -> Zone {
    let now = js_sys::Date::now() as i64;
    // Two years back (past due times) to ten ahead (series, close dates).
    let (from, to) = (now - 2 * YEAR_MS, now + 10 * YEAR_MS);
    if !name.is_empty() {
        if let Some(mut offset_of) = offsets_in(name) {
            return Zone::sampled(from, to, &mut offset_of);
        }
    }
    Zone::sampled(from, to, &mut |ms| {
        -(Date::new(&JsValue::from_f64(ms as f64)).get_timezone_offset() as i32)
    })
}

/// The user's zone: the one chosen in Settings, else the device's.
pub fn zone() -> Zone {
    let name = chosen_zone_name();
    ZONE.with(|z| {
        let mut z = z.borrow_mut();
        match &*z {
            Some((n, zone)) if *n == name => zone.clone(),
            _ => {
                let zone = read_zone(&name);
                *z = Some((name, zone.clone()));
                zone
            }
        }
    })
}

/// The calendar chosen in Settings, if one was.
pub fn chosen_calendar() -> Option<CalendarSystem> {
    personal::mine().calendar
}

/// The calendar dates are shown in for a user of `l`: the chosen one, else the
/// language's own.
pub fn calendar_for(l: Locale) -> CalendarSystem {
    chosen_calendar().unwrap_or_else(|| CalendarSystem::for_locale_default(l.code()))
}

pub fn set_calendar(c: Option<CalendarSystem>) {
    personal::update(|p| p.calendar = c);
    reread_choices();
}
