//! The stage editor: add a pipeline; add, rename, reorder, re-weight and remove its
//! stages. Edits collect in a draft and are saved together in one transaction, with
//! the deals of a removed stage moved where the user said.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::records::field::Label;
use crate::domain::records::normalize::fold;
use crate::domain::sales::pipeline::{Outcome, Pipeline, PipelineError, Stage};
use crate::domain::sales::pipeline_records::{deals_in_stage, load_pipeline, pipeline_list};
use crate::i18n::{t, tn, tr, Locale};
use crate::ui::kit::format::count;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{new_id, tk, use_state};
use crate::ui::writes::actions::save_pipeline;

fn name_of(l: Locale, n: &Label) -> String {
    match n {
        Label::Text(s) => s.clone(),
        Label::Key(k) => t(l, k),
    }
}

fn fresh_pipeline(l: Locale) -> Pipeline {
    let stage = |key: &str, probability, outcome| Stage {
        id: new_id(),
        name: Label::Text(t(l, key)),
        probability,
        outcome,
    };
    Pipeline {
        id: new_id(),
        name: Label::Text(String::new()),
        stages: vec![
            stage("stage.qualification", 10, Outcome::Open),
            stage("stage.won", 100, Outcome::Won),
            stage("stage.lost", 0, Outcome::Lost),
        ],
    }
}

#[component]
pub fn PipelineEditor(pipeline: String) -> impl IntoView {
    let st = use_state();
    let l0 = st.locale.get_untracked();
    let list = st.data.with_untracked(pipeline_list);
    let chosen = if pipeline.is_empty() {
        list.first().map(|(id, _)| id.clone()).unwrap_or_default()
    } else {
        pipeline.clone()
    };
    let existing = st.data.with_untracked(|d| load_pipeline(d, &chosen));
    let is_new = existing.is_none();
    let draft = RwSignal::new(existing.unwrap_or_else(|| fresh_pipeline(l0)));
    let moves = RwSignal::new(Vec::<(String, String)>::new());
    let error = RwSignal::new(None::<String>);
    let removing = RwSignal::new(None::<String>);
    let new_name = RwSignal::new(String::new());
    let new_probability = RwSignal::new(String::new());

    let fail = move |e: PipelineError| {
        let l = st.locale.get_untracked();
        let n = match &e {
            PipelineError::StageHasDeals(n) => *n,
            _ => 0,
        };
        error.set(Some(tr(l, e.key(), &[("n", &count(l, n))])));
    };
    let edit = move |f: &dyn Fn(&mut Pipeline) -> Result<(), PipelineError>| {
        let mut p = draft.get_untracked();
        match f(&mut p) {
            Ok(()) => {
                error.set(None);
                draft.set(p);
                st.unsaved.set(true);
            }
            Err(e) => fail(e),
        }
    };
    on_cleanup(move || st.unsaved.set(false));

    let add_stage = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = new_name.get_untracked();
        let text = new_probability.get_untracked();
        let probability = if text.trim().is_empty() {
            Ok(0.0)
        } else {
            crate::domain::records::input::parse_number(text.trim().trim_end_matches('%'))
        };
        let Ok(probability) = probability else {
            fail(PipelineError::ProbabilityOver100);
            return;
        };
        if !(0.0..=100.0).contains(&probability) {
            fail(PipelineError::ProbabilityOver100);
            return;
        }
        let id = new_id();
        let mut ok = false;
        edit(&|p: &mut Pipeline| {
            let at = usize::MAX;
            p.add_stage(&id, &name, probability.round() as u8, at)
        });
        if draft.with_untracked(|p| p.stage(&id).is_some()) {
            ok = true;
        }
        if ok {
            new_name.set(String::new());
            new_probability.set(String::new());
        }
    };

    let save = move |_| {
        let l = st.locale.get_untracked();
        let p = draft.get_untracked();
        let name = name_of(l, &p.name).trim().to_string();
        if name.is_empty() {
            fail(PipelineError::EmptyName);
            return;
        }
        let taken = st.data.with_untracked(|d| {
            pipeline_list(d)
                .into_iter()
                .any(|(id, n)| id != p.id && fold(&n) == fold(&name))
        });
        if taken {
            error.set(Some(tr(
                l,
                "pipeline.err.duplicate_name",
                &[("name", &name)],
            )));
            return;
        }
        let m = moves.get_untracked();
        spawn_local(async move {
            match save_pipeline(st, &p, &m).await {
                Ok(()) => {
                    st.unsaved.set(false);
                    moves.set(Vec::new());
                    st.notice.set(Some(Notice::success(t(l, "pipeline.saved"))));
                    navigate(&Route::Board(String::new(), p.id.clone()));
                }
                Err(msg) => error.set(Some(msg)),
            }
        });
    };

    let stage_rows = move || {
        let l = st.locale.get();
        let p = draft.get();
        let open_count = p
            .stages
            .iter()
            .filter(|s| s.outcome == Outcome::Open)
            .count();
        p.stages
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let id = StoredValue::new(s.id.clone());
                let name = name_of(l, &s.name);
                let is_open = s.outcome == Outcome::Open;
                let held = st.data.with_untracked(|d| deals_in_stage(d, &s.id).len());
                let name_id = format!("stage-name-{i}");
                let prob_id = format!("stage-prob-{i}");
                let outcome = t(l, &format!("option.outcome.{}", match s.outcome {
                    Outcome::Open => "open",
                    Outcome::Won => "won",
                    Outcome::Lost => "lost",
                }));
                let up = tr(l, "pipeline.move_up", &[("name", &name)]);
                let down = tr(l, "pipeline.move_down", &[("name", &name)]);
                let remove = tr(l, "pipeline.remove_stage", &[("name", &name)]);
                let targets: Vec<(String, String)> = p
                    .stages
                    .iter()
                    .filter(|o| o.id != s.id)
                    .map(|o| (o.id.clone(), name_of(l, &o.name)))
                    .collect();
                view! {
                    <tr>
                        <td>
                            <label class="visually-hidden" for=name_id.clone()>
                                {tr(l, "pipeline.stage_name_n", &[("n", &count(l, i + 1))])}
                            </label>
                            <input
                                id=name_id
                                value=name.clone()
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit(&|p: &mut Pipeline| p.rename_stage(&id.get_value(), &v));
                                }
                            />
                        </td>
                        <td>
                            <label class="visually-hidden" for=prob_id.clone()>
                                {tr(l, "pipeline.stage_probability_of", &[("name", &name)])}
                            </label>
                            <input
                                id=prob_id
                                inputmode="numeric"
                                dir="ltr"
                                size="4"
                                disabled=!is_open
                                value=s.probability.to_string()
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    match v.trim().trim_end_matches('%').parse::<u16>() {
                                        Ok(n) if n <= 100 => {
                                            edit(&|p: &mut Pipeline| p.set_probability(&id.get_value(), n as u8))
                                        }
                                        _ => fail(PipelineError::ProbabilityOver100),
                                    }
                                }
                            />
                        </td>
                        <td>{outcome}</td>
                        <td>{count(l, held)}</td>
                        <td class="actions">
                            {is_open.then(|| view! {
                                <button type="button" class="small" aria-label=up disabled={i == 0}
                                    on:click=move |_| edit(&|p: &mut Pipeline| p.move_stage(&id.get_value(), i.saturating_sub(1)))>
                                    "↑"
                                </button>
                                <button type="button" class="small" aria-label=down disabled={i + 1 >= open_count}
                                    on:click=move |_| edit(&|p: &mut Pipeline| p.move_stage(&id.get_value(), i + 1))>
                                    "↓"
                                </button>
                                <button type="button" class="small danger" aria-label=remove
                                    on:click=move |_| {
                                        if held > 0 {
                                            removing.set(Some(id.get_value()));
                                        } else {
                                            edit(&|p: &mut Pipeline| p.remove_stage(&id.get_value(), 0, None).map(|_| ()));
                                        }
                                    }>
                                    {t(l, "action.remove")}
                                </button>
                            })}
                            {move || (removing.get() == Some(id.get_value())).then(|| {
                                let target = RwSignal::new(String::new());
                                let select_id = format!("move-to-{i}");
                                let label_id = format!("{select_id}-label");
                                let label_for = label_id.clone();
                                let l = st.locale.get();
                                view! {
                                    <div class="confirm" role="alertdialog" aria-labelledby=label_id>
                                        <label id=label_for for=select_id.clone()>
                                            {tn(l, "pipeline.move_deals_to", held, &count(l, held))}
                                        </label>
                                        <select id=select_id on:change=move |ev| target.set(event_target_value(&ev))>
                                            <option value="">{t(l, "form.choose")}</option>
                                            {targets.iter().map(|(tid, tname)| view! { <option value=tid.clone()>{tname.clone()}</option> }).collect_view()}
                                        </select>
                                        <button type="button" class="danger" on:click=move |_| {
                                            let to = target.get_untracked();
                                            let from = id.get_value();
                                            let to_opt = (!to.is_empty()).then_some(to.clone());
                                            edit(&|p: &mut Pipeline| p.remove_stage(&from, held, to_opt.as_deref()).map(|_| ()));
                                            if draft.with_untracked(|p| p.stage(&from).is_none()) {
                                                moves.update(|m| m.push((from.clone(), to.clone())));
                                                removing.set(None);
                                            }
                                        }>
                                            {t(l, "action.remove")}
                                        </button>
                                        <button type="button" on:click=move |_| removing.set(None)>{t(l, "action.cancel")}</button>
                                    </div>
                                }
                            })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <section class="page pipeline-editor">
            <div class="page-head">
                <h1>{tk("pipeline.editor_title")}</h1>
                <div class="actions">
                    <a class="button" href=Route::Pipelines("new".into()).href()>{tk("pipeline.new")}</a>
                </div>
            </div>
            <div class="field">
                <label for="pipeline-pick">{tk("pipeline.choose")}</label>
                <select id="pipeline-pick" on:change=move |ev| navigate(&Route::Pipelines(event_target_value(&ev)))>
                    {is_new.then(|| view! { <option value="new" selected=true>{tk("pipeline.new")}</option> })}
                    {list
                        .into_iter()
                        .map(|(id, name)| {
                            let selected = id == chosen;
                            view! { <option value=id selected=selected>{name}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="pipeline-name">{tk("pipeline.name")}</label>
                <input
                    id="pipeline-name"
                    prop:value=move || name_of(st.locale.get(), &draft.get().name)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|p| p.name = Label::Text(v.trim().to_string()));
                        st.unsaved.set(true);
                    }
                />
            </div>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <table class="stages-table">
                <caption>{tk("pipeline.stages")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tk("field.name")}</th>
                        <th scope="col">{tk("field.probability")}</th>
                        <th scope="col">{tk("field.outcome")}</th>
                        <th scope="col">{tk("module.deals.many")}</th>
                        <th scope="col">{tk("pipeline.actions")}</th>
                    </tr>
                </thead>
                <tbody>{stage_rows}</tbody>
            </table>
            <form class="add-stage" on:submit=add_stage>
                <h2>{tk("pipeline.add_stage")}</h2>
                <div class="field">
                    <label for="new-stage-name">{tk("pipeline.new_stage_name")}</label>
                    <input id="new-stage-name" prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="new-stage-probability">{tk("pipeline.new_stage_probability")}</label>
                    <input id="new-stage-probability" inputmode="numeric" dir="ltr" prop:value=move || new_probability.get() on:input=move |ev| new_probability.set(event_target_value(&ev)) />
                </div>
                <button type="submit">{tk("pipeline.add_stage")}</button>
            </form>
            <div class="actions form-actions">
                <button type="button" class="primary" disabled=move || st.busy.get() on:click=save>
                    {tk("pipeline.save")}
                </button>
            </div>
        </section>
    }
}
