//! One form control per field, chosen by the field's type. Each has a visible label
//! bound to it, its help text and its error tied on with aria-describedby.

use leptos::prelude::*;

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::input::FieldInput;
use crate::domain::{FieldDef, FieldKind};
use crate::i18n::{label, t};
use crate::ui::kit::format::user_name;
use crate::ui::kit::state::{tk, use_state};
use crate::ui::kit::user_select::user_options;

fn text_of(input: &FieldInput) -> String {
    match input {
        FieldInput::Text(s) => s.clone(),
        FieldInput::Bool(b) => b.to_string(),
        FieldInput::List(items) => items.join(", "),
    }
}

#[component]
pub fn FieldControl(
    field: FieldDef,
    input: RwSignal<FieldInput>,
    error: Signal<Option<String>>,
    /// Tells apart controls of one field shown more than once (a row of a deal's contacts).
    #[prop(optional)]
    id_prefix: String,
) -> impl IntoView {
    let st = use_state();
    let id = format!("f-{id_prefix}{}", field.key);
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let has_help = field.help.is_some();
    let described_by = {
        let (help_id, error_id) = (help_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_help {
                ids.push(help_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.with(Option::is_some).then_some("true");
    let field_label = StoredValue::new(field.label.clone());
    let label_text = move || field_label.with_value(|lb| label(st.locale.get(), lb));
    let help = field.help.clone().map(|h| {
        let help_id = help_id.clone();
        view! {
            <p class="help" id=help_id>
                {move || label(st.locale.get(), &h)}
            </p>
        }
    });
    let required = field.required;
    let text = move || text_of(&input.get());
    let set_text =
        move |ev: leptos::ev::Event| input.set(FieldInput::Text(event_target_value(&ev)));
    let kind = field.kind.clone();

    let control = match kind {
        FieldKind::Checkbox => view! {
            <input
                id=id.clone()
                type="checkbox"
                aria-describedby=described_by.clone()
                prop:checked=move || matches!(input.get(), FieldInput::Bool(true))
                on:change=move |ev| input.set(FieldInput::Bool(event_target_checked(&ev)))
            />
        }
        .into_any(),
        FieldKind::MultiLine => view! {
            <textarea
                id=id.clone()
                rows="4"
                aria-invalid=invalid
                aria-describedby=described_by.clone()
                prop:value=text
                on:input=set_text
            ></textarea>
        }
        .into_any(),
        FieldKind::Picklist { options } => {
            let options = StoredValue::new(options);
            view! {
                <select
                    id=id.clone()
                    aria-invalid=invalid
                    aria-required=required.then_some("true")
                    aria-describedby=described_by.clone()
                    on:change=set_text
                >
                    <option value="">{tk("form.choose")}</option>
                    {move || {
                        let l = st.locale.get();
                        let current = text();
                        options
                            .with_value(|opts| {
                                opts.iter()
                                    .map(|o| {
                                        let v = o.value.clone();
                                        let selected = current == v;
                                        view! {
                                            <option value=v selected=selected>
                                                {label(l, &o.label)}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            })
                    }}
                </select>
            }
            .into_any()
        }
        FieldKind::MultiSelect {
            options,
            open: false,
        } => {
            let options = StoredValue::new(options);
            let choices = Signal::derive(move || {
                let l = st.locale.get();
                options.with_value(|opts| {
                    opts.iter()
                        .map(|o| (o.value.clone(), label(l, &o.label)))
                        .collect::<Vec<_>>()
                })
            });
            view! { <CheckGroup id=id.clone() choices=choices input=input /> }.into_any()
        }
        FieldKind::Users => {
            let choices = Signal::derive(move || {
                let l = st.locale.get();
                st.data.with(|d| {
                    d.user_ids()
                        .into_iter()
                        .map(|u| {
                            let name = user_name(l, d, &u);
                            (u, name)
                        })
                        .collect::<Vec<_>>()
                })
            });
            view! { <CheckGroup id=id.clone() choices=choices input=input /> }.into_any()
        }
        FieldKind::Currency => {
            let currency_id = format!("{id}-currency");
            let split = move || {
                let t = text();
                let mut parts = t.rsplitn(2, ' ');
                let last = parts.next().unwrap_or_default().to_string();
                match parts.next() {
                    Some(amount) => (amount.to_string(), last),
                    None if last.chars().all(|c| c.is_ascii_alphabetic()) && !last.is_empty() => {
                        (String::new(), last)
                    }
                    None => (last, String::new()),
                }
            };
            // A new amount is in the base currency the user chose, whatever the language.
            let default_currency = move || st.base_currency.get();
            let set_amount = move |ev: leptos::ev::Event| {
                let (_, cur) = split();
                let cur = if cur.is_empty() {
                    default_currency()
                } else {
                    cur
                };
                let amount = event_target_value(&ev);
                input.set(FieldInput::Text(if amount.trim().is_empty() {
                    String::new()
                } else {
                    format!("{} {cur}", amount.trim())
                }));
            };
            let set_currency = move |ev: leptos::ev::Event| {
                let (amount, _) = split();
                let cur = event_target_value(&ev).trim().to_uppercase();
                input.set(FieldInput::Text(
                    format!("{amount} {cur}").trim().to_string(),
                ));
            };
            view! {
                <div class="money">
                    <input
                        id=id.clone()
                        type="text"
                        inputmode="decimal"
                        dir="ltr"
                        aria-invalid=invalid
                        aria-describedby=described_by.clone()
                        prop:value=move || split().0
                        on:input=set_amount
                    />
                    <label for=currency_id.clone() class="sub-label">{tk("form.currency")}</label>
                    <input
                        id=currency_id
                        class="currency-code"
                        type="text"
                        maxlength="3"
                        dir="ltr"
                        autocomplete="off"
                        prop:value=move || {
                            let c = split().1;
                            if c.is_empty() { default_currency() } else { c }
                        }
                        on:change=set_currency
                    />
                </div>
            }
            .into_any()
        }
        FieldKind::User => view! {
            <select id=id.clone() aria-describedby=described_by.clone() on:change=set_text>
                <option value="">{tk("form.choose")}</option>
                {user_options(st, text)}
            </select>
        }
        .into_any(),
        FieldKind::Color => view! {
            <input
                id=id.clone()
                type="color"
                aria-describedby=described_by.clone()
                prop:value=move || {
                    let v = text();
                    if v.is_empty() { "#4f6bed".to_string() } else { v }
                }
                on:input=set_text
            />
        }
        .into_any(),
        FieldKind::Lookup { module, within }
            if within.is_some()
                || st
                    .data
                    .with_untracked(|d| d.schema.module(&module).is_some_and(|m| !m.nav)) =>
        {
            // Few choices: a dependent lookup (a deal's stage, among its pipeline's) or
            // a settings-like module (pipelines, members) is a plain select.
            let others = use_context::<FormInputs>();
            view! {
                <select
                    id=id.clone()
                    aria-invalid=invalid
                    aria-required=required.then_some("true")
                    aria-describedby=described_by.clone()
                    on:change=set_text
                >
                    <option value="">{tk("form.choose")}</option>
                    {move || {
                        let current = text();
                        let link = within.as_ref().map(|other| {
                            let parent = others
                                .as_ref()
                                .and_then(|o| o.0.get(other).map(|s| text_of(&s.get())))
                                .unwrap_or_default();
                            (other.clone(), parent)
                        });
                        st.data
                            .with(|d| d.choices(&module, link.as_ref().map(|(f, p)| (f.as_str(), p.as_str()))))
                            .into_iter()
                            .map(|(rid, title)| {
                                let selected = rid == current;
                                view! { <option value=rid selected=selected>{title}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            }
            .into_any()
        }
        FieldKind::Lookup { module, .. } => view! {
            <LookupControl
                id=id.clone()
                module=module
                input=input
                invalid=Signal::derive(move || error.with(Option::is_some))
            />
        }
        .into_any(),
        other => {
            let calendar = untrack(|| st.calendar());
            let other_calendar = calendar != CalendarSystem::Gregorian;
            let placeholder = (other_calendar && matches!(other, FieldKind::Date))
                .then(|| crate::ui::kit::day_input::today_written(calendar))
                .flatten();
            let (input_type, mode, ltr) = match other {
                FieldKind::Email { multiple: false } => ("email", None, true),
                FieldKind::Email { multiple: true } => ("text", Some("email"), true),
                FieldKind::Phone { .. } => ("tel", None, true),
                FieldKind::Url => ("url", None, true),
                FieldKind::Number | FieldKind::Percent => ("text", Some("decimal"), true),
                // The browser's date picker is Gregorian: in another calendar the
                // date is typed as that calendar writes it (1405/09/13).
                FieldKind::Date if other_calendar => ("text", Some("numeric"), true),
                FieldKind::Date => ("date", None, false),
                FieldKind::DateTime => ("datetime-local", None, false),
                _ => ("text", None, false),
            };
            view! {
                <input
                    id=id.clone()
                    type=input_type
                    inputmode=mode
                    placeholder=placeholder
                    dir=ltr.then_some("ltr")
                    aria-invalid=invalid
                    aria-required=required.then_some("true")
                    aria-describedby=described_by.clone()
                    prop:value=text
                    on:input=set_text
                />
            }
            .into_any()
        }
    };

    let is_group = matches!(
        field.kind,
        FieldKind::MultiSelect { open: false, .. } | FieldKind::Users
    );
    let label_el = if is_group {
        view! {
            <span class="label" id=format!("{id}-label")>
                {label_text}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </span>
        }
        .into_any()
    } else {
        view! {
            <label for=id.clone()>
                {label_text}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
        }
        .into_any()
    };

    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            {label_el}
            {control}
            {help}
            <p class="error" id=error_id hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
        </div>
    }
}

/// A group of checkboxes, one per choice (value, label); the group's own label (the
/// field's) names it.
#[component]
fn CheckGroup(
    id: String,
    choices: Signal<Vec<(String, String)>>,
    input: RwSignal<FieldInput>,
) -> impl IntoView {
    let group_label = format!("{id}-label");
    let boxes = move || {
        choices
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, (value, text))| {
                let box_id = format!("{id}-{i}");
                let box_for = box_id.clone();
                let v2 = value.clone();
                let checked = move || match input.get() {
                    FieldInput::List(items) => items.contains(&v2),
                    _ => false,
                };
                view! {
                    <label class="check" for=box_for>
                        <input
                            id=box_id
                            type="checkbox"
                            prop:checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                input.update(|inp| {
                                    let mut items = match inp {
                                        FieldInput::List(items) => items.clone(),
                                        _ => Vec::new(),
                                    };
                                    items.retain(|x| x != &value);
                                    if on {
                                        items.push(value.clone());
                                    }
                                    *inp = FieldInput::List(items);
                                })
                            }
                        />
                        {text}
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <div role="group" aria-labelledby=group_label class="check-group">
            {boxes}
        </div>
    }
}

/// Every field's input of the form being edited, so one control can follow another
/// (the stages offered follow the chosen pipeline).
#[derive(Clone)]
pub struct FormInputs(pub std::collections::BTreeMap<String, RwSignal<FieldInput>>);

/// Picks a record of another module by searching it, so it works with 100,000 records.
/// The option a combobox's arrow key makes active among `n` (never 0): the first or
/// last from none, then round.
pub fn step_option(active: Option<usize>, n: usize, down: bool) -> usize {
    match (active, down) {
        (None, true) => 0,
        (None, false) => n - 1,
        (Some(i), true) => (i + 1) % n,
        (Some(i), false) => (i + n - 1) % n,
    }
}

#[component]
pub fn LookupControl(
    id: String,
    module: String,
    input: RwSignal<FieldInput>,
    invalid: Signal<bool>,
) -> impl IntoView {
    let st = use_state();
    let query = RwSignal::new(String::new());
    let module = StoredValue::new(module);
    let selected = move || match input.get() {
        FieldInput::Text(s) if !s.is_empty() => Some(s),
        _ => None,
    };
    let selected_title = move || {
        let l = st.locale.get();
        selected().map(|rid| {
            st.data
                .with(|d| d.title(&module.get_value(), &rid))
                .unwrap_or_else(|| t(l, "value.missing_record"))
        })
    };
    let matches = move || {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        st.data.with(|d| {
            let Some(set) = d.set(&module.get_value()) else {
                return Vec::new();
            };
            set.search(&q)
                .into_iter()
                .filter_map(|s| set.at(s))
                .take(8)
                .map(|r| (r.id.clone(), set.module.title_of(r)))
                .collect::<Vec<_>>()
        })
    };
    // The WAI-ARIA combobox pattern: the suggestions are a listbox the arrows move
    // through while focus stays in the field; Enter picks the active one and never
    // submits the form; Escape closes the list.
    let active = RwSignal::new(None::<usize>);
    let list_id = format!("{id}-suggestions");
    let option_id = {
        let list_id = list_id.clone();
        move |i: usize| format!("{list_id}-{i}")
    };
    let pick = move |rid: String| {
        input.set(FieldInput::Text(rid));
        query.set(String::new());
        active.set(None);
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let shown = matches();
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" if !shown.is_empty() => {
                ev.prevent_default();
                let down = ev.key() == "ArrowDown";
                active.update(|a| *a = Some(step_option(*a, shown.len(), down)));
            }
            "Enter" => {
                ev.prevent_default();
                if let Some((rid, _)) = active.get_untracked().and_then(|i| shown.get(i).cloned()) {
                    pick(rid);
                }
            }
            "Escape" if !shown.is_empty() => {
                ev.prevent_default();
                query.set(String::new());
                active.set(None);
            }
            _ => {}
        }
    };
    let expanded = move || !matches().is_empty();
    let descendant = {
        let option_id = option_id.clone();
        move || active.get().filter(|_| expanded()).map(&option_id)
    };
    view! {
        <div class="lookup">
            <Show when=move || selected().is_some()>
                <p class="lookup-selected">
                    <span>{selected_title}</span>
                    " "
                    <button
                        type="button"
                        class="link-button"
                        on:click=move |_| input.set(FieldInput::Text(String::new()))
                    >
                        {tk("form.clear")}
                    </button>
                </p>
            </Show>
            <input
                id=id
                type="search"
                role="combobox"
                autocomplete="off"
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || if expanded() { "true" } else { "false" }
                aria-activedescendant=descendant
                placeholder=move || t(st.locale.get(), "form.lookup_placeholder")
                aria-invalid=move || invalid.get().then_some("true")
                prop:value=move || query.get()
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    active.set(None);
                }
                on:keydown=on_key
            />
            <ul class="lookup-results" role="listbox" id=list_id>
                {move || {
                    let current = active.get();
                    matches()
                        .into_iter()
                        .enumerate()
                        .map(|(i, (rid, title))| {
                            let chosen = current == Some(i);
                            view! {
                                <li
                                    role="option"
                                    id=option_id(i)
                                    aria-selected=if chosen { "true" } else { "false" }
                                    class:active=chosen
                                    // Picked by pointer without taking focus from the field.
                                    on:mousedown=move |ev| ev.prevent_default()
                                    on:click=move |_| pick(rid.clone())
                                >
                                    {title}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}
