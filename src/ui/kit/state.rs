//! App-wide state: the locale, the in-memory dataset, the current route, notices,
//! and the open database.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

use crate::domain::interchange::backup::BackupSettings;
use crate::domain::modules::standard_modules::standard_schema;
use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::input::ParseContext;
use crate::domain::records::record_set::{Dataset, LOCAL_USER};
use crate::domain::records::written_formats::{DateOrder, DecimalMark};
use crate::i18n::{t, Locale};
use crate::storage::codec::Unreadable;
use crate::storage::Db;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::Route;

#[derive(Clone, Debug, PartialEq)]
pub enum LoadState {
    Loading,
    Ready,
    /// The database could not be opened or read; the text says why.
    Failed(String),
    /// The database was written by a newer version of the app; the text is the
    /// browser's error.
    TooNew(String),
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
    /// True while the records of other modules are still being read after the
    /// first page was shown (writes wait: `busy` is set meanwhile).
    pub loading_rest: RwSignal<bool>,
    /// True while a form holds typed changes that are not saved: leaving asks first.
    pub unsaved: RwSignal<bool>,
    /// Who is using this browser: owns new records, "my deals", "my work".
    pub current_user: RwSignal<String>,
    /// The currency board totals (and later dashboards) are shown in.
    pub base_currency: RwSignal<String>,
    /// Stored records start-up could not decode: left in storage as they are, and
    /// named on every page (with their stored text to download).
    pub unreadable: RwSignal<Vec<Unreadable>>,
    /// True once another tab opened a newer version of the database, which closed
    /// it here: only a reload opens it again.
    pub replaced: RwSignal<bool>,
    /// A phone-size screen (the width CSS lays out for a phone): lists stack their
    /// rows, boards show one column at a time.
    pub narrow: RwSignal<bool>,
    /// The page a form was opened from: its Save and Cancel go back there.
    pub came_from: RwSignal<Option<Route>>,
    /// The calendar chosen in Settings; `None` follows the language.
    pub calendar_choice: RwSignal<Option<CalendarSystem>>,
    /// The time zone chosen in Settings ("" for the device's).
    pub zone_name: RwSignal<String>,
    /// How the member types numbers, if chosen; `None` follows the language.
    pub decimal_choice: RwSignal<Option<DecimalMark>>,
}

/// The width at and below which the layout is a phone's (style/main.css uses it too).
pub const PHONE_MAX_WIDTH: f64 = 760.0;

pub fn is_narrow() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w <= PHONE_MAX_WIDTH)
}

pub const USER_KEY: &str = "crm.current_user";
pub const BASE_CURRENCY_KEY: &str = "crm.base_currency";

impl AppState {
    pub fn new(locale: Locale) -> Self {
        AppState {
            locale: RwSignal::new(locale),
            data: RwSignal::new(Dataset::new(standard_schema())),
            route: RwSignal::new(crate::ui::kit::route::current()),
            notice: RwSignal::new(None),
            load: RwSignal::new(LoadState::Loading),
            busy: RwSignal::new(false),
            loading_rest: RwSignal::new(false),
            unsaved: RwSignal::new(false),
            current_user: RwSignal::new(
                LocalStorage::get(USER_KEY).unwrap_or_else(|_| LOCAL_USER.to_string()),
            ),
            base_currency: RwSignal::new(
                LocalStorage::get(BASE_CURRENCY_KEY)
                    .unwrap_or_else(|_| locale.default_currency().to_string()),
            ),
            unreadable: RwSignal::new(Vec::new()),
            replaced: RwSignal::new(false),
            narrow: RwSignal::new(is_narrow()),
            came_from: RwSignal::new(None),
            calendar_choice: RwSignal::new(crate::ui::kit::time_zone::chosen_calendar()),
            zone_name: RwSignal::new(crate::ui::kit::time_zone::chosen_zone_name()),
            decimal_choice: RwSignal::new(
                crate::ui::kit::personal::of(&crate::ui::kit::personal::current_member())
                    .decimal_mark,
            ),
        }
    }

    /// How numbers are typed and read in forms: the member's choice, else the
    /// language's way.
    pub fn decimal_mark(&self) -> DecimalMark {
        self.decimal_choice
            .get()
            .unwrap_or_else(|| DecimalMark::for_language(self.locale.get().code()))
    }

    pub fn set_decimal_mark(&self, mark: Option<DecimalMark>) {
        crate::ui::kit::personal::update(|p| p.decimal_mark = mark);
        self.decimal_choice.set(mark);
    }

    /// The calendar dates are shown and typed in (tracked).
    pub fn calendar(&self) -> CalendarSystem {
        self.calendar_choice
            .get()
            .unwrap_or_else(|| CalendarSystem::for_locale_default(self.locale.get().code()))
    }

    pub fn set_calendar(&self, c: Option<CalendarSystem>) {
        crate::ui::kit::time_zone::set_calendar(c);
        self.calendar_choice.set(c);
    }

    pub fn set_zone_name(&self, name: String) {
        crate::ui::kit::time_zone::set_zone_name(&name);
        self.zone_name.set(name);
    }

    /// Makes `id` the person using this browser, remembered across visits, with the
    /// language, calendar, zone and number format that member chose.
    pub fn set_current_user(&self, id: String) {
        let _ = LocalStorage::set(USER_KEY, &id);
        let theirs = crate::ui::kit::personal::of(&id);
        crate::ui::kit::time_zone::reread_choices();
        self.calendar_choice.set(theirs.calendar);
        self.zone_name.set(theirs.time_zone.unwrap_or_default());
        self.decimal_choice.set(theirs.decimal_mark);
        if let Some(l) = theirs.language.as_deref().and_then(Locale::from_code) {
            self.locale.set(l);
        }
        self.current_user.set(id);
    }

    /// Makes `code` (already checked) the base currency, remembered across visits.
    pub fn set_base_currency(&self, code: String) {
        let _ = LocalStorage::set(BASE_CURRENCY_KEY, &code);
        self.base_currency.set(code);
    }

    /// The browser's settings as a backup carries them.
    pub fn backup_settings(&self) -> BackupSettings {
        BackupSettings {
            base_currency: Some(self.base_currency.get_untracked()),
            current_user: Some(self.current_user.get_untracked()),
        }
    }

    /// Takes on the settings a restored backup carried; an older backup has none,
    /// and what this browser had stays.
    pub fn restore_settings(&self, settings: Option<BackupSettings>) {
        let Some(s) = settings else { return };
        if let Some(code) = s.base_currency {
            self.set_base_currency(code);
        }
        if let Some(user) = s.current_user {
            self.set_current_user(user);
        }
    }

    pub fn parse_context(&self) -> ParseContext {
        ParseContext {
            default_currency: self.base_currency.get_untracked(),
            zone: crate::ui::kit::time_zone::zone(),
            calendar: untrack(|| self.calendar()),
            // The date-time control is the browser's, always Gregorian.
            date_time_calendar: CalendarSystem::Gregorian,
            // Forms take dates from date inputs (year first); numbers as the
            // member types them.
            date_order: DateOrder::YearFirst,
            decimal_mark: untrack(|| self.decimal_mark()),
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

/// The user's offset from UTC now, in minutes east positive (for today's date; a
/// time on another day takes its own offset from `time_zone::zone`).
pub fn utc_offset() -> i32 {
    crate::ui::kit::time_zone::zone().offset_at_ms(now())
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// One message channel serves every tick: a message task is not clamped to 4 ms the
/// way a chain of zero-delay timers is, and the browser still draws and takes input
/// between tasks.
struct Ticks {
    sender: web_sys::MessagePort,
    _receiver: web_sys::MessagePort,
    waiting: Rc<RefCell<std::collections::VecDeque<js_sys::Function>>>,
    _on_message: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Ticks {
    fn new() -> Option<Ticks> {
        use wasm_bindgen::JsCast;
        let channel = web_sys::MessageChannel::new().ok()?;
        let waiting = Rc::new(RefCell::new(
            std::collections::VecDeque::<js_sys::Function>::new(),
        ));
        let queue = waiting.clone();
        let on_message = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let next = queue.borrow_mut().pop_front();
            if let Some(resolve) = next {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        });
        let receiver = channel.port1();
        receiver.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Ticks {
            sender: channel.port2(),
            _receiver: receiver,
            waiting,
            _on_message: on_message,
        })
    }
}

thread_local! {
    static TICKS: Option<Ticks> = Ticks::new();
}

/// Work per turn before the browser gets to draw and take input again.
pub const TURN_MS: f64 = 8.0;

/// Runs `step` until it reports the work finished or a turn's time is used up, then
/// says whether the work finished; call `next_tick` between turns.
pub fn try_turn<E>(mut step: impl FnMut() -> Result<bool, E>) -> Result<bool, E> {
    let started = js_sys::Date::now();
    loop {
        if step()? {
            return Ok(true);
        }
        if js_sys::Date::now() - started >= TURN_MS {
            return Ok(false);
        }
    }
}

/// `try_turn` for work that cannot fail.
pub fn turn(mut step: impl FnMut() -> bool) -> bool {
    try_turn(|| Ok::<_, std::convert::Infallible>(step())).unwrap_or(true)
}

/// Lets the browser draw and handle input between chunks of work.
pub async fn next_tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let queued = TICKS.with(|ticks| match ticks {
            Some(t) => {
                t.waiting.borrow_mut().push_back(resolve.clone());
                t.sender.post_message(&wasm_bindgen::JsValue::NULL).is_ok()
            }
            None => false,
        });
        if !queued {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Numbers the computations of one view, so a newer one (or leaving the view)
/// abandons the one running: a computation keeps going only while the number it
/// was given is still the current one.
#[derive(Clone, Copy)]
pub struct Generation(StoredValue<u64>);

impl Generation {
    /// Tied to the current view: leaving it stops whatever runs.
    pub fn new() -> Self {
        let g = Generation(StoredValue::new(0));
        on_cleanup(move || {
            g.0.try_update_value(|n| *n += 1);
        });
        g
    }

    /// Starts a computation, abandoning the one running; returns its number.
    pub fn start(&self) -> u64 {
        self.0
            .try_update_value(|n| {
                *n += 1;
                *n
            })
            .unwrap_or(0)
    }

    /// Whether computation `mine` is still wanted (a disposed view wants none).
    pub fn current(&self, mine: u64) -> bool {
        self.0.try_get_value() == Some(mine)
    }
}

/// Runs `work` a turn at a time (`one_turn` does a turn of it and says whether it is
/// finished): the first turn at once, the rest one per tick, so input is never held
/// for more than a turn. Stops silently once `generation` moved on from `mine`;
/// otherwise hands the finished work to `done`.
pub fn in_turns<W: 'static>(
    generation: Generation,
    mine: u64,
    mut work: W,
    mut one_turn: impl FnMut(&mut W) -> bool + 'static,
    done: impl FnOnce(W) + 'static,
) {
    leptos::task::spawn_local(async move {
        loop {
            if !generation.current(mine) {
                return;
            }
            if one_turn(&mut work) {
                break;
            }
            next_tick().await;
        }
        done(work);
    });
}
