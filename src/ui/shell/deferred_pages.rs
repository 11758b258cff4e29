//! Every page but the home screen, each loaded on first use from its own part of the
//! release build, so the first download carries the shell and the first screen only.
//!
//! A release build marks each function below as a split point (`wasm_split`); the
//! build's post-step (`.ci/split_wasm`) cuts the code only they reach into separate
//! wasm files, fetched when the page is first opened. Debug builds (`trunk serve`,
//! the browser tests) are not split: the same functions are plain `async fn`s there.

use std::future::Future;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::ui::activities::calendar_page::CalendarPage;
use crate::ui::activities::my_work::MyWork;
use crate::ui::analytics::custom_dashboard::DashboardsPage;
use crate::ui::analytics::dashboard_page::DrillPage;
use crate::ui::interchange::backup_page::BackupPage;
use crate::ui::interchange::import_page::ImportPage;
use crate::ui::kit::state::{tk, use_state};
use crate::ui::quality::duplicates_page::DuplicatesPage;
use crate::ui::quality::merge_page::MergePage;
use crate::ui::records::list_view::ListView;
use crate::ui::records::record_form::RecordForm;
use crate::ui::records::record_page::RecordPage;
use crate::ui::reports::{ReportBuilder, ReportsPage};
use crate::ui::sales::board_page::BoardPage;
use crate::ui::sales::convert_page::ConvertPage;
use crate::ui::sales::pipeline_editor::PipelineEditor;
use crate::ui::settings::dry_run_page::DryRunPage;
use crate::ui::settings::schema_page::SchemaPage;
use crate::ui::settings::settings_page::SettingsPage;
use crate::ui::shell::global_search::SearchPage;
use crate::ui::shell::page_title::retitle;

/// A page's code could not be fetched: the network is gone, or the host now serves a
/// newer build than the one running.
#[derive(Debug)]
pub struct NotLoaded;

#[cfg(not(debug_assertions))]
impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// One page behind a split point: `part` names the wasm file it lands in. Pages used
/// together share a part: the tool makes one more file for every set of parts that
/// share code, so a few parts keep the files few.
macro_rules! deferred {
    ($part:ident fn $name:ident($($arg:ident: $ty:ty),*) => $page:expr) => {
        #[cfg(not(debug_assertions))]
        #[leptos::wasm_split::wasm_split($part, fallible, wasm_split_path = ::leptos::wasm_split)]
        pub fn $name($($arg: $ty),*) -> Result<AnyView, NotLoaded> {
            Ok($page.into_any())
        }
        #[cfg(debug_assertions)]
        pub async fn $name($($arg: $ty),*) -> Result<AnyView, NotLoaded> {
            Ok($page.into_any())
        }
    };
}

deferred!(records fn list(module: String) => view! { <ListView module=module /> });
deferred!(records fn record(module: String, id: String) => view! { <RecordPage module=module id=id /> });
deferred!(records fn new_record(module: String, prefill: Vec<(String, String)>) => view! { <RecordForm module=module id=None prefill=prefill /> });
deferred!(records fn edit_record(module: String, id: String) => view! { <RecordForm module=module id=Some(id) prefill=vec![] /> });
deferred!(records fn search(query: String) => view! { <SearchPage query=query /> });
deferred!(board fn board(module: String, pipeline: String) => view! { <BoardPage module=module pipeline=pipeline /> });
deferred!(activities fn my_work() => view! { <MyWork /> });
deferred!(activities fn calendar(which: String, day: String) => view! { <CalendarPage view=which day=day /> });
deferred!(interchange fn backup() => view! { <BackupPage /> });
deferred!(interchange fn import(module: String) => view! { <ImportPage module=module /> });
deferred!(quality fn duplicates(module: String) => view! { <DuplicatesPage module=module /> });
deferred!(quality fn merge(module: String, master: String, other: String) => view! { <MergePage module=module master=master other=other /> });
deferred!(quality fn convert(lead: String) => view! { <ConvertPage lead=lead /> });
deferred!(settings fn settings() => view! { <SettingsPage /> });
deferred!(settings fn pipelines(pipeline: String) => view! { <PipelineEditor pipeline=pipeline /> });
deferred!(settings fn schema(module: String) => view! { <SchemaPage module=module /> });
deferred!(settings fn dry_run(rule: String) => view! { <DryRunPage rule=rule /> });
deferred!(analytics fn reports() => view! { <ReportsPage /> });
deferred!(analytics fn report(id: String) => view! { <ReportBuilder id=id /> });
deferred!(analytics fn dashboards(id: String) => view! { <DashboardsPage id=id /> });
deferred!(analytics fn drill(key: String) => view! { <DrillPage key=key /> });

/// Shows a deferred page once its code is in: a status line while it is fetched, and
/// the cause (with the way out) if it cannot be.
pub fn when_loaded(page: impl Future<Output = Result<AnyView, NotLoaded>> + 'static) -> AnyView {
    let st = use_state();
    // The page's view is built on this thread only; Suspense asks for Send.
    let page = SendWrapper::new(page);
    let (loading, not_loaded) = (tk("page.loading"), tk("page.not_loaded"));
    let waiting = move || view! { <p class="loading" role="status">{loading}</p> };
    view! {
        <Suspense fallback=waiting>
            {Suspend::new(async move {
                match page.await {
                    Ok(view) => {
                        // Its heading names the tab once drawn.
                        retitle(st);
                        view
                    }
                    Err(NotLoaded) => view! {
                        <div class="notice notice-error" role="alert">
                            <p>{not_loaded}</p>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
