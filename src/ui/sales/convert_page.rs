//! Converting a lead: choose the company (a new one from the lead, the likely match
//! the app found, another existing one, or none) and optionally a deal; everything is
//! written in one transaction.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::records::input::{parse_input, FieldInput};
use crate::domain::rules::conversion::{
    likely_company, new_company_name, plan_conversion, CompanyChoice, ConversionError,
    ConversionRequest, DealChoice, TARGETS,
};
use crate::domain::sales::pipeline_records::{load_pipeline, pipeline_list};
use crate::domain::{FieldKind, Label, Value};
use crate::i18n::{capitalised, field_error, label, t, tr};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{new_id, now, tk, use_state};
use crate::ui::writes::actions::commit_plan;
use crate::ui::writes::write_queue::wait_turn;

#[component]
pub fn ConvertPage(lead: String) -> impl IntoView {
    let st = use_state();
    let Some(record) = st
        .data
        .with_untracked(|d| d.get(TARGETS.lead, &lead).cloned())
    else {
        return view! { <crate::ui::kit::notice::NotFound /> }.into_any();
    };
    let title = st
        .data
        .with_untracked(|d| d.title(TARGETS.lead, &lead))
        .unwrap_or_default();
    let company_name = new_company_name(&record);
    let likely = st.data.with_untracked(|d| likely_company(d, &record));
    let likely_name = likely
        .as_ref()
        .and_then(|id| st.data.with_untracked(|d| d.title(TARGETS.company, id)));
    // Offer the match first: a second company of the same name is the usual mistake.
    let choice = RwSignal::new(match (&likely, company_name.is_empty()) {
        (Some(_), _) => "likely".to_string(),
        (None, false) => "new".to_string(),
        (None, true) => "none".to_string(),
    });
    let other_company = RwSignal::new(String::new());
    let company_search = RwSignal::new(String::new());
    let with_deal = RwSignal::new(true);
    let pipelines = st.data.with_untracked(pipeline_list);
    let pipeline = RwSignal::new(
        pipelines
            .first()
            .map(|(id, _)| id.clone())
            .unwrap_or_default(),
    );
    let stage = RwSignal::new(String::new());
    let deal_title = RwSignal::new(if company_name.is_empty() {
        title.clone()
    } else {
        company_name.clone()
    });
    let amount = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<String>::new());
    let lead_id = StoredValue::new(lead.clone());
    let likely = StoredValue::new(likely);

    let stages = move || {
        st.data.with(|d| {
            load_pipeline(d, &pipeline.get())
                .map(|p| {
                    p.stages
                        .into_iter()
                        .filter(|s| s.outcome == crate::domain::sales::pipeline::Outcome::Open)
                        .map(|s| {
                            let name = match s.name {
                                Label::Text(n) => n,
                                Label::Key(k) => k,
                            };
                            (s.id, name)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    // The deal starts in the pipeline's first stage.
    Effect::new(move |_| {
        pipeline.track();
        stage.set(
            stages()
                .first()
                .map(|(id, _)| id.clone())
                .unwrap_or_default(),
        );
    });

    let convert = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if st.busy.get_untracked() {
            return;
        }
        let l = st.locale.get_untracked();
        let company = match choice.get_untracked().as_str() {
            "new" => CompanyChoice::New,
            "likely" => likely
                .get_value()
                .map(CompanyChoice::Existing)
                .unwrap_or(CompanyChoice::New),
            "other" => {
                let id = other_company.get_untracked();
                if id.is_empty() {
                    errors.set(vec![t(l, "convert.choose_company")]);
                    return;
                }
                CompanyChoice::Existing(id)
            }
            _ => CompanyChoice::Skip,
        };
        let deal = if with_deal.get_untracked() {
            let typed = amount.get_untracked();
            let ctx = st.parse_context();
            let money =
                match parse_input(&FieldKind::Currency, &FieldInput::Text(typed.clone()), &ctx) {
                    Ok(Some(Value::Money(m))) => Some(m),
                    Ok(_) => None,
                    Err(p) => {
                        let name = t(l, "field.amount");
                        errors.set(vec![tr(
                            l,
                            p.key(),
                            &[("field", &name), ("value", &p.detail())],
                        )]);
                        return;
                    }
                };
            Some(DealChoice {
                pipeline: pipeline.get_untracked(),
                stage: stage.get_untracked(),
                title: deal_title.get_untracked(),
                amount: money.map(|m| *m),
            })
        } else {
            None
        };
        let req = ConversionRequest {
            lead: lead_id.get_value(),
            company,
            deal,
        };
        let user = st.current_user.get_untracked();
        spawn_local(async move {
            // Planned in the write's turn, over memory as every earlier write left it.
            let turn = wait_turn(st).await;
            let mut ids = new_id;
            let plan = st
                .data
                .with_untracked(|d| plan_conversion(d, &req, now(), &user, &mut ids));
            let plan = match plan {
                Ok(p) => p,
                Err(e) => {
                    let lines = match &e {
                        ConversionError::Invalid(list) => st.data.with_untracked(|d| {
                            list.iter()
                                .map(|(module, fe)| {
                                    let m = d.schema.module(module);
                                    let what = m
                                        .map(|m| capitalised(l, &label(l, &m.singular)))
                                        .unwrap_or_default();
                                    format!("{what}: {}", field_error(l, m, fe))
                                })
                                .collect()
                        }),
                        other => vec![t(l, other.key())],
                    };
                    errors.set(lines);
                    return;
                }
            };
            errors.set(Vec::new());
            let contact = plan.contact.clone();
            match commit_plan(st, turn, plan.write).await {
                Ok(_) => {
                    navigate(&Route::View(TARGETS.contact.into(), contact));
                    st.notice.set(Some(Notice::success(t(l, "convert.done"))));
                }
                Err(msg) => errors.set(vec![msg]),
            }
        });
    };

    let company_matches = move || {
        let q = company_search.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        st.data.with(|d| {
            let Some(set) = d.set(TARGETS.company) else {
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
    let heading = {
        let title = title.clone();
        move || tr(st.locale.get(), "convert.title", &[("title", &title)])
    };
    let new_label = {
        let name = company_name.clone();
        move || tr(st.locale.get(), "convert.company_new", &[("name", &name)])
    };
    let likely_label = likely_name
        .clone()
        .map(|n| move || tr(st.locale.get(), "convert.company_likely", &[("name", &n)]));
    view! {
        <section class="page convert-page">
            <h1>{heading}</h1>
            <form on:submit=convert novalidate>
                {move || {
                    let list = errors.get();
                    (!list.is_empty())
                        .then(|| {
                            view! {
                                <div class="form-error" role="alert">
                                    <p>{tk("convert.refused")}</p>
                                    <ul>{list.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                                </div>
                            }
                        })
                }}
                <fieldset class="form-section">
                    <legend>{tk("convert.company")}</legend>
                    {likely_label.map(|lbl| view! {
                        <label class="check">
                            <input type="radio" name="convert-company" value="likely"
                                prop:checked=move || choice.get() == "likely"
                                on:change=move |_| choice.set("likely".into()) />
                            {lbl}
                        </label>
                    })}
                    {(!company_name.is_empty()).then(|| view! {
                        <label class="check">
                            <input type="radio" name="convert-company" value="new"
                                prop:checked=move || choice.get() == "new"
                                on:change=move |_| choice.set("new".into()) />
                            {new_label}
                        </label>
                    })}
                    <label class="check">
                        <input type="radio" name="convert-company" value="other"
                            prop:checked=move || choice.get() == "other"
                            on:change=move |_| choice.set("other".into()) />
                        {tk("convert.company_other")}
                    </label>
                    <Show when=move || choice.get() == "other">
                        <div class="field lookup">
                            <label for="convert-company-search">{tk("convert.find_company")}</label>
                            <input id="convert-company-search" type="search" autocomplete="off"
                                prop:value=move || company_search.get()
                                on:input=move |ev| company_search.set(event_target_value(&ev)) />
                            <p class="lookup-selected">
                                {move || {
                                    let id = other_company.get();
                                    (!id.is_empty()).then(|| st.data.with(|d| d.title(TARGETS.company, &id)).unwrap_or_default())
                                }}
                            </p>
                            <ul class="lookup-results">
                                {move || company_matches().into_iter().map(|(id, name)| view! {
                                    <li><button type="button" on:click=move |_| { other_company.set(id.clone()); company_search.set(String::new()); }>{name}</button></li>
                                }).collect_view()}
                            </ul>
                        </div>
                    </Show>
                    <label class="check">
                        <input type="radio" name="convert-company" value="none"
                            prop:checked=move || choice.get() == "none"
                            on:change=move |_| choice.set("none".into()) />
                        {tk("convert.company_none")}
                    </label>
                </fieldset>
                <fieldset class="form-section">
                    <legend>{tk("convert.deal")}</legend>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || with_deal.get()
                            on:change=move |ev| with_deal.set(event_target_checked(&ev)) />
                        {tk("convert.with_deal")}
                    </label>
                    <Show when=move || with_deal.get()>
                        <div class="form-grid">
                            <div class="field">
                                <label for="convert-deal-title">{tk("field.title")}</label>
                                <input id="convert-deal-title" prop:value=move || deal_title.get()
                                    on:input=move |ev| deal_title.set(event_target_value(&ev)) />
                            </div>
                            <div class="field">
                                <label for="convert-pipeline">{tk("field.pipeline")}</label>
                                <select id="convert-pipeline" on:change=move |ev| pipeline.set(event_target_value(&ev))>
                                    {pipelines.iter().map(|(id, name)| {
                                        let selected = *id == pipeline.get_untracked();
                                        view! { <option value=id.clone() selected=selected>{name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="convert-stage">{tk("field.stage")}</label>
                                <select id="convert-stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                                    {move || {
                                        let current = stage.get();
                                        stages().into_iter().map(|(id, name)| {
                                            let selected = id == current;
                                            view! { <option value=id selected=selected>{name}</option> }
                                        }).collect_view()
                                    }}
                                </select>
                            </div>
                            <div class="field">
                                <label for="convert-amount">{tk("field.amount")}</label>
                                <input id="convert-amount" dir="ltr" aria-describedby="convert-amount-help"
                                    prop:value=move || amount.get()
                                    on:input=move |ev| amount.set(event_target_value(&ev)) />
                                <p class="help" id="convert-amount-help">{tk("convert.amount_help")}</p>
                            </div>
                        </div>
                    </Show>
                </fieldset>
                <div class="actions form-actions">
                    <button type="submit" class="primary" disabled=move || st.busy.get()>{tk("convert.action")}</button>
                    <a class="button" href=Route::View(TARGETS.lead.into(), lead.clone()).href()>{tk("action.cancel")}</a>
                </div>
            </form>
        </section>
    }
    .into_any()
}
