//! Browser tests of the storage layer over real IndexedDB in headless Chromium.
#![cfg(target_arch = "wasm32")]

use crm::domain::FieldValues;

use crm::domain::records::history_batch::expanded_id;
use crm::domain::records::record::{ChangeEntry, ChangeKind};
use crm::domain::samples::sample::sample_records;
use crm::domain::writes::WritePlan;
use crm::domain::{Record, Value};
use crm::storage::codec::{encode_change, encode_record, encode_record_doc};
use crm::storage::db::Committed;
use crm::storage::schema::{CHANGES, DB_VERSION, RECORDS};
use crm::storage::Db;
use crm::storage::StorageError;
use rexie::TransactionMode;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_name(tag: &str) -> String {
    format!("test-{tag}-{}", js_sys::Math::random())
}

fn company(id: &str, name: &str) -> Record {
    let values: FieldValues = [("name".to_string(), Value::Text(name.into()))].into();
    Record::new(
        id.into(),
        "companies",
        1_000,
        Some("local-user".into()),
        values,
    )
}

fn sorted(mut records: Vec<Record>) -> Vec<Record> {
    records.sort_by(|a, b| a.id.cmp(&b.id));
    records
}

/// The batch shape most of these tests were first written in: updates as their new
/// revision, deletes by id. `commit_batch` makes it the `WritePlan` a planner would:
/// an update's "before" is its previous revision, a delete the record as stored now.
#[derive(Default, Clone)]
struct WriteBatch {
    inserts: Vec<Record>,
    updates: Vec<Record>,
    deletes: Vec<String>,
    changes: Vec<ChangeEntry>,
}

trait CommitBatch {
    async fn commit_batch(&self, batch: &WriteBatch) -> Result<Committed, StorageError>;
    async fn replace_all(
        &self,
        records: &[&Record],
        changes: &[ChangeEntry],
    ) -> Result<Committed, StorageError>;
}

impl CommitBatch for Db {
    async fn commit_batch(&self, batch: &WriteBatch) -> Result<Committed, StorageError> {
        let stored = if batch.deletes.is_empty() {
            Vec::new()
        } else {
            self.load_all().await?
        };
        let plan = WritePlan {
            inserts: batch.inserts.clone(),
            updates: batch
                .updates
                .iter()
                .map(|a| {
                    let mut b = a.clone();
                    b.revision -= 1;
                    (b, a.clone())
                })
                .collect(),
            deletes: batch
                .deletes
                .iter()
                .filter_map(|id| stored.iter().find(|r| &r.id == id).cloned())
                .collect(),
            changes: batch.changes.clone(),
            ..Default::default()
        };
        self.commit(&plan).await
    }

    async fn replace_all(
        &self,
        records: &[&Record],
        changes: &[ChangeEntry],
    ) -> Result<Committed, StorageError> {
        let plan = WritePlan::replace_everything(
            records.iter().map(|r| (*r).clone()).collect(),
            changes.to_vec(),
        );
        self.commit(&plan).await
    }
}

fn inserts(records: Vec<Record>) -> WriteBatch {
    WriteBatch {
        inserts: records,
        ..Default::default()
    }
}

#[wasm_bindgen_test]
async fn records_round_trip_through_a_reopened_database() {
    let name = fresh_name("roundtrip");
    let records = sample_records(1_700_000_000_000);
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    db.commit_batch(&inserts(records.clone())).await.unwrap();
    db.close();

    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let loaded = db.load_all().await.unwrap();
    assert_eq!(sorted(loaded), sorted(records));
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_failing_batch_leaves_nothing_behind() {
    let name = fresh_name("atomic");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let original = company("a", "Acme");
    db.commit_batch(&inserts(vec![original.clone()]))
        .await
        .unwrap();

    // An update, two new records and a duplicate id: the duplicate fails, so none of it may stay.
    let renamed = original
        .revised(
            [("name".to_string(), Value::Text("Acme Renamed".into()))].into(),
            original.owner.clone(),
            2_000,
        )
        .unwrap();
    let batch = WriteBatch {
        inserts: vec![
            company("b", "Bolt"),
            company("c", "Cobalt"),
            company("a", "Clash"),
        ],
        updates: vec![renamed],
        deletes: vec![],
        changes: vec![ChangeEntry {
            id: "ch-1".into(),
            record_id: "a".into(),
            module: "companies".into(),
            at: 2_000,
            user: None,
            revision: 2,
            kind: ChangeKind::Updated,
            fields: vec![],
        }],
    };
    let err = db.commit_batch(&batch).await.unwrap_err();
    assert_eq!(err.op, "storage.op.save");
    assert!(!err.detail.is_empty(), "the cause must be kept: {err:?}");

    assert_eq!(db.load_all().await.unwrap(), vec![original]);
    assert!(db.changes_for("a").await.unwrap().is_empty());
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_stale_update_is_refused_so_no_change_is_lost() {
    let name = fresh_name("conflict");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let v1 = company("a", "Acme");
    db.commit_batch(&inserts(vec![v1.clone()])).await.unwrap();
    let rename = |from: &Record, to: &str| {
        from.revised(
            [("name".to_string(), Value::Text(to.into()))].into(),
            from.owner.clone(),
            2_000,
        )
        .unwrap()
    };
    // Two tabs both start from revision 1; the first save wins.
    let first = rename(&v1, "Acme One");
    let second = rename(&v1, "Acme Two");
    db.commit_batch(&WriteBatch {
        updates: vec![first.clone()],
        ..Default::default()
    })
    .await
    .unwrap();
    let err = db
        .commit_batch(&WriteBatch {
            updates: vec![second],
            inserts: vec![company("b", "Bolt")],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.op, crm::storage::db::CONFLICT);
    assert_eq!(db.load_all().await.unwrap(), vec![first]);
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_failing_restore_keeps_the_previous_data() {
    let name = fresh_name("restore");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let before = vec![company("a", "Acme"), company("b", "Bolt")];
    db.commit_batch(&inserts(before.clone())).await.unwrap();

    let clash = [company("x", "X"), company("x", "X again")];
    assert!(db
        .replace_all(&clash.iter().collect::<Vec<_>>(), &[])
        .await
        .is_err());
    assert_eq!(sorted(db.load_all().await.unwrap()), before);
    // Written a chunk at a time, yet one transaction: a clash in a late chunk
    // undoes the chunks already written, and the clearing before them.
    let mut many: Vec<_> = (0..4_500)
        .map(|i| company(&format!("m{i}"), &format!("Company {i}")))
        .collect();
    many.push(company("m10", "Again"));
    assert!(db
        .replace_all(&many.iter().collect::<Vec<_>>(), &[])
        .await
        .is_err());
    assert_eq!(sorted(db.load_all().await.unwrap()), before);
    assert!(db.commit_batch(&inserts(many)).await.is_err());
    assert_eq!(sorted(db.load_all().await.unwrap()), before);

    let after = vec![company("z", "Zeta")];
    let history = vec![ChangeEntry {
        id: "h1".into(),
        record_id: "z".into(),
        module: "companies".into(),
        at: 5,
        user: None,
        revision: 1,
        kind: ChangeKind::Created,
        fields: vec![],
    }];
    db.replace_all(&after.iter().collect::<Vec<_>>(), &history)
        .await
        .unwrap();
    assert_eq!(db.load_all().await.unwrap(), after);
    assert_eq!(db.load_all_changes().await.unwrap(), history);
    assert_eq!(db.changes_for("z").await.unwrap(), history);
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn history_is_kept_per_record_and_deleted_with_it() {
    let name = fresh_name("history");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let a = company("a", "Acme");
    let change = |id: &str, rev: u64| ChangeEntry {
        id: id.into(),
        record_id: "a".into(),
        module: "companies".into(),
        at: 1_000 + rev as i64,
        user: Some("local-user".into()),
        revision: rev,
        kind: if rev == 1 {
            ChangeKind::Created
        } else {
            ChangeKind::Updated
        },
        fields: vec![],
    };
    db.commit_batch(&WriteBatch {
        inserts: vec![a.clone()],
        changes: vec![change("c1", 1)],
        ..Default::default()
    })
    .await
    .unwrap();
    let a2 = a
        .revised(
            [("name".to_string(), Value::Text("Acme 2".into()))].into(),
            a.owner.clone(),
            2_000,
        )
        .unwrap();
    db.commit_batch(&WriteBatch {
        updates: vec![a2],
        changes: vec![change("c2", 2)],
        ..Default::default()
    })
    .await
    .unwrap();
    let revs: Vec<u64> = db
        .changes_for("a")
        .await
        .unwrap()
        .iter()
        .map(|c| c.revision)
        .collect();
    assert_eq!(revs, vec![1, 2]);

    db.commit_batch(&WriteBatch {
        deletes: vec!["a".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    assert!(db.load_all().await.unwrap().is_empty());
    assert!(db.changes_for("a").await.unwrap().is_empty());
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn upgrading_from_version_one_keeps_every_record() {
    let name = fresh_name("upgrade");
    // Stage the database as version 1 left it: no history store, no data-version
    // marker, tags as one comma-separated text.
    let v1 = Db::open_named(&name, 1).await.unwrap();
    assert!(!v1.rexie().store_names().contains(&"changes".to_string()));
    let count = 250;
    {
        let tx = v1
            .rexie()
            .transaction(&[RECORDS], TransactionMode::ReadWrite)
            .unwrap();
        let store = tx.store(RECORDS).unwrap();
        for i in 0..count {
            let doc = serde_json::json!({
                "id": format!("c{i:03}"), "module": "companies", "created_at": i,
                "updated_at": i, "owner": "local-user", "revision": 1,
                "values": {"name": {"text": format!("Firma {i} — شرکت")}, "tags": {"text": "vip, north"}}
            });
            let entry = encode_record_doc(&format!("c{i:03}"), "companies", &doc).unwrap();
            store.put(&entry, None).await.unwrap();
        }
        assert!(tx.done().await.unwrap().is_committed());
    }
    v1.close();

    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    assert!(db.rexie().store_names().contains(&"changes".to_string()));
    assert_eq!(
        db.data_version().await.unwrap(),
        Some(crm::domain::records::migrate::DATA_VERSION)
    );
    let loaded = sorted(db.load_all().await.unwrap());
    assert_eq!(loaded.len(), count);
    for (i, r) in loaded.iter().enumerate() {
        assert_eq!(r.id, format!("c{i:03}"));
        assert_eq!(
            r.get("name"),
            Some(&Value::Text(format!("Firma {i} — شرکت")))
        );
        assert_eq!(
            r.get("tags"),
            Some(&Value::List(vec!["vip".into(), "north".into()]))
        );
    }
    db.close();

    // Opening again is a no-op: nothing is migrated twice.
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    assert_eq!(sorted(db.load_all().await.unwrap()), loaded);
    db.close();
    Db::delete_named(&name).await.unwrap();
}

/// Plans a save the way the app does, with fixed ids and clock.
fn plan(
    data: &crm::domain::records::record_set::Dataset,
    module: &str,
    before: Option<&Record>,
    values: FieldValues,
    now: i64,
    ids: &mut dyn FnMut() -> String,
) -> crm::domain::rules::save_plan::SavePlan {
    use crm::domain::rules::save_plan::{plan_save, SaveContext};
    plan_save(
        data,
        module,
        before,
        values,
        None,
        &mut SaveContext {
            now,
            zone: crm::domain::records::time_zone::Zone::default(),
            user: "local-user",
            new_id: ids,
        },
    )
    .unwrap()
}

fn batch_of(p: &crm::domain::rules::save_plan::SavePlan) -> WriteBatch {
    WriteBatch {
        inserts: p.write.inserts.clone(),
        updates: p.write.updates.iter().map(|(_, a)| a.clone()).collect(),
        changes: p.write.changes.clone(),
        ..Default::default()
    }
}

#[wasm_bindgen_test]
async fn a_deal_and_its_stage_history_survive_reopening() {
    use crm::domain::modules::standard_modules::standard_schema;
    use crm::domain::records::record_set::Dataset;
    use crm::domain::sales::pipeline_records::default_pipeline_records;

    let name = fresh_name("deal");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let mut data = Dataset::new(standard_schema());
    let defaults = default_pipeline_records(1, &|k| k.to_string());
    db.commit_batch(&inserts(defaults.clone())).await.unwrap();
    for r in defaults {
        data.upsert(r);
    }
    let mut n = 0;
    let mut ids = move || {
        n += 1;
        format!("id-{n}")
    };
    let values: FieldValues = [
        ("title".to_string(), Value::Text("Fleet deal".into())),
        (
            "pipeline".to_string(),
            Value::Ref("pipeline-new_business".into()),
        ),
        (
            "stage".to_string(),
            Value::Ref("stage-new_business-qualification".into()),
        ),
    ]
    .into();
    let created = plan(&data, "deals", None, values, 10_000, &mut ids);
    db.commit_batch(&batch_of(&created)).await.unwrap();
    let deal = created.saved.clone().unwrap();
    data.upsert(deal.clone());

    let mut moved_values = deal.values.clone();
    moved_values.insert("stage", Value::Ref("stage-new_business-negotiation".into()));
    let moved = plan(&data, "deals", Some(&deal), moved_values, 20_000, &mut ids);
    db.commit_batch(&batch_of(&moved)).await.unwrap();
    db.close();

    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let loaded = db.load_all().await.unwrap();
    let stored = loaded.iter().find(|r| r.id == deal.id).unwrap();
    assert_eq!(stored, moved.saved.as_ref().unwrap());
    assert_eq!(stored.get("probability"), Some(&Value::Number(75.0)));
    let history = db.changes_for(&deal.id).await.unwrap();
    assert_eq!(history.len(), 2);
    let stage_change = history[1]
        .fields
        .iter()
        .find(|f| f.field == "stage")
        .expect("the move is in the history");
    assert_eq!(history[1].at, 20_000);
    assert_eq!(
        stage_change.old,
        Some(Value::Ref("stage-new_business-qualification".into()))
    );
    assert_eq!(
        stage_change.new,
        Some(Value::Ref("stage-new_business-negotiation".into()))
    );
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_stage_removal_that_fails_moves_no_deal() {
    use crm::domain::modules::standard_modules::standard_schema;
    use crm::domain::records::record_set::Dataset;
    use crm::domain::sales::pipeline_records::{
        default_pipeline_records, load_pipeline, plan_pipeline_save,
    };

    let name = fresh_name("stage-removal");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let mut data = Dataset::new(standard_schema());
    let mut seed = default_pipeline_records(1, &|k| k.to_string());
    let deal_values: FieldValues = [
        ("title".to_string(), Value::Text("Held".into())),
        (
            "pipeline".to_string(),
            Value::Ref("pipeline-new_business".into()),
        ),
        (
            "stage".to_string(),
            Value::Ref("stage-new_business-proposal".into()),
        ),
        ("probability".to_string(), Value::Number(50.0)),
    ]
    .into();
    seed.push(Record::new(
        "deal-1".into(),
        "deals",
        1,
        Some("local-user".into()),
        deal_values,
    ));
    db.commit_batch(&inserts(seed.clone())).await.unwrap();
    for r in seed {
        data.upsert(r);
    }
    let mut p = load_pipeline(&data, "pipeline-new_business").unwrap();
    p.remove_stage(
        "stage-new_business-proposal",
        1,
        Some("stage-new_business-negotiation"),
    )
    .unwrap();
    let w = plan_pipeline_save(
        &data,
        &p,
        &[(
            "stage-new_business-proposal".into(),
            "stage-new_business-negotiation".into(),
        )],
        5,
    )
    .unwrap();
    // The same write with a clashing insert: the deal move and the stage delete must
    // roll back with it.
    let mut batch = WriteBatch {
        updates: w.updates.iter().map(|(_, a)| a.clone()).collect(),
        deletes: w.deletes.iter().map(|r| r.id.clone()).collect(),
        ..Default::default()
    };
    batch.inserts.push(company("deal-1", "clash"));
    assert!(db.commit_batch(&batch).await.is_err());
    let after = db.load_all().await.unwrap();
    let deal = after.iter().find(|r| r.id == "deal-1").unwrap();
    assert_eq!(
        deal.get("stage"),
        Some(&Value::Ref("stage-new_business-proposal".into()))
    );
    assert!(after.iter().any(|r| r.id == "stage-new_business-proposal"));

    // Without the clash it all lands.
    batch.inserts.clear();
    db.commit_batch(&batch).await.unwrap();
    let after = db.load_all().await.unwrap();
    let deal = after.iter().find(|r| r.id == "deal-1").unwrap();
    assert_eq!(
        deal.get("stage"),
        Some(&Value::Ref("stage-new_business-negotiation".into()))
    );
    assert!(!after.iter().any(|r| r.id == "stage-new_business-proposal"));
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_lead_conversion_is_written_whole_or_not_at_all() {
    use crm::domain::modules::standard_modules::standard_schema;
    use crm::domain::records::record_set::Dataset;
    use crm::domain::rules::conversion::{
        plan_conversion, CompanyChoice, ConversionRequest, DealChoice,
    };
    use crm::domain::sales::pipeline_records::default_pipeline_records;

    let name = fresh_name("convert");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let mut data = Dataset::new(standard_schema());
    let mut seed = default_pipeline_records(1, &|k| k.to_string());
    let lead: FieldValues = [
        ("first_name".to_string(), Value::Text("Anna".into())),
        ("last_name".to_string(), Value::Text("Berg".into())),
        ("company_name".to_string(), Value::Text("Acme".into())),
        ("status".to_string(), Value::Text("sql".into())),
    ]
    .into();
    seed.push(Record::new(
        "lead-1".into(),
        "leads",
        1,
        Some("local-user".into()),
        lead,
    ));
    db.commit_batch(&inserts(seed.clone())).await.unwrap();
    for r in seed {
        data.upsert(r);
    }
    let req = ConversionRequest {
        lead: "lead-1".into(),
        company: CompanyChoice::New,
        deal: Some(DealChoice {
            pipeline: "pipeline-new_business".into(),
            stage: "stage-new_business-qualification".into(),
            title: "Acme deal".into(),
            amount: None,
        }),
    };
    let mut n = 0;
    let mut ids = move || {
        n += 1;
        format!("conv-{n}")
    };
    let plan = plan_conversion(&data, &req, 10, "local-user", &mut ids).unwrap();
    let batch = |extra: Option<Record>| {
        let mut b = WriteBatch {
            inserts: plan.write.inserts.clone(),
            updates: plan.write.updates.iter().map(|(_, a)| a.clone()).collect(),
            ..Default::default()
        };
        b.inserts.extend(extra);
        b
    };
    let count =
        |records: &[Record], module: &str| records.iter().filter(|r| r.module == module).count();

    // One clashing insert in the same write: no contact, company, deal or lead change stays.
    assert!(db
        .commit_batch(&batch(Some(company("lead-1", "clash"))))
        .await
        .is_err());
    let after = db.load_all().await.unwrap();
    assert_eq!(count(&after, "contacts"), 0);
    assert_eq!(count(&after, "companies"), 0);
    assert_eq!(count(&after, "deals"), 0);
    let lead = after.iter().find(|r| r.id == "lead-1").unwrap();
    assert_eq!(lead.get("status"), Some(&Value::Text("sql".into())));

    db.commit_batch(&batch(None)).await.unwrap();
    let after = db.load_all().await.unwrap();
    assert_eq!(count(&after, "contacts"), 1);
    assert_eq!(count(&after, "companies"), 1);
    assert_eq!(count(&after, "deals"), 1);
    assert_eq!(count(&after, "deal_contacts"), 1);
    let lead = after.iter().find(|r| r.id == "lead-1").unwrap();
    assert_eq!(lead.get("status"), Some(&Value::Text("converted".into())));
    assert_eq!(
        lead.get("converted_contact"),
        Some(&Value::Ref(plan.contact.clone()))
    );
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_import_is_written_whole_or_not_at_all() {
    use crm::domain::interchange::csv_import::{read_table, DuplicatePolicy, Importer};
    use crm::domain::modules::standard_modules::standard_schema;
    use crm::domain::records::duplicates::DuplicateIndex;
    use crm::domain::records::input::ParseContext;
    use crm::domain::records::record_set::Dataset;

    let name = fresh_name("import");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let data = Dataset::new(standard_schema());
    let schema = standard_schema();
    let module = schema.module("companies").unwrap();
    let table =
        read_table("name,city\nAcme,Oslo\nBolt,Bergen\nCobalt,Tromsø\n".as_bytes()).unwrap();
    let mapping = vec![Some("name".to_string()), Some("city".to_string())];
    let mut imp = Importer::new(
        module,
        &table,
        mapping,
        DuplicatePolicy::Skip,
        ParseContext::default(),
        "local-user".into(),
        5,
    );
    let mut finder = DuplicateIndex::new(module);
    let mut n = 0;
    let mut ids = move || {
        n += 1;
        format!("imp-{n}")
    };
    while !imp.step(&data, &mut finder, &mut ids, 100) {}
    let plan = imp.finish(&data, &mut ids);
    assert_eq!(plan.write.inserts.len(), 3);

    // The last insert clashes with an existing id: none of the rows may stay.
    db.commit_batch(&inserts(vec![company("imp-3", "Already here")]))
        .await
        .unwrap();
    assert!(db
        .commit_batch(&inserts(plan.write.inserts.clone()))
        .await
        .is_err());
    let stored = db.load_all().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].get("name"),
        Some(&Value::Text("Already here".into()))
    );
    db.close();
    Db::delete_named(&name).await.unwrap();
}

/// A custom dashboard's layout is stored in IndexedDB with its record, comes back
/// after reopening, and travels in the JSON backup.
#[wasm_bindgen_test]
async fn a_dashboard_layout_survives_reopening_and_the_backup() {
    use crm::domain::analytics::chart_scale::ChartKind;
    use crm::domain::analytics::dashboard_layout::{Display, Layout, Widget};
    use crm::domain::analytics::report::{FilterGroup, Grouping, Measure, ReportKind, ReportSpec};
    use crm::domain::modules::analytics_modules::{DASHBOARDS, DEFINITION};
    use crm::domain::modules::standard_modules::standard_schema;

    let mut layout = Layout::default();
    layout.add(Widget {
        id: "w1".into(),
        title: "Deals by stage".into(),
        display: Display::Chart(ChartKind::StackedBar),
        spec: ReportSpec {
            module: "deals".into(),
            columns: vec![],
            filter: FilterGroup::default(),
            sort: None,
            kind: ReportKind::Matrix {
                rows: Grouping::Field("stage".into()),
                cols: Grouping::Owner,
            },
            measure: Measure::Sum("amount".into()),
        },
        width: 2,
    });
    let values: FieldValues = [
        ("name".to_string(), Value::Text("Team view".into())),
        (DEFINITION.to_string(), Value::Text(layout.to_json())),
    ]
    .into();
    let dashboard = Record::new(
        "dash-1".into(),
        DASHBOARDS,
        5_000,
        Some("local-user".into()),
        values,
    );

    let name = fresh_name("dashboard");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    db.commit_batch(&inserts(vec![dashboard.clone()]))
        .await
        .unwrap();
    db.close();
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let loaded = db.load_all().await.unwrap();
    db.close();
    Db::delete_named(&name).await.unwrap();
    assert_eq!(loaded, vec![dashboard.clone()]);

    let text = crm::domain::interchange::backup::export(&[&loaded[0]], &[], "2026-11-25T00:00:00Z");
    let parsed = crm::domain::interchange::backup::parse(&text, &standard_schema()).unwrap();
    let restored = parsed.records()[0];
    let Some(Value::Text(json)) = restored.get(DEFINITION) else {
        panic!("the layout is missing from the backup");
    };
    assert_eq!(Layout::parse(json).unwrap(), layout);
}

/// Reading one module through the module index gives exactly that module's records
/// (the app shows a list from it before reading the rest).
#[wasm_bindgen_test]
async fn one_module_is_read_through_the_module_index() {
    let name = fresh_name("module");
    let records = sample_records(1_700_000_000_000);
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    db.commit_batch(&inserts(records.clone())).await.unwrap();
    let companies = db.load_module("companies").await.unwrap();
    let expected: Vec<Record> = records
        .iter()
        .filter(|r| r.module == "companies")
        .cloned()
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(sorted(companies), sorted(expected));
    assert!(db.load_module("no_such_module").await.unwrap().is_empty());
    db.close();
    Db::delete_named(&name).await.unwrap();
}

/// Modules are decoded a chunk at a time; every record still comes back as stored, and
/// an entry that cannot be read stops the load with its own cause.
#[wasm_bindgen_test]
async fn a_broken_entry_is_reported_with_its_cause() {
    let name = fresh_name("broken");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let many: Vec<Record> = (0..5_000)
        .map(|i| company(&format!("c{i:05}"), &format!("Firma {i} — شرکت \u{1F600}")))
        .collect();
    db.commit_batch(&inserts(many.clone())).await.unwrap();
    assert_eq!(
        sorted(db.load_module("companies").await.unwrap()),
        sorted(many)
    );

    let cause = |text: &str| {
        serde_json::from_str::<Record>(text)
            .unwrap_err()
            .to_string()
    };
    let cases = [
        (Some("{\"id\":"), cause("{\"id\":")),
        (Some("{\"id\":\"x\u{1e}\"}"), cause("{\"id\":\"x\u{1e}\"}")),
        (None, "stored entry has no document".to_string()),
    ];
    for (doc, expected) in cases {
        let tx = db
            .rexie()
            .transaction(&[RECORDS], TransactionMode::ReadWrite)
            .unwrap();
        let entry = js_sys::Object::new();
        let set = |k: &str, v: &str| js_sys::Reflect::set(&entry, &k.into(), &v.into()).unwrap();
        set("id", "c04500-broken");
        set("module", "companies");
        if let Some(doc) = doc {
            set("doc", doc);
        }
        tx.store(RECORDS)
            .unwrap()
            .put(&entry.into(), None)
            .await
            .unwrap();
        assert!(tx.done().await.unwrap().is_committed());
        let err = db.load_module("companies").await.unwrap_err();
        assert_eq!(err.op, "storage.op.decode");
        assert_eq!(err.detail, expected);
        assert_eq!(db.load_all().await.unwrap_err().detail, expected);
    }
    db.close();
    Db::delete_named(&name).await.unwrap();
}

/// `n` companies created together by one big write, each with the "created" entry
/// the app makes for it (`save_plan::change_entry`), history ids `{prefix}-h{i}`.
fn imported(prefix: &str, n: usize) -> (Vec<Record>, Vec<ChangeEntry>) {
    let records: Vec<Record> = (0..n)
        .map(|i| company(&format!("{prefix}{i}"), &format!("Company {i}")))
        .collect();
    let changes = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            crm::domain::rules::save_plan::change_entry(
                format!("{prefix}-h{i}"),
                r,
                None,
                "local-user",
            )
        })
        .collect();
    (records, changes)
}

/// How many entries the history store holds, as stored.
/// `imported`, committed in one write.
async fn write_imported(db: &Db, prefix: &str, n: usize) -> (Vec<Record>, Vec<ChangeEntry>) {
    let (records, changes) = imported(prefix, n);
    db.commit_batch(&WriteBatch {
        inserts: records.clone(),
        changes: changes.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    (records, changes)
}

async fn stored_history_entries(db: &Db) -> u32 {
    let tx = db
        .rexie()
        .transaction(&[CHANGES], TransactionMode::ReadOnly)
        .unwrap();
    tx.store(CHANGES).unwrap().count(None).await.unwrap()
}

/// The per-record entry as the app made it, under the id it is read back with.
fn as_read(c: &ChangeEntry, batch_id: &str) -> ChangeEntry {
    ChangeEntry {
        id: expanded_id(batch_id, &c.record_id),
        ..c.clone()
    }
}

fn by_id(mut changes: Vec<ChangeEntry>) -> Vec<ChangeEntry> {
    changes.sort_by(|a, b| a.id.cmp(&b.id));
    changes
}

#[wasm_bindgen_test]
async fn a_big_write_keeps_its_created_history_in_chunks_yet_reads_it_per_record() {
    let name = fresh_name("history-batch");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let (records, changes) = write_imported(&db, "i", 2_500).await;
    // Chunks of 1,000 records, each found under the id of its first entry.
    assert_eq!(stored_history_entries(&db).await, 3);
    let batch_of = |i: usize| format!("i-h{}", i / 1_000 * 1_000);
    for i in [0, 1, 999, 1_000, 1_999, 2_000, 2_499] {
        let id = format!("i{i}");
        let read = db.changes_for(&id).await.unwrap();
        assert_eq!(read, vec![as_read(&changes[i], &batch_of(i))], "{id}");
        assert_eq!(db.changes_for(&id).await.unwrap(), read, "stable ids");
    }

    // A later update of an imported record follows its created entry.
    let r = &records[5];
    let r2 = r
        .revised(
            [("name".to_string(), Value::Text("Renamed".into()))].into(),
            r.owner.clone(),
            2_000,
        )
        .unwrap();
    let update =
        crm::domain::rules::save_plan::change_entry("u1".into(), &r2, Some(r), "local-user");
    db.commit_batch(&WriteBatch {
        updates: vec![r2],
        changes: vec![update.clone()],
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(
        db.changes_for("i5").await.unwrap(),
        vec![as_read(&changes[5], "i-h0"), update.clone()]
    );

    // The backup's history is the per-record form: every record's own entry.
    let mut per_record: Vec<ChangeEntry> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| as_read(c, &batch_of(i)))
        .collect();
    per_record.push(update);
    let per_record = by_id(per_record);
    let exported = by_id(db.load_all_changes().await.unwrap());
    assert_eq!(exported, per_record);
    let stored = sorted(db.load_all().await.unwrap());
    let refs: Vec<&Record> = stored.iter().collect();
    assert_eq!(
        crm::domain::interchange::backup::export(&refs, &exported, "t"),
        crm::domain::interchange::backup::export(&refs, &per_record, "t")
    );

    // Restored, the same history is kept one entry per record and reads the same.
    let other = fresh_name("history-batch-restored");
    let restored = Db::open_named(&other, DB_VERSION).await.unwrap();
    restored.replace_all(&refs, &exported).await.unwrap();
    assert_eq!(
        by_id(restored.load_all_changes().await.unwrap()),
        per_record
    );
    for id in ["i0", "i5", "i1500"] {
        assert_eq!(
            restored.changes_for(id).await.unwrap(),
            db.changes_for(id).await.unwrap()
        );
    }
    restored.close();
    Db::delete_named(&other).await.unwrap();
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn deleting_a_batch_created_record_removes_its_history_and_keeps_its_neighbours() {
    let name = fresh_name("history-batch-delete");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let (_, changes) = write_imported(&db, "i", 2_500).await;

    // Two records of different chunks, and the whole third chunk.
    let mut gone = vec!["i5".to_string(), "i1500".to_string()];
    gone.extend((2_000..2_500).map(|i| format!("i{i}")));
    db.commit_batch(&WriteBatch {
        deletes: gone.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    for id in &gone {
        assert!(db.changes_for(id).await.unwrap().is_empty(), "{id}");
    }
    for (i, batch) in [
        (4, "i-h0"),
        (6, "i-h0"),
        (1_499, "i-h1000"),
        (1_999, "i-h1000"),
    ] {
        assert_eq!(
            db.changes_for(&format!("i{i}")).await.unwrap(),
            vec![as_read(&changes[i], batch)]
        );
    }
    // The emptied chunk is gone; the other two were rewritten without the records.
    assert_eq!(stored_history_entries(&db).await, 2);
    let left = db.load_all_changes().await.unwrap();
    assert_eq!(left.len(), 2_500 - gone.len());
    assert!(left.iter().all(|c| !gone.contains(&c.record_id)));

    // A merge moves the removed record's history to the survivor and deletes the
    // removed one in the same write: the moved entry stays, the listing goes.
    let moved: Vec<ChangeEntry> = db
        .changes_for("i7")
        .await
        .unwrap()
        .into_iter()
        .map(|c| ChangeEntry {
            record_id: "i8".into(),
            ..c
        })
        .collect();
    db.commit_batch(&WriteBatch {
        deletes: vec!["i7".into()],
        changes: moved.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    assert!(db.changes_for("i7").await.unwrap().is_empty());
    let survivor = db.changes_for("i8").await.unwrap();
    assert_eq!(survivor.len(), 2);
    assert!(survivor.contains(&moved[0]));
    assert!(survivor.contains(&as_read(&changes[8], "i-h0")));
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_big_write_that_fails_late_leaves_no_history_behind() {
    let name = fresh_name("history-batch-atomic");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let (first, first_changes) = write_imported(&db, "a", 1).await;

    // A record clash at the very end: records and history both undone.
    let (mut records, changes) = imported("m", 4_500);
    records.push(first[0].clone());
    let err = db
        .commit_batch(&WriteBatch {
            inserts: records.clone(),
            changes: changes.clone(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.op, "storage.op.save");
    assert_eq!(db.load_all().await.unwrap(), first);
    assert_eq!(stored_history_entries(&db).await, 1);

    // A history clash in a late chunk (its first entry's id is taken): the records
    // and the chunks written before it are undone too.
    records.pop();
    let mut changes = changes;
    changes[4_000].id = first_changes[0].id.clone();
    assert!(db
        .commit_batch(&WriteBatch {
            inserts: records,
            changes,
            ..Default::default()
        })
        .await
        .is_err());
    assert_eq!(db.load_all().await.unwrap(), first);
    assert_eq!(stored_history_entries(&db).await, 1);
    assert!(db.changes_for("m0").await.unwrap().is_empty());
    assert_eq!(db.changes_for("a0").await.unwrap(), first_changes);
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn upgrading_from_version_two_keeps_every_history_entry() {
    let name = fresh_name("upgrade-history");
    // Stage the database as version 2 left it: one history entry per change.
    let v2 = Db::open_named(&name, 2).await.unwrap();
    let (old_records, old_changes) = imported("o", 1_200);
    {
        let tx = v2
            .rexie()
            .transaction(&[RECORDS, CHANGES], TransactionMode::ReadWrite)
            .unwrap();
        let records = tx.store(RECORDS).unwrap();
        let history = tx.store(CHANGES).unwrap();
        assert_eq!(history.index_names(), vec!["by_record".to_string()]);
        for r in &old_records {
            records.put(&encode_record(r).unwrap(), None).await.unwrap();
        }
        for c in &old_changes {
            history.put(&encode_change(c).unwrap(), None).await.unwrap();
        }
        assert!(tx.done().await.unwrap().is_committed());
    }
    v2.close();

    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    {
        let tx = db
            .rexie()
            .transaction(&[RECORDS, CHANGES], TransactionMode::ReadOnly)
            .unwrap();
        let mut names = tx.store(CHANGES).unwrap().index_names();
        names.sort();
        assert_eq!(names, vec!["by_record".to_string(), "by_records".into()]);
        assert_eq!(
            tx.store(RECORDS).unwrap().index_names(),
            vec!["by_module".to_string()]
        );
    }
    // Old entries are read as they were, through the old index.
    assert_eq!(stored_history_entries(&db).await, 1_200);
    for i in [0, 1_199] {
        assert_eq!(
            db.changes_for(&format!("o{i}")).await.unwrap(),
            vec![old_changes[i].clone()]
        );
    }
    assert_eq!(db.load_module("companies").await.unwrap().len(), 1_200);

    // A new big write goes into chunks beside them; both are found and both go with
    // their records.
    let (_, new_changes) = write_imported(&db, "n", 1_500).await;
    assert_eq!(stored_history_entries(&db).await, 1_200 + 2);
    assert_eq!(
        db.changes_for("n1200").await.unwrap(),
        vec![as_read(&new_changes[1_200], "n-h1000")]
    );
    assert_eq!(
        db.changes_for("o3").await.unwrap(),
        vec![old_changes[3].clone()]
    );
    assert_eq!(db.load_all_changes().await.unwrap().len(), 2_700);
    db.commit_batch(&WriteBatch {
        deletes: vec!["o3".into(), "n3".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    assert!(db.changes_for("o3").await.unwrap().is_empty());
    assert!(db.changes_for("n3").await.unwrap().is_empty());
    assert_eq!(db.load_all_changes().await.unwrap().len(), 2_698);
    db.close();

    // Opening again at the same version changes nothing.
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    assert_eq!(db.load_all_changes().await.unwrap().len(), 2_698);
    db.close();
    Db::delete_named(&name).await.unwrap();
}

/// What a 100,000-row import writes now, against the same records with one history
/// entry per record (the restore still writes them so). Slow, so run on demand:
/// `cargo test --target wasm32-unknown-unknown --test storage -- --include-ignored
/// --nocapture a_100_000_record_import`.
#[wasm_bindgen_test]
#[ignore]
async fn a_100_000_record_import_writes_100_history_entries() {
    let name = fresh_name("history-batch-100k");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let (records, changes) = imported("i", 100_000);
    let started = js_sys::Date::now();
    db.commit_batch(&WriteBatch {
        inserts: records.clone(),
        changes: changes.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let packed_ms = js_sys::Date::now() - started;
    assert_eq!(stored_history_entries(&db).await, 100);

    db.close();
    Db::delete_named(&name).await.unwrap();

    // The same into an empty database through the restore, which writes one entry
    // per record (clearing empty stores costs next to nothing).
    let name = fresh_name("history-per-record-100k");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let refs: Vec<&Record> = records.iter().collect();
    let started = js_sys::Date::now();
    db.replace_all(&refs, &changes).await.unwrap();
    let per_record_ms = js_sys::Date::now() - started;
    assert_eq!(stored_history_entries(&db).await, 100_000);
    console_log!(
        "100,000 records: with history in chunks {packed_ms} ms (100 history entries); \
         with one history entry per record {per_record_ms} ms (100,000 entries)"
    );
    db.close();
    Db::delete_named(&name).await.unwrap();
}

/// A record's next revision with a new name, as a planner makes it.
fn renamed(r: &Record, name: &str, at: i64) -> Record {
    let mut v = r.values.clone();
    v.insert("name", Value::Text(name.into()));
    r.revised(v, r.owner.clone(), at).unwrap()
}

#[wasm_bindgen_test]
async fn a_delete_decided_on_an_older_revision_is_refused_and_the_newer_edit_stays() {
    let name = fresh_name("stale-delete");
    let a = Db::open_named(&name, DB_VERSION).await.unwrap();
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    let c = company("c1", "Acme");
    a.commit_batch(&inserts(vec![c.clone()])).await.unwrap();
    // Tab B read the company at revision 1; tab A then edits it.
    let seen_by_b = b.load_all().await.unwrap().remove(0);
    let newer = renamed(&c, "Acme AB", 2_000);
    a.commit(&WritePlan {
        updates: vec![(c.clone(), newer.clone())],
        ..Default::default()
    })
    .await
    .unwrap();
    let err = b
        .commit(&WritePlan {
            deletes: vec![seen_by_b],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.op, crm::storage::db::CONFLICT);
    assert_eq!(a.load_all().await.unwrap(), vec![newer]);
    a.close();
    b.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_tab_that_read_before_a_restore_cannot_write_over_it_until_it_reads_again() {
    let name = fresh_name("epoch");
    let a = Db::open_named(&name, DB_VERSION).await.unwrap();
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    let c = company("c1", "Acme");
    a.commit_batch(&inserts(vec![c.clone()])).await.unwrap();
    // A restores a backup in which the same record is again at revision 1.
    let restored = company("c1", "Restored");
    a.replace_all(&[&restored], &[]).await.unwrap();
    // B's update follows revision 1 as it read it: without the epoch it would pass.
    let err = b
        .commit(&WritePlan {
            updates: vec![(c.clone(), renamed(&c, "Stale", 3_000))],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.op, crm::storage::db::STALE);
    assert_eq!(a.load_all().await.unwrap(), vec![restored.clone()]);
    // A's own writes go on after its restore; a fresh read lets B write too.
    a.commit_batch(&inserts(vec![company("c2", "Next")]))
        .await
        .unwrap();
    b.close();
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    b.commit(&WritePlan {
        updates: vec![(restored.clone(), renamed(&restored, "Fresh", 4_000))],
        ..Default::default()
    })
    .await
    .unwrap();
    a.close();
    b.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn two_fresh_tabs_both_writing_the_default_pipelines_end_with_one_set() {
    use crm::domain::sales::pipeline_records::plan_default_pipelines;
    use crm::domain::writes::WriteContext;
    let name = fresh_name("seed-race");
    let a = Db::open_named(&name, DB_VERSION).await.unwrap();
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    let plan = |tag: &str| {
        let mut n = 0;
        let tag = tag.to_string();
        let mut ids = move || {
            n += 1;
            format!("{tag}-{n}")
        };
        plan_default_pipelines(
            &|k| k.to_string(),
            &mut WriteContext {
                now: 5,
                zone: crm::domain::records::time_zone::Zone::default(),
                user: "local-user",
                new_id: &mut ids,
            },
        )
    };
    let (pa, pb) = (plan("a"), plan("b"));
    let first = a.commit(&pa).await.unwrap();
    assert!(first.kept_seeds.is_empty());
    // The second tab's write is not refused (it used to fail with a ConstraintError):
    // what the first stored stands, with its history only.
    let second = b.commit(&pb).await.unwrap();
    assert_eq!(second.kept_seeds.len(), pb.inserts.len());
    assert_eq!(a.load_all().await.unwrap().len(), pa.inserts.len());
    assert_eq!(a.load_all_changes().await.unwrap().len(), pa.inserts.len());
    a.close();
    b.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_backup_read_by_a_second_handle_holds_what_the_first_committed() {
    use crm::storage::codec::decode_history_into;
    let name = fresh_name("backup-read");
    let a = Db::open_named(&name, DB_VERSION).await.unwrap();
    // B opened first and has read nothing since.
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    let mut n = 0;
    let mut ids = move || {
        n += 1;
        format!("h{n}")
    };
    let mut plan = WritePlan::default();
    plan.insert(company("c1", "Acme"), "local-user", &mut ids);
    a.commit(&plan).await.unwrap();
    let (records, history) = b.load_backup_entries().await.unwrap();
    let records = records.decode_records(0..records.len()).unwrap();
    let mut changes = Vec::new();
    for h in &history {
        decode_history_into(h, &mut changes).unwrap();
    }
    assert_eq!(records, plan.inserts);
    assert_eq!(changes, plan.changes);
    a.close();
    b.close();
    Db::delete_named(&name).await.unwrap();
}

#[cfg(feature = "fault-injection")]
#[wasm_bindgen_test]
async fn a_restore_that_dies_half_way_is_found_at_the_next_start() {
    use crm::storage::db::fault;
    let name = fresh_name("crash");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let old: Vec<Record> = (0..1_000)
        .map(|i| company(&format!("o{i}"), "Old"))
        .collect();
    db.commit_batch(&inserts(old)).await.unwrap();
    assert_eq!(db.interrupted_write().await.unwrap(), None);
    let new: Vec<Record> = (0..3_000)
        .map(|i| company(&format!("n{i}"), "New"))
        .collect();
    let refs: Vec<&Record> = new.iter().collect();
    // The page dies after the third chunk of records was requested.
    fault::crash_after_chunks(Some(3));
    let err = db.replace_all(&refs, &[]).await.unwrap_err();
    fault::crash_after_chunks(None);
    assert_eq!(err.op, fault::CRASHED, "{err:?}");
    db.close();
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let stored = db.load_all().await.unwrap().len();
    // Part of the backup was committed, and the start-up sees that it was.
    assert!(stored < 3_000, "{stored}");
    assert_eq!(
        db.interrupted_write().await.unwrap().as_deref(),
        Some("restore")
    );
    // A full restore afterwards clears it.
    db.replace_all(&refs, &[]).await.unwrap();
    assert_eq!(db.interrupted_write().await.unwrap(), None);
    assert_eq!(db.load_all().await.unwrap().len(), 3_000);
    db.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_link_made_in_another_tab_survives_a_delete_planned_without_it() {
    use crm::domain::modules::standard_modules::standard_schema;
    use crm::domain::records::record_set::Dataset;
    use crm::domain::rules::plan_delete;
    use crm::domain::writes::WriteContext;
    let name = fresh_name("link-elsewhere");
    let a = Db::open_named(&name, DB_VERSION).await.unwrap();
    let acme = company("acme", "Acme");
    a.commit_batch(&inserts(vec![acme.clone()])).await.unwrap();
    // Tab B reads now: the company has no contacts.
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    let mut b_memory = Dataset::new(standard_schema());
    for r in b.load_all().await.unwrap() {
        b_memory.upsert(r);
    }
    // Tab A links a new contact to it.
    let values: FieldValues = [
        ("last_name".to_string(), Value::Text("Berg".into())),
        ("company".to_string(), Value::Ref("acme".into())),
    ]
    .into();
    let contact = Record::new("p1".into(), "contacts", 2_000, None, values);
    a.commit_batch(&inserts(vec![contact.clone()]))
        .await
        .unwrap();
    // Tab B deletes the company as its memory shows it: no link to clear.
    let mut n = 0;
    let mut ids = move || {
        n += 1;
        format!("h{n}")
    };
    let plan = plan_delete(
        &b_memory,
        "companies",
        "acme",
        &mut WriteContext {
            now: 3_000,
            zone: crm::domain::records::time_zone::Zone::default(),
            user: "local-user",
            new_id: &mut ids,
        },
    )
    .unwrap();
    assert!(plan.updates.is_empty(), "B's memory knows no link");
    let err = b.commit(&plan).await.unwrap_err();
    assert_eq!(err.op, crm::storage::db::CHANGED_ELSEWHERE);
    // Nothing points at nothing: the company and its new contact are both there.
    let stored = sorted(a.load_all().await.unwrap());
    assert_eq!(stored, vec![acme.clone(), contact]);
    // Once B reads again, the same delete clears the link in the same write.
    b.close();
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    let mut fresh = Dataset::new(standard_schema());
    for r in b.load_all().await.unwrap() {
        fresh.upsert(r);
    }
    let mut ids = || "h-next".to_string();
    let plan = plan_delete(
        &fresh,
        "companies",
        "acme",
        &mut WriteContext {
            now: 4_000,
            zone: crm::domain::records::time_zone::Zone::default(),
            user: "local-user",
            new_id: &mut ids,
        },
    )
    .unwrap();
    b.commit(&plan).await.unwrap();
    let left = b.load_all().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].get("company"), None);
    a.close();
    b.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn two_tabs_cannot_both_take_the_same_unique_email() {
    use crm::domain::modules::standard_modules::standard_schema;
    use crm::domain::records::record_set::Dataset;
    use crm::domain::rules::save_plan::{plan_save, SaveContext};
    let name = fresh_name("unique-elsewhere");
    let a = Db::open_named(&name, DB_VERSION).await.unwrap();
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    let memory = Dataset::new(standard_schema());
    let contact = |last: &str| -> FieldValues {
        [
            ("last_name".to_string(), Value::Text(last.into())),
            (
                "emails".to_string(),
                Value::List(vec!["anna@acme.example".into()]),
            ),
        ]
        .into()
    };
    let plan = |tag: &'static str, values: FieldValues| {
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("{tag}-{n}")
        };
        plan_save(
            &memory,
            "contacts",
            None,
            values,
            None,
            &mut SaveContext {
                now: 1_000,
                zone: crm::domain::records::time_zone::Zone::default(),
                user: "local-user",
                new_id: &mut ids,
            },
        )
        .unwrap()
        .write
    };
    // Both tabs' memory is empty, so each finds the email free.
    a.commit(&plan("a", contact("Berg"))).await.unwrap();
    let err = b.commit(&plan("b", contact("Lund"))).await.unwrap_err();
    assert_eq!(err.op, crm::storage::db::CHANGED_ELSEWHERE);
    let stored = a.load_all().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].get("last_name"),
        Some(&Value::Text("Berg".into()))
    );
    a.close();
    b.close();
    Db::delete_named(&name).await.unwrap();
}

/// Start-up reads every module this way: one entry that cannot be decoded leaves
/// the other records readable and is named with its module, id, cause and text.
#[wasm_bindgen_test]
async fn a_corrupt_entry_is_listed_and_the_other_records_still_load() {
    let name = fresh_name("corrupt");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let good = vec![company("c1", "Alpha"), company("c2", "Beta")];
    db.commit_batch(&inserts(good.clone())).await.unwrap();
    let tx = db
        .rexie()
        .transaction(&[RECORDS], TransactionMode::ReadWrite)
        .unwrap();
    let entry = js_sys::Object::new();
    for (k, v) in [
        ("id", "c-bad"),
        ("module", "companies"),
        ("doc", "{\"id\":\"c-bad\","),
    ] {
        js_sys::Reflect::set(&entry, &k.into(), &v.into()).unwrap();
    }
    tx.store(RECORDS)
        .unwrap()
        .put(&entry.into(), None)
        .await
        .unwrap();
    assert!(tx.done().await.unwrap().is_committed());

    let (records, unreadable) = db.load_module_readable("companies").await.unwrap();
    assert_eq!(sorted(records), good);
    assert_eq!(unreadable.len(), 1);
    assert_eq!(unreadable[0].module, "companies");
    assert_eq!(unreadable[0].id, "c-bad");
    assert_eq!(unreadable[0].raw, "{\"id\":\"c-bad\",");
    assert!(!unreadable[0].cause.is_empty());
    db.close();
    Db::delete_named(&name).await.unwrap();
}

/// Another tab opening a newer version closes this tab's connection; the next write
/// then says what happened instead of failing with a bare InvalidStateError.
#[wasm_bindgen_test]
async fn a_newer_version_opened_elsewhere_makes_the_next_write_say_so() {
    let name = fresh_name("replaced");
    let db = Db::open_named(&name, DB_VERSION).await.unwrap();
    let told = std::rc::Rc::new(std::cell::Cell::new(false));
    let seen = told.clone();
    db.on_replaced(move || seen.set(true));
    assert!(!db.replaced());
    let newer = crm::storage::schema::builder(&name, DB_VERSION + 1)
        .build()
        .await
        .unwrap();
    assert!(db.replaced());
    assert!(told.get());
    let err = db
        .commit_batch(&inserts(vec![company("c1", "Alpha")]))
        .await
        .unwrap_err();
    assert_eq!(err.op, crm::storage::db::REPLACED);
    assert!(!err.detail.contains("InvalidStateError"), "{}", err.detail);
    newer.close();
    db.close();
    Db::delete_named(&name).await.unwrap();
}

/// Polls a future once, so it makes its first requests now, without waiting for it.
async fn start<F: std::future::Future>(f: std::pin::Pin<&mut F>) {
    let mut f = f;
    std::future::poll_fn(|cx| {
        let _ = f.as_mut().poll(cx);
        std::task::Poll::Ready(())
    })
    .await;
}

/// A commit writes the sequence it expects at once and again when the stored one
/// says another tab wrote meanwhile: every commit moves it on by exactly one, so a
/// tab that heard of a commit can tell whether it has missed one.
#[wasm_bindgen_test]
async fn every_commit_moves_the_write_sequence_on_by_one_whichever_tab_wrote_last() {
    let name = fresh_name("write-seq");
    let a = Db::open_named(&name, DB_VERSION).await.unwrap();
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    a.commit_batch(&inserts(vec![company("c1", "Alpha")]))
        .await
        .unwrap();
    assert_eq!(a.committed_seq(), 1);
    // B has not read A's commit; its plain insert needs no current view.
    b.commit_batch(&inserts(vec![company("c2", "Beta")]))
        .await
        .unwrap();
    assert_eq!(b.committed_seq(), 2);
    // A expects to write 2 and finds 2 stored already.
    a.commit_batch(&inserts(vec![company("c3", "Gamma")]))
        .await
        .unwrap();
    assert_eq!(a.committed_seq(), 3);
    let c = Db::open_named(&name, DB_VERSION).await.unwrap();
    let (_, stored) = c.load_records(&[]).await.unwrap();
    assert_eq!(stored, 3);
    a.close();
    b.close();
    c.close();
    Db::delete_named(&name).await.unwrap();
}

/// A backup is read in pieces, yet in one read transaction: a write another tab
/// starts once the read has begun waits for it (a piece asked for in a transaction
/// of its own would let the write in first), so the pieces hold the database
/// as it was when the read began, every record once, in key order.
#[wasm_bindgen_test]
async fn a_backup_read_in_pieces_is_one_moment_while_another_tab_writes() {
    use crm::storage::db::BACKUP_PIECE;
    let name = fresh_name("backup-pieces");
    let a = Db::open_named(&name, DB_VERSION).await.unwrap();
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    let n = BACKUP_PIECE * 2 + 500;
    let before: Vec<Record> = (0..n)
        .map(|i| company(&format!("c{i:05}"), &format!("Company {i}")))
        .collect();
    let history = vec![ChangeEntry {
        id: "h1".into(),
        record_id: "c00000".into(),
        module: "companies".into(),
        at: 5,
        user: None,
        revision: 1,
        kind: ChangeKind::Created,
        fields: vec![],
    }];
    a.commit_batch(&WriteBatch {
        inserts: before.clone(),
        changes: history.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let first = before[0].clone();
    let later = WriteBatch {
        inserts: vec![company("c00000a", "Inserted while reading")],
        updates: vec![renamed(&first, "Renamed while reading", 9_000)],
        ..Default::default()
    };
    // B's read has asked for its first pieces; A's write starts before B asks for
    // the next ones.
    let mut read = b.read_backup().await.unwrap();
    let mut writing = Box::pin(a.commit_batch(&later));
    start(writing.as_mut()).await;
    let mut pieces = 0;
    let mut records = Vec::new();
    while let Some(piece) = read.next_records().await {
        let piece = piece.unwrap();
        assert!(piece.len() <= BACKUP_PIECE, "{}", piece.len());
        records.extend(piece.decode_records(0..piece.len()).unwrap());
        pieces += 1;
    }
    let mut changes = Vec::new();
    while let Some(piece) = read.next_changes().await {
        for entry in piece.unwrap().into_entries() {
            crm::storage::codec::decode_history_into(&entry, &mut changes).unwrap();
        }
    }
    assert_eq!(pieces, 3);
    assert_eq!(
        records, before,
        "the read saw the database before A's write"
    );
    assert_eq!(changes, history);
    writing.await.unwrap();
    // The write went through after the read, and a new read sees it.
    let (records, _) = b.load_backup_entries().await.unwrap();
    let records = records.decode_records(0..records.len()).unwrap();
    assert_eq!(records.len(), n + 1);
    assert_eq!(
        records[0].get("name"),
        Some(&Value::Text("Renamed while reading".into()))
    );
    a.close();
    b.close();
    Db::delete_named(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_save_linking_to_a_record_another_tab_deleted_is_refused_and_writes_nothing() {
    use crm::domain::modules::standard_modules::standard_schema;
    let name = fresh_name("link-gone");
    let a = Db::open_named(&name, DB_VERSION).await.unwrap();
    let b = Db::open_named(&name, DB_VERSION).await.unwrap();
    let (gone, kept) = (company("c1", "Acme"), company("c2", "Nordic AB"));
    a.commit_batch(&inserts(vec![gone.clone(), kept.clone()]))
        .await
        .unwrap();
    // Both tabs read both companies; then tab A deletes one.
    b.load_all().await.unwrap();
    a.commit(&WritePlan {
        deletes: vec![gone.clone()],
        ..Default::default()
    })
    .await
    .unwrap();
    // Tab B, not told yet, saves a new contact of that company.
    let contact = |id: &str, company: &str| {
        let v: FieldValues = [
            ("first_name".to_string(), Value::Text("Ann".into())),
            ("company".to_string(), Value::Ref(company.into())),
        ]
        .into();
        Record::new(id.into(), "contacts", 3_000, Some("local-user".into()), v)
    };
    let schema = standard_schema();
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("h{n}")
    };
    let mut plan = WritePlan::default();
    plan.insert(contact("p1", "c1"), "local-user", &mut next);
    plan.require_link_targets(&schema);
    let err = b.commit(&plan).await.unwrap_err();
    assert_eq!(err.op, crm::storage::db::LINK_GONE);
    assert_eq!(err.detail, "c1");
    assert_eq!(a.load_all().await.unwrap(), vec![kept.clone()]);
    assert!(a.changes_for("p1").await.unwrap().is_empty());
    // Of the company still there, the same save goes through.
    let mut plan = WritePlan::default();
    plan.insert(contact("p2", "c2"), "local-user", &mut next);
    plan.require_link_targets(&schema);
    b.commit(&plan).await.unwrap();
    assert_eq!(a.load_all().await.unwrap().len(), 2);
    a.close();
    b.close();
    Db::delete_named(&name).await.unwrap();
}
