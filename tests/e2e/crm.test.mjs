// End-to-end: a person using the release build, found by role and label as
// assistive technology would find things.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useAppServer, openApp, assertNoErrors, heading, ready, loadSample, exportBackup } from './harness.mjs';

const env = useAppServer();


const byId = (a, b) => a.id.localeCompare(b.id);
const recordsOf = (file) => JSON.parse(fs.readFileSync(file, 'utf8')).records.sort(byId);
const historyOf = (file) => JSON.parse(fs.readFileSync(file, 'utf8')).changes.sort(byId);

test('a company and a contact created by hand survive a reload', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Companies' }).click();
    await heading(page, 'Companies').waitFor();
    await page.getByRole('link', { name: 'New company' }).click();
    await heading(page, 'New company').waitFor();

    // Saving with the required name missing names the problem and saves nothing.
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'Please correct the field marked below' }).waitFor();
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#f-name-error').textContent(), /This field is required/);

    const storedCount = () => page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('local-crm');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const count = open.result.transaction('records').objectStore('records').count();
        count.onsuccess = () => { resolve(count.result); open.result.close(); };
      };
    }));
    // A new database holds only the default pipelines and their stages.
    const before = await storedCount();
    await name.fill('Acme Labs');
    await page.getByLabel('Website').fill('not a web address');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#f-website-error').filter({ hasText: 'is not a valid web address' }).waitFor();
    // Refused input wrote nothing.
    assert.equal(await storedCount(), before);
    await page.getByLabel('Website').fill('acme.example');
    await page.getByLabel('Industry').selectOption({ label: 'Software' });
    await page.getByLabel('Annual revenue').fill('1250000.50');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Acme Labs').waitFor();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assert.ok(await page.getByRole('link', { name: 'https://acme.example' }).isVisible());

    // Add a contact from the company's related list: the company is prefilled.
    await page.getByRole('link', { name: 'New contact' }).click();
    await heading(page, 'New contact').waitFor();
    await page.getByLabel('First name').fill('Anna');
    await page.getByLabel('Last name').fill('Berg');
    await page.getByLabel('Emails').fill('anna@acme.example, a.berg@home.example');
    await page.getByLabel('Phones').fill('+47 555 0100');
    await page.getByRole('button', { name: 'Save' }).click();
    // Added from the company's page, the save goes back there.
    await heading(page, 'Acme Labs').waitFor();
    await page.getByRole('heading', { name: 'Contacts (1)' }).waitFor();
    await page.locator('.related-list').getByRole('link', { name: 'Anna Berg' }).click();
    await heading(page, 'Anna Berg').waitFor();
    const contactUrl = page.url();

    await page.reload();
    await heading(page, 'Anna Berg').waitFor();
    assert.ok(await page.getByRole('link', { name: 'anna@acme.example' }).isVisible());
    await page.getByRole('link', { name: 'Acme Labs' }).click();
    await heading(page, 'Acme Labs').waitFor();
    await page.getByRole('heading', { name: 'Contacts (1)' }).waitFor();
    assert.ok(await page.locator('.related-list').getByRole('link', { name: 'Anna Berg' }).isVisible());

    // The list finds the contact by search, and an unmatched search says so.
    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await page.getByLabel('Search Contacts').fill('berg');
    await page.getByRole('status').filter({ hasText: '1 record' }).waitFor();
    // The list exports what it shows, every field, readable by a spreadsheet.
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csvFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-csv-')), 'contacts.csv');
    await csvDownload.saveAs(csvFile);
    const csvLines = fs.readFileSync(csvFile, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(csvLines.length, 2, csvLines.join('\n'));
    // The company by its name, with its id beside it for the import.
    assert.match(csvLines[0], /^First name,Last name,Job title,Company,Company id,Emails,Phones,/);
    assert.match(csvLines[1], /^Anna,Berg,,Acme Labs,[^,]+,"anna@acme.example, a.berg@home.example",'\+47 555 0100,/);
    await page.getByLabel('Search Contacts').fill('nobody-like-this');
    await page.getByText('No records match').waitFor();
    assert.ok(contactUrl.includes('#/m/contacts/'));
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a backup restores every record into an empty browser profile', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-'));
  const first = await openApp(env.browser, env.server.url);
  let exported;
  try {
    await ready(first.page);
    await loadSample(first.page);
    exported = await exportBackup(first.page, dir);

    // Clear this site's storage, as a user would in the browser's settings, and
    // restore into the same profile.
    const cdp = await first.context.newCDPSession(first.page);
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(env.server.url).origin, storageTypes: 'all' });
    await first.page.reload();
    await heading(first.page, 'Backup and restore').waitFor();
    await first.page.getByRole('link', { name: 'Home' }).click();
    await first.page.getByRole('button', { name: 'Load sample data' }).waitFor();
    await first.page.getByRole('link', { name: 'Backup' }).click();
    await first.page.getByLabel('Backup file').setInputFiles(exported);
    await first.page.getByRole('button', { name: 'Replace my data with this backup' }).click();
    await first.page.getByRole('status').filter({ hasText: /Restored \d+ records/ }).waitFor();
    await first.page.getByRole('link', { name: 'Home' }).click();
    await first.page.getByRole('heading', { name: 'Companies' }).waitFor();
    assert.match(await first.page.locator('.summary-card').first().textContent(), /24 records/);
    assertNoErrors(first);
  } finally {
    await first.context.close();
  }
  const original = recordsOf(exported);
  const originalHistory = historyOf(exported);
  assert.ok(original.length > 50, `only ${original.length} records exported`);
  assert.equal(originalHistory.length, original.length, 'each sample record has its "created" entry');
  assert.ok(original.some((r) => r.values?.name?.text === 'صنایع غذایی البرز'), 'Persian text lost');

  // A fresh context has empty IndexedDB: the same as clearing the site's storage.
  const second = await openApp(env.browser, env.server.url);
  const { page } = second;
  try {
    await ready(page);
    await page.getByRole('link', { name: 'Backup' }).click();

    // A file that is not JSON is refused with the place of the problem; nothing changes.
    await page.getByLabel('Backup file').setInputFiles({
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format": "local-crm-backup",\n "version": 2,\n "records": [oops]}'),
    });
    const refusal = page.getByRole('alert').filter({ hasText: 'cannot be restored' });
    await refusal.waitFor();
    assert.match(await refusal.textContent(), /Line 3, column \d+/);
    assert.match(await refusal.textContent(), /not valid JSON/);
    // In the user's words, not the parser's.
    assert.match(await refusal.textContent(), /something else is at the place named/);
    assert.doesNotMatch(await refusal.textContent(), /expected|EOF|at line \d+ column/);
    assert.match(await refusal.textContent(), /has not been changed/);

    // Another app's JSON is named as such.
    await page.getByLabel('Backup file').setInputFiles({
      name: 'other.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ format: 'someone-else', version: 1, records: [] })),
    });
    await page.getByRole('alert').filter({ hasText: 'is a “someone-else” file' }).waitFor();

    await page.getByLabel('Backup file').setInputFiles(exported);
    await page.getByRole('heading', { name: /is a valid backup/ }).waitFor();
    // Cancelled, the same file can be chosen again (the input is emptied).
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: /is a valid backup/ }).waitFor({ state: 'detached' });
    await page.getByLabel('Backup file').setInputFiles(exported);
    await page.getByRole('heading', { name: /is a valid backup/ }).waitFor();
    await page.getByRole('button', { name: 'Replace my data with this backup' }).click();
    await page.getByRole('status').filter({ hasText: /Restored \d+ records/ }).waitFor();

    await page.reload();
    await ready(page);
    const secondExport = await exportBackup(page, dir);
    assert.deepEqual(recordsOf(secondExport), original);
    assert.deepEqual(historyOf(secondExport), originalHistory);

    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await page.getByLabel('Search Contacts').fill('Öztürk');
    await page.getByRole('link', { name: 'Çağrı' }).first().click();
    await heading(page, /Çağrı Öztürk/).waitFor();
    // The restored record keeps its history.
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.locator('.history').getByText('Created').waitFor();
    assertNoErrors(second);
  } finally {
    await second.context.close();
  }
});

test('a restore that would break data is refused and leaves the data as it was', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    const before = await page.locator('main').innerText();
    await page.getByRole('link', { name: 'Backup' }).click();
    const broken = {
      format: 'local-crm-backup',
      version: 2,
      records: [
        { id: 'p1', module: 'contacts', created_at: 1, updated_at: 1, revision: 1,
          values: { last_name: { text: 'Berg' }, emails: { list: ['not-an-email'] } } },
      ],
    };
    await page.getByLabel('Backup file').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(broken)),
    });
    const refusal = page.getByRole('alert').filter({ hasText: 'cannot be restored' });
    await refusal.waitFor();
    assert.match(await refusal.textContent(), /Record 1 \(id p1\), field “Emails”/);
    assert.match(await refusal.textContent(), /“not-an-email” is not a valid email address/);
    assert.equal(await page.getByRole('button', { name: 'Replace my data with this backup' }).count(), 0);
    await page.getByRole('link', { name: 'Home' }).click();
    await heading(page, 'Welcome').waitFor();
    assert.equal(await page.locator('main').innerText(), before);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('deleting asks first, and clears the links that pointed at the record', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Companies' }).click();
    await page.getByLabel('Search Companies').fill('Northwind');
    await page.getByRole('link', { name: 'Northwind Traders' }).click();
    await heading(page, 'Northwind Traders').waitFor();
    const contact = page.locator('.related-list a').first();
    const contactName = (await contact.textContent()).trim();
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /linked record/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await heading(page, 'Northwind Traders').waitFor();

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted “Northwind Traders”' }).waitFor();
    await page.reload();
    await ready(page);
    await page.getByLabel('Search Companies').fill('Northwind');
    await page.getByText('No records match').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await page.getByLabel('Search Contacts').fill(contactName.split(' ').pop());
    await page.getByRole('link', { name: contactName.split(' ')[0] }).first().click();
    await heading(page, contactName).waitFor();
    // The company link is gone from the contact, not left pointing at nothing.
    const companyValue = page.locator('.field-row', { has: page.getByText('Company', { exact: true }) }).locator('dd');
    assert.equal((await companyValue.textContent()).trim(), '—');
    // Its history tells what happened.
    await page.getByText('Company: (deleted record) → —').waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('Persian turns the whole page right-to-left and stays chosen', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
    await page.getByLabel('Language').selectOption('fa');
    await page.getByRole('heading', { level: 1, name: 'خوش آمدید' }).waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.equal(await page.getAttribute('html', 'lang'), 'fa');
    await page.getByRole('button', { name: 'بارگذاری داده‌های نمونه' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'شرکت‌ها' }).click();
    await heading(page, 'شرکت‌ها').waitFor();
    // Numbers follow the locale: the result count is written with Persian digits.
    const count = await page.getByRole('status').filter({ hasText: 'رکورد' }).first().textContent();
    assert.match(count, /[۰-۹]/);
    await page.reload();
    await heading(page, 'شرکت‌ها').waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a save from a stale tab is refused with its cause, and the newer change is kept', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page, context } = app;
  try {
    await ready(page);
    await loadSample(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Companies' }).click();
    await page.getByRole('link', { name: 'Helios Solar' }).click();
    await heading(page, 'Helios Solar').waitFor();
    const editUrl = page.url() + '/edit';

    // A second tab of the same browser opens the same record's form.
    const other = await context.newPage();
    await other.goto(editUrl);
    await other.getByRole('heading', { level: 1, name: 'Edit Helios Solar' }).waitFor();

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Helios Solar Energy');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Helios Solar Energy').waitFor();

    await other.getByRole('textbox', { name: 'Name', exact: true }).fill('Helios Old Name');
    await other.getByRole('button', { name: 'Save' }).click();
    await other.getByRole('alert').filter({ hasText: 'changed in another tab or window' }).waitFor();
    // The stale tab keeps what was typed, so nothing is lost there either.
    assert.equal(await other.getByRole('textbox', { name: 'Name', exact: true }).inputValue(), 'Helios Old Name');

    await page.reload();
    await heading(page, 'Helios Solar Energy').waitFor();
    assertNoErrors(app);
  } finally {
    await context.close();
  }
});

test('the list is usable from the keyboard, even beyond the rows rendered', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await heading(page, 'Contacts').waitFor();
    const rendered = await page.locator('tbody tr[data-slot]').count();

    // Sorting is a button in each column header.
    await page.getByRole('button', { name: 'Last name' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('th[aria-sort="ascending"]').count(), 1);

    await page.locator('tbody tr[data-slot] a').first().focus();
    const focusedSlot = () =>
      page.evaluate(() => document.activeElement?.closest('tr[data-slot]')?.getAttribute('data-slot'));
    const first = await focusedSlot();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const third = await page.locator('tbody tr[data-slot]').nth(2).getAttribute('data-slot');
    assert.equal(await focusedSlot(), third);

    // Ctrl+End goes to the very last contact, which was not rendered at first.
    await page.keyboard.press('Control+End');
    await page.waitForFunction(() =>
      document.activeElement?.closest('tr[data-slot]') &&
      document.querySelector('tbody tr.spacer:last-child').style.height === '0px');
    const last = await page.locator('tbody tr[data-slot]').last().getAttribute('data-slot');
    assert.equal(await focusedSlot(), last);
    assert.ok(rendered < 125, `all ${rendered} rows were rendered; the test proves nothing`);
    await page.keyboard.press('Control+Home');
    await page.waitForFunction((first) =>
      document.activeElement?.closest('tr[data-slot]')?.getAttribute('data-slot') === first, first);

    // Enter on a focused row opens the record.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('leaving a form with unsaved changes asks first', async () => {
  const app = await openApp(env.browser, env.server.url, { path: '#/m/companies/new' });
  const { page } = app;
  try {
    await heading(page, 'New company').waitFor();
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    await name.fill('Half typed');

    const messages = [];
    page.once('dialog', (d) => { messages.push(d.message()); d.dismiss(); });
    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await page.waitForFunction(() => location.hash === '#/m/companies/new');
    assert.match(messages[0], /changes that are not saved/);
    assert.equal(await name.inputValue(), 'Half typed');
    await heading(page, 'New company').waitFor();

    page.once('dialog', (d) => { messages.push(d.message()); d.accept(); });
    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await heading(page, 'Contacts').waitFor();
    assert.equal(messages.length, 2);

    // A saved form leaves without a question.
    await page.getByRole('navigation').getByRole('link', { name: 'Companies' }).click();
    await page.getByRole('link', { name: 'New company' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Saved Co');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Saved Co').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await heading(page, 'Contacts').waitFor();
    assert.equal(messages.length, 2);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
