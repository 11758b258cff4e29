// End-to-end: a contacts file exported from Outlook (its own header row, UTF-8 with a
// byte order mark as Outlook writes it) imports without mapping a column by hand:
// names, the three email columns, the phones, the company (an existing one, by its
// name, or a new one made in the same write when the user chooses) and the
// business address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample, fieldValue } from './harness.mjs';

const env = useAppServer();

const OUTLOOK_HEADER = [
  'First Name', 'Middle Name', 'Last Name', 'Title', 'Suffix', 'Nickname', 'Given Yomi', 'Surname Yomi',
  'E-mail Address', 'E-mail 2 Address', 'E-mail 3 Address', 'Home Phone', 'Home Phone 2', 'Business Phone',
  'Business Phone 2', 'Mobile Phone', 'Car Phone', 'Other Phone', 'Primary Phone', 'Pager', 'Business Fax',
  'Home Fax', 'Other Fax', 'Company Main Phone', 'Callback', 'Radio Phone', 'Telex', 'TTY/TDD Phone',
  'IMAddress', 'Job Title', 'Department', 'Company', 'Office Location', "Manager's Name", "Assistant's Name",
  "Assistant's Phone", 'Company Yomi', 'Business Street', 'Business City', 'Business State',
  'Business Postal Code', 'Business Country/Region', 'Home Street', 'Home City', 'Home State',
  'Home Postal Code', 'Home Country/Region', 'Other Street', 'Other City', 'Other State', 'Other Postal Code',
  'Other Country/Region', 'Personal Web Page', 'Spouse', 'Schools', 'Hobby', 'Location', 'Web Page',
  'Birthday', 'Anniversary', 'Notes',
];

function outlookRow(values) {
  return OUTLOOK_HEADER.map((h) => {
    const v = values[h] ?? '';
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',');
}

test('an Outlook contacts export imports with every usual column mapped', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Contacts').click();
    await heading(page, 'Contacts').waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Contacts from CSV').waitFor();
    const rows = [
      {
        'First Name': 'Greta', 'Last Name': 'Lindqvist', Title: 'Dr.', 'Job Title': 'Head of buying',
        'E-mail Address': 'greta@northwind.example', 'E-mail 2 Address': 'greta.lindqvist@mail.example',
        'Business Phone': '+46 8 555 010 20', 'Mobile Phone': '+46 70 555 01 02', Company: 'Northwind Traders',
        'Business Street': 'Storgatan 1', 'Business City': 'Stockholm', 'Business Postal Code': '111 22',
        'Business Country/Region': 'Sweden', Notes: 'Met at the fair, "very keen"',
      },
      {
        'First Name': 'Darius', 'Last Name': 'Farahani', 'E-mail Address': 'darius@contoso.example',
        'Mobile Phone': '+98 912 555 0101', Company: 'Contoso Pharma', 'Business City': 'Boston',
      },
      // A company the CRM does not have yet.
      { 'First Name': 'Lars', 'Last Name': 'Nordin', 'E-mail Address': 'lars@nordic.example', Company: 'Nordic AB' },
    ];
    const csv = '\uFEFF' + [OUTLOOK_HEADER.map((h) => (h.includes(',') ? `"${h}"` : h)).join(','), ...rows.map(outlookRow)].join('\r\n') + '\r\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.CSV', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByText('3 rows in the file.').waitFor();
    const chosen = (header) => page.getByLabel(header, { exact: true }).locator('option:checked').textContent();
    for (const [header, field] of [
      ['E-mail Address', 'Emails'], ['E-mail 2 Address', 'Emails'], ['Business Phone', 'Phones'],
      ['Mobile Phone', 'Phones'], ['Company', 'Company'], ['Business City', 'City'], ['Notes', 'Description'],
    ]) {
      assert.equal(await chosen(header), field, header);
    }
    // By default a company not found is made once, in the same write, as HubSpot and
    // Pipedrive do; the summary says so before anything is written.
    const missing = page.getByRole('group', { name: 'When a linked record is not found by its name' });
    assert.ok(await missing.getByLabel('Create the linked record').isChecked(), 'create is the default');
    await page.getByRole('button', { name: 'Check the rows' }).click();
    const summary = page.getByRole('region', { name: 'Ready to import' });
    await summary.getByText('3 new records').waitFor();
    await summary.getByText('1 linked record to create').waitFor();
    await summary.getByText('0 rows refused').waitFor();
    // Chosen to refuse instead: that row is refused, naming the company.
    await missing.getByLabel('Refuse the row').check();
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await summary.getByText('2 new records').waitFor();
    await summary.getByText('1 row refused').waitFor();
    await summary.getByText(/Nordic AB/).waitFor();
    await missing.getByLabel('Create the linked record').check();
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await summary.getByText('1 linked record to create').waitFor();
    await page.getByRole('button', { name: 'Import 3 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 3 records.' }).waitFor();

    await page.getByLabel('Search Contacts').fill('Nordin');
    await page.getByRole('link', { name: 'Lars' }).click();
    await heading(page, 'Lars Nordin').waitFor();
    assert.match(await fieldValue(page, 'Company').textContent(), /Nordic AB/);
    await nav(page, 'Companies').click();
    await page.getByLabel('Search Companies').fill('Nordic');
    await page.getByRole('link', { name: 'Nordic AB' }).waitFor();
    await nav(page, 'Contacts').click();

    await page.getByLabel('Search Contacts').fill('Lindqvist');
    await page.getByRole('link', { name: 'Greta' }).click();
    await heading(page, 'Greta Lindqvist').waitFor();
    const emails = await fieldValue(page, 'Emails').textContent();
    assert.match(emails, /greta@northwind\.example/);
    assert.match(emails, /greta\.lindqvist@mail\.example/);
    const phones = await fieldValue(page, 'Phones').textContent();
    assert.match(phones, /555 010 20/);
    assert.match(phones, /555 01 02/);
    assert.match(await fieldValue(page, 'Company').textContent(), /Northwind Traders/);
    assert.match(await fieldValue(page, 'City').textContent(), /Stockholm/);
    assert.match(await fieldValue(page, 'Job title').textContent(), /Head of buying/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a field set for every row fills the rows of a file that has no such column', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Leads').click();
    await heading(page, 'Leads').waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Leads from CSV').waitFor();
    const csv = 'First name,Last name,Email,Rating\r\nAstrid,Fairgoer,astrid@fair.example,\r\nBijan,Standvisitor,bijan@fair.example,Hot\r\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'fair.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByText('2 rows in the file.').waitFor();
    // Everyone came from the fair; the rating is "Warm" unless the row says otherwise.
    const group = page.getByRole('group', { name: 'Set a field for every row' });
    for (const [field, value] of [['Source', 'event'], ['Rating', 'warm']]) {
      await group.getByLabel('Field', { exact: true }).selectOption({ label: field });
      await group.getByLabel('Value for every row').fill(value);
      await group.getByRole('button', { name: 'Set', exact: true }).click();
    }
    await group.getByText('Source: event').waitFor();
    await group.getByRole('button', { name: 'Remove “Rating” for every row' }).waitFor();
    await page.getByRole('button', { name: 'Check the rows' }).click();
    const summary = page.getByRole('region', { name: 'Ready to import' });
    await summary.getByText('2 new records').waitFor();
    await summary.getByText('0 rows refused').waitFor();
    await page.getByRole('button', { name: 'Import 2 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 2 records.' }).waitFor();

    for (const [first, last, rating] of [['Astrid', 'Fairgoer', 'Warm'], ['Bijan', 'Standvisitor', 'Hot']]) {
      await nav(page, 'Leads').click();
      await page.getByLabel('Search Leads').fill(last);
      await page.getByRole('link', { name: first }).click();
      await heading(page, `${first} ${last}`).waitFor();
      assert.equal((await fieldValue(page, 'Source').textContent()).trim(), 'Event', first);
      assert.equal((await fieldValue(page, 'Rating').textContent()).trim(), rating, `${first}: a row's own value stands`);
    }
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
