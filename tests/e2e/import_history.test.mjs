// End-to-end: a big CSV import stores its "created" history a chunk of records per
// entry, yet every record keeps its own entry — on its timeline, in the backup and
// after a restore — and a deleted record's entry goes with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, exportBackup } from './harness.mjs';

const env = useAppServer();

/** The backup downloaded from the Backup page, parsed. */
async function backupOf(page, dir) {
  return JSON.parse(fs.readFileSync(await exportBackup(page, dir), 'utf8'));
}

async function openCompany(page, name) {
  await nav(page, 'Companies').click();
  await page.getByLabel('Search Companies').fill(name);
  await page.getByRole('link', { name, exact: true }).click();
  await heading(page, name).waitFor();
}

const byId = (a, b) => a.id.localeCompare(b.id);

test('a 1,500-row import gives each record its own history, kept by backup and restore', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-'));
  const rows = 1_500;
  const first = await openApp(env.browser, env.server.url);
  let backup;
  let deletedId;
  try {
    const { page } = first;
    await ready(page);
    await nav(page, 'Companies').click();
    await heading(page, 'Companies').waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Companies from CSV').waitFor();
    const names = Array.from({ length: rows }, (_, i) => `Chunked Trading ${i + 1}`);
    const csv = `Name\n${names.join('\n')}\n`;
    await page.getByLabel('CSV file').setInputFiles({ name: 'companies.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByText('1,500 rows in the file.').waitFor();
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await page.getByRole('button', { name: 'Import 1,500 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 1,500 records.' }).waitFor();

    // Stored a chunk of records per entry: far fewer entries than records.
    const stored = await page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('local-crm');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const count = db.transaction('changes').objectStore('changes').count();
        count.onerror = () => reject(count.error);
        count.onsuccess = () => { db.close(); resolve(count.result); };
      };
    }));
    assert.ok(stored < rows / 10, `${stored} history entries stored for ${rows} imported records`);

    // Read back from storage after a reload: the timeline shows the record's creation.
    await page.reload();
    await ready(page);
    await openCompany(page, 'Chunked Trading 1234');
    await page.locator('.history').getByText('Created').waitFor();

    // Deleting an imported record takes its history with it. (Names searched for
    // are no prefix of another: the list draws only the rows in view.)
    await openCompany(page, 'Chunked Trading 1499');
    deletedId = decodeURIComponent(new URL(page.url()).hash.split('/').pop());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted “Chunked Trading 1499”' }).waitFor();

    backup = await backupOf(page, dir);
    assertNoErrors(first);
  } finally {
    await first.context.close();
  }

  // The backup holds one "created" entry per imported record, in the per-record
  // form; none for the deleted one, and none for a record that is not there.
  const companies = backup.records.filter((r) => r.module === 'companies');
  assert.equal(companies.length, rows - 1);
  assert.ok(!backup.records.some((r) => r.id === deletedId), 'the deleted record is gone');
  const ids = new Set(backup.records.map((r) => r.id));
  assert.ok(backup.changes.every((c) => ids.has(c.record_id)), 'history only of records that exist');
  for (const company of companies) {
    const own = backup.changes.filter((c) => c.record_id === company.id);
    assert.equal(own.length, 1, `${company.id} has ${own.length} entries`);
    const [entry] = own;
    assert.deepEqual(Object.keys(entry).sort(), ['at', 'fields', 'id', 'kind', 'module', 'record_id', 'revision', 'user']);
    assert.equal(entry.kind, 'created');
    assert.equal(entry.revision, 1);
    assert.equal(entry.module, 'companies');
    assert.equal(entry.at, company.created_at);
    assert.deepEqual(entry.fields, []);
  }
  assert.equal(new Set(backup.changes.map((c) => c.id)).size, backup.changes.length, 'entry ids are unique');

  // Restored into an empty profile, the same history comes back and is shown.
  const file = path.join(dir, 'restore.json');
  fs.writeFileSync(file, JSON.stringify(backup));
  const second = await openApp(env.browser, env.server.url);
  try {
    const { page } = second;
    await ready(page);
    await page.getByRole('link', { name: 'Backup' }).click();
    await page.getByLabel('Backup file').setInputFiles(file);
    await page.getByRole('button', { name: 'Replace my data with this backup' }).click();
    await page.getByRole('status').filter({ hasText: /Restored [\d,]+ records/ }).waitFor();
    await page.reload();
    await ready(page);
    const again = await backupOf(page, dir);
    assert.deepEqual(again.changes.sort(byId), backup.changes.sort(byId));
    await openCompany(page, 'Chunked Trading 1500');
    await page.locator('.history').getByText('Created').waitFor();
    assertNoErrors(second);
  } finally {
    await second.context.close();
  }
});
