// End-to-end: what leaves the app comes back as it was. A list exported as CSV
// imports into an empty browser with the same values (the export's formula guard
// undone), a CSV too wide to handle is refused naming the limit, a backup carries
// the settings this browser keeps, and a write the browser aborts for lack of room
// says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, fieldValue, exportBackup, CHROMIUM, CHROMIUM_ARGS } from './harness.mjs';

const env = useAppServer();

const PHONE = '+98 21 1234 5678';
const NOTE = '=SUM(A1)';

async function openImport(page, module) {
  await nav(page, module).click();
  await heading(page, module).waitFor();
  await page.getByRole('link', { name: 'Import CSV' }).click();
  await heading(page, `Import ${module} from CSV`).waitFor();
}

test('a contact list exported as CSV imports into an empty browser with the same values', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-'));
  const csvFile = path.join(dir, 'contacts.csv');
  const first = await openApp(env.browser, env.server.url);
  try {
    const { page } = first;
    await ready(page);
    await nav(page, 'Contacts').click();
    await page.getByRole('link', { name: 'New contact' }).click();
    await heading(page, 'New contact').waitFor();
    await page.getByLabel('Last name').fill('Rahimi');
    await page.getByLabel('Job title').fill('@home');
    await page.getByLabel('Phones').fill(PHONE);
    await page.getByLabel('Description').fill(NOTE);
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Rahimi').waitFor();

    await nav(page, 'Contacts').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    await download.saveAs(csvFile);
    const text = fs.readFileSync(csvFile, 'utf8');
    // Neutralised for spreadsheets on the way out.
    assert.ok(text.includes(`'${PHONE}`) && text.includes(`'${NOTE}`), text);
    assertNoErrors(first);
  } finally {
    await first.context.close();
  }

  const second = await openApp(env.browser, env.server.url);
  try {
    const { page } = second;
    await ready(page);
    await openImport(page, 'Contacts');
    await page.getByLabel('CSV file').setInputFiles(csvFile);
    await page.getByText('1 row in the file.').waitFor();
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await page.getByText('0 rows refused').waitFor();
    await page.getByRole('button', { name: 'Import 1 record' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 1 record.' }).waitFor();
    await page.getByRole('link', { name: 'Rahimi', exact: true }).click();
    await heading(page, 'Rahimi').waitFor();
    assert.equal((await fieldValue(page, 'Phones').innerText()).trim(), PHONE);
    assert.equal((await fieldValue(page, 'Description').innerText()).trim(), NOTE);
    assert.equal((await fieldValue(page, 'Job title').innerText()).trim(), '@home');
    assertNoErrors(second);
  } finally {
    await second.context.close();
  }
});

test('a CSV of 600 columns is refused with the limit named, and nothing is read', async () => {
  const app = await openApp(env.browser, env.server.url);
  try {
    const { page } = app;
    await ready(page);
    await openImport(page, 'Companies');
    const header = Array.from({ length: 600 }, (_, i) => `Column ${i + 1}`).join(',');
    const row = Array.from({ length: 600 }, (_, i) => `${i}`).join(',');
    await page.getByLabel('CSV file').setInputFiles({
      name: 'wide.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${header}\n${row}\n`, 'utf8'),
    });
    const alert = page.getByRole('alert').filter({ hasText: 'wide.csv' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /it has 600 columns; at most 500 columns can be imported\. Nothing has been changed\./);
    assert.equal(await page.locator('table.mapping select').count(), 0, 'no mapping is offered');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a backup carries the base currency and who "You are", and a restore brings them back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-'));
  let file;
  const first = await openApp(env.browser, env.server.url);
  try {
    const { page } = first;
    await ready(page);
    await nav(page, 'Settings').click();
    await heading(page, 'Settings').waitFor();
    const currency = page.getByLabel('Base currency');
    await currency.fill('CHF');
    await currency.press('Tab');
    file = await exportBackup(page, dir);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(doc.settings.base_currency, 'CHF');
    assert.ok(doc.settings.current_user, JSON.stringify(doc.settings));
    assertNoErrors(first);
  } finally {
    await first.context.close();
  }

  const second = await openApp(env.browser, env.server.url);
  try {
    const { page } = second;
    await ready(page);
    await page.getByRole('link', { name: 'Backup' }).click();
    await page.getByLabel('Backup file').setInputFiles(file);
    await page.getByRole('button', { name: 'Replace my data with this backup' }).click();
    await page.getByRole('status').filter({ hasText: /Restored \d+ records from the backup/ }).waitFor();
    await nav(page, 'Settings').click();
    await heading(page, 'Settings').waitFor();
    assert.equal(await page.getByLabel('Base currency').inputValue(), 'CHF');
    // Kept by the browser: still there after a reload.
    await page.reload();
    await heading(page, 'Settings').waitFor();
    assert.equal(await page.getByLabel('Base currency').inputValue(), 'CHF');
    assertNoErrors(second);
  } finally {
    await second.context.close();
  }
});

test('a write the browser aborts for want of room names the quota as the cause', async () => {
  // The quota can be overridden only in a profile's own storage, not in the
  // throwaway contexts the other tests use.
  const context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // 1 MB: room for the app's start, not for the import. Set before the database
    // is opened (an open connection keeps the quota it was opened with).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(env.server.url).origin, quotaSize: 1024 * 1024 });
    await page.goto(env.server.url);
    await ready(page);
    await openImport(page, 'Companies');
    const names = Array.from({ length: 2_000 }, (_, i) => `Roomless Trading ${i + 1}`);
    await page.getByLabel('CSV file').setInputFiles({
      name: 'big.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`Name,Description\n${names.map((n) => `${n},${'y'.repeat(2000)}`).join('\n')}\n`, 'utf8'),
    });
    await page.getByText('2,000 rows in the file.').waitFor();
    await page.getByRole('button', { name: 'Check the rows' }).click();
    const confirm = page.getByRole('button', { name: 'Import 2,000 records' });
    await confirm.waitFor();
    // About 4 MB: the browser aborts the write as it commits.
    await confirm.click();
    const alert = page.getByRole('alert').filter({ hasText: /Could not/ });
    await alert.waitFor();
    assert.match(await alert.innerText(), /QuotaExceededError/);
    assert.doesNotMatch(await alert.innerText(), /the transaction was aborted/);
  } finally {
    await context.close();
  }
});
