// End-to-end: what the one write path guarantees a person. A leads file without a
// Status column imports like leads typed into the form; a backup made in a second,
// stale tab holds what the first tab saved (it is read from the database, not the
// tab's memory) and restores; a delete from a stale tab does not destroy a newer edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample, exportBackup, fieldValue } from './harness.mjs';

const env = useAppServer();

/** A second page of the same profile that hears nothing of the other tabs' commits
 *  (as a tab whose message was lost), so its memory stays as it first read it. */
async function deafPage(context) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.BroadcastChannel = class { constructor() {} postMessage() {} close() {} set onmessage(_) {} };
  });
  return page;
}

test('a leads file without a Status column imports every row as new, scored and assigned', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    // A round-robin assignment rule over the first two team members.
    await page.goto(new URL('#/m/assignment_rules/new', env.server.url).href);
    await heading(page, 'New assignment rule').waitFor();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Take turns');
    await page.getByLabel('Method').selectOption({ label: 'Round-robin' });
    const group = page.getByRole('group', { name: 'Group' }).getByRole('checkbox');
    await group.nth(0).check();
    await group.nth(1).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(page, 'Take turns').waitFor();
    await nav(page, 'Leads').click();
    await heading(page, 'Leads').waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Leads from CSV').waitFor();
    const csv = 'First name;Last name;Email;Company;Notes\r\n'
      + 'Nina;Holmqvist;nina@holmqvist-retail.example;Holmqvist Retail;Met at the fair\r\n'
      + 'Omid;Karimzadeh;omid@pars-trading.example;Pars Trading;\r\n'
      + 'Somchai;Wongsawat;somchai@siam-foods.example;Siam Foods;ลูกค้าใหม่\r\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByText('3 rows in the file.').waitFor();
    // The export's column names are not the app's own, yet they map without help.
    const chosen = (header) => page.getByLabel(header, { exact: true }).locator('option:checked').textContent();
    assert.equal(await chosen('Email'), 'Emails');
    assert.equal(await chosen('Notes'), 'Description');
    assert.equal(await chosen('Company'), 'Company');
    await page.getByRole('button', { name: 'Check the rows' }).click();
    const summary = page.getByRole('region', { name: 'Ready to import' });
    await summary.waitFor();
    await summary.getByText('3 new records').waitFor();
    // No row is refused for a missing status.
    await summary.getByText('0 rows refused').waitFor();
    await page.getByRole('button', { name: 'Import 3 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 3 records.' }).waitFor();

    await page.reload();
    await ready(page);
    await page.getByLabel('Search Leads').fill('Holmqvist');
    await page.getByRole('link', { name: 'Nina' }).click();
    await heading(page, 'Nina Holmqvist').waitFor();
    assert.equal((await fieldValue(page, 'Status').textContent()).trim(), 'New');
    // Scored by the sample rules as the form would (no phone: −5) ...
    assert.equal((await fieldValue(page, 'Score').textContent()).trim(), '-5');
    // ... and assigned by the assignment rule, which says so.
    assert.equal((await fieldValue(page, 'Assigned by rule').textContent()).trim(), 'Take turns');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a backup made in a second, stale tab holds what the first tab saved, and restores', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-'));
  const app = await openApp(env.browser, env.server.url);
  const a = app.page;
  const b = await deafPage(app.context);
  const errors = [];
  b.on('pageerror', (err) => errors.push(err.message));
  try {
    await ready(a);
    await loadSample(a);
    await b.goto(env.server.url);
    await ready(b);
    await b.getByRole('heading', { name: 'Companies' }).waitFor();

    // Tab A deletes a sample company and creates one; tab B is not reloaded.
    await nav(a, 'Companies').click();
    await heading(a, 'Companies').waitFor();
    const victim = (await a.locator('tbody tr[data-slot] a').first().textContent()).trim();
    await a.locator('tbody tr[data-slot] a').first().click();
    await heading(a, victim).waitFor();
    await a.getByRole('button', { name: 'Delete', exact: true }).click();
    await a.getByRole('button', { name: 'Yes, delete' }).click();
    await heading(a, 'Companies').waitFor();
    await a.getByRole('link', { name: 'New company' }).first().click();
    await a.getByRole('textbox', { name: 'Name', exact: true }).fill('Second Tab Trading');
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(a, 'Second Tab Trading').waitFor();

    const file = await exportBackup(b, dir);
    const backup = JSON.parse(fs.readFileSync(file, 'utf8'));
    const names = backup.records.filter((r) => r.module === 'companies').map((r) => r.values.name?.text);
    assert.ok(names.length > 5, `${names.length} companies in the backup`);
    assert.ok(names.includes('Second Tab Trading'), 'the company made in the other tab is in the backup');
    assert.ok(!names.includes(victim), 'the company deleted in the other tab does not come back');

    // And the file restores (it was refused before: history of a record it left out).
    await b.getByLabel('Backup file').setInputFiles(file);
    await b.getByRole('button', { name: 'Replace my data with this backup' }).click();
    await b.getByRole('status').filter({ hasText: /Restored \d+ records/ }).waitFor();
    assert.deepEqual(errors, []);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a delete from a stale tab does not destroy an edit made in another tab', async () => {
  const app = await openApp(env.browser, env.server.url);
  const a = app.page;
  const b = await deafPage(app.context);
  try {
    await ready(a);
    await nav(a, 'Companies').click();
    await a.getByRole('link', { name: 'New company' }).first().click();
    await a.getByRole('textbox', { name: 'Name', exact: true }).fill('Edited Elsewhere');
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(a, 'Edited Elsewhere').waitFor();
    const url = a.url();

    await b.goto(url);
    await ready(b);
    await heading(b, 'Edited Elsewhere').waitFor();

    // Tab A edits the company; tab B, which read it before, then deletes it.
    await a.getByRole('link', { name: 'Edit' }).click();
    await a.getByRole('textbox', { name: 'Name', exact: true }).fill('Edited Elsewhere AB');
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(a, 'Edited Elsewhere AB').waitFor();

    await b.getByRole('button', { name: 'Delete', exact: true }).click();
    await b.getByRole('button', { name: 'Yes, delete' }).click();
    await b.getByRole('alert').filter({ hasText: 'changed in another tab' }).waitFor();

    await a.reload();
    await ready(a);
    await heading(a, 'Edited Elsewhere AB').waitFor();
  } finally {
    await app.context.close();
  }
});

test('a tab follows an edit made in another tab without a reload', async () => {
  const app = await openApp(env.browser, env.server.url);
  const a = app.page;
  const b = await app.context.newPage();
  try {
    await ready(a);
    await nav(a, 'Companies').click();
    await a.getByRole('link', { name: 'New company' }).first().click();
    await a.getByRole('textbox', { name: 'Name', exact: true }).fill('Followed Trading');
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(a, 'Followed Trading').waitFor();
    await b.goto(env.server.url);
    await ready(b);
    await nav(b, 'Companies').click();
    await b.getByRole('link', { name: 'Followed Trading', exact: true }).waitFor();

    await a.getByRole('link', { name: 'Edit' }).click();
    await a.getByRole('textbox', { name: 'Name', exact: true }).fill('Followed Trading AB');
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(a, 'Followed Trading AB').waitFor();
    // Tab B's list shows the new name, read back from the database.
    await b.getByRole('link', { name: 'Followed Trading AB', exact: true }).waitFor();
    // And B, now current, may write what depends on it: deleting it works.
    await b.getByRole('link', { name: 'Followed Trading AB', exact: true }).click();
    await heading(b, 'Followed Trading AB').waitFor();
    await b.getByRole('button', { name: 'Delete', exact: true }).click();
    await b.getByRole('button', { name: 'Yes, delete' }).click();
    await heading(b, 'Companies').waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
