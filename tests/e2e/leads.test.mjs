// End-to-end: leads as a person works them — scored by the rules as they are saved,
// converted into a contact, a company and a deal in one step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, fieldValue, ready, loadSample } from './harness.mjs';

const env = useAppServer();

const row = fieldValue;

test('a new lead is scored by the rules, and converting it creates contact, company and deal', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);

    await nav(page, 'Leads').click();
    await heading(page, 'Leads').waitFor();
    await page.getByRole('link', { name: 'New lead' }).first().click();
    await heading(page, 'New lead').waitFor();
    await page.getByLabel('First name').fill('Nina');
    await page.getByRole('textbox', { name: 'Last name', exact: true }).fill('Holm');
    await page.getByLabel('Company', { exact: true }).fill('Holm Retail');
    await page.getByLabel('Emails').fill('nina@holm-retail.example');
    await page.getByLabel('Industry').selectOption({ label: 'Retail' });
    await page.getByLabel('Rating').selectOption({ label: 'Hot' });
    // Dead without a reason is refused, naming the field.
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption({ label: 'Dead' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#f-dead_reason-error').filter({ hasText: 'is required when a lead is dead' }).waitFor();
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption({ label: 'Sales qualified (SQL)' });
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Nina Holm').waitFor();
    // Sample rules: retail +10, hot +20, no phone −5, sales qualified +25.
    assert.equal((await row(page, 'Score').textContent()).trim(), '50');
    assert.equal((await row(page, 'Priority band').textContent()).trim(), 'A');

    await page.getByRole('link', { name: 'Convert' }).click();
    await heading(page, 'Convert Nina Holm').waitFor();
    await page.getByRole('radio', { name: 'Create a new company “Holm Retail”' }).check();
    assert.ok(await page.getByRole('checkbox', { name: 'Also create a deal' }).isChecked());
    await page.getByLabel('Amount').fill('12000 EUR');
    await page.getByRole('button', { name: 'Convert' }).click();
    await heading(page, 'Nina Holm').waitFor();
    await page.getByRole('status').filter({ hasText: 'Converted.' }).waitFor();
    assert.match(page.url(), /#\/m\/contacts\//);
    await page.getByRole('heading', { name: 'Contacts on deals (1)' }).waitFor();
    assert.equal((await row(page, 'Emails').textContent()).trim(), 'nina@holm-retail.example');

    await page.reload();
    await ready(page);
    await page.locator('.field-row', { has: page.getByText('Company', { exact: true }) }).getByRole('link', { name: 'Holm Retail' }).click();
    await heading(page, 'Holm Retail').waitFor();
    await page.getByRole('heading', { name: 'Deals (1)' }).waitFor();
    await page.locator('.related-list').getByRole('link', { name: 'Holm Retail' }).click();
    await heading(page, 'Holm Retail').waitFor();
    assert.equal((await row(page, 'Amount').textContent()).trim(), '€12,000.00');
    assert.equal((await row(page, 'Stage').textContent()).trim(), 'Qualification');

    await nav(page, 'Leads').click();
    await page.getByLabel('Search Leads').fill('Holm');
    await page.getByRole('link', { name: 'Nina' }).click();
    await heading(page, 'Nina Holm').waitFor();
    assert.equal((await row(page, 'Status').textContent()).trim(), 'Converted');
    assert.equal((await row(page, 'Became company').textContent()).trim(), 'Holm Retail');
    assert.equal(await page.getByRole('link', { name: 'Convert' }).count(), 0, 'a converted lead is not offered again');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('importing leads reports the duplicate and the broken row, and writes only on confirm', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Leads').click();
    await heading(page, 'Leads').waitFor();
    const before = await page.getByRole('status').filter({ hasText: /records?$/ }).textContent();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Leads from CSV').waitFor();

    // Not a CSV at all: refused, and nothing to import.
    await page.getByLabel('CSV file').setInputFiles({
      name: 'photo.csv', mimeType: 'text/csv',
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    });
    await page.getByRole('alert').filter({ hasText: '“photo.csv” cannot be imported: it is not a CSV file' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Check the rows' }).count(), 0);

    const csv = '\uFEFFFirst name;Last name;Company;Emails;Status;Rating\r\n'
      + 'Sven;Lund;"Lund; Söner AB";sven@lund.example;new;Hot\r\n'
      + 'Laura;Jensen;Fjord Fisheries;LEAD1@prospect1.example;new;warm\r\n'
      + ';;Nameless Co;broken@x.example;new;warm\r\n'
      + 'پرویز;رضایی;شرکت آریا;parviz@arya.example;mql;cold\r\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByText('4 rows in the file.').waitFor();
    // Columns were matched to fields by their headers.
    assert.equal(await page.getByLabel('Last name', { exact: true }).locator('option:checked').textContent(), 'Last name');
    assert.equal(await page.getByLabel('Company', { exact: true }).locator('option:checked').textContent(), 'Company');
    await page.getByRole('button', { name: 'Check the rows' }).click();
    const summary = page.getByRole('region', { name: 'Ready to import' });
    await summary.waitFor();
    await summary.getByText('2 new records').waitFor();
    await summary.getByText('1 duplicate row skipped').waitFor();
    await summary.getByText('1 row refused').waitFor();
    await summary.getByText(/^Row 4: .*required/).waitFor();
    // Nothing is written before the confirmation.
    await nav(page, 'Leads').click();
    assert.equal(await page.getByRole('status').filter({ hasText: /records?$/ }).textContent(), before);
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.getByLabel('CSV file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await page.getByRole('button', { name: 'Import 2 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 2 records.' }).waitFor();

    await page.reload();
    await ready(page);
    await page.getByLabel('Search Leads').fill('Lund');
    await page.getByRole('link', { name: 'Sven' }).click();
    await heading(page, 'Sven Lund').waitFor();
    assert.equal((await row(page, 'Company').textContent()).trim(), 'Lund; Söner AB');
    // Scored on the way in: hot +20, no phone −5.
    assert.equal((await row(page, 'Score').textContent()).trim(), '15');
    await nav(page, 'Leads').click();
    await page.getByLabel('Search Leads').fill('رضایی');
    await page.getByRole('link', { name: 'پرویز' }).waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('likely duplicates are shown before saving, and merging them keeps every link', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Contacts').click();
    await page.getByLabel('Search Contacts').fill('contact1@');
    await page.locator('tbody tr[data-slot] a').first().click();
    await page.waitForURL(/#\/m\/contacts\/sample-contact-/);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    const original = (await page.getByRole('heading', { level: 1 }).textContent()).trim();
    const phone = (await row(page, 'Phones').textContent()).trim();
    const related = await page.locator('.related-list li').count();

    // A new contact with the same phone written another way.
    await nav(page, 'Contacts').click();
    await page.getByRole('link', { name: 'New contact' }).first().click();
    await page.getByRole('textbox', { name: 'Last name', exact: true }).fill('Copy');
    await page.getByLabel('Phones').fill(phone.replace(/[\s+]/g, '').replace(/^/, '00'));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'This may already exist' });
    await warning.waitFor();
    await warning.getByText('same phone').waitFor();
    await warning.getByRole('link', { name: original }).waitFor();
    assert.match(page.url(), /\/new/, 'nothing saved yet');
    await warning.getByRole('button', { name: 'Save anyway' }).click();
    await heading(page, 'Copy').waitFor();

    // The review finds the pair; merge the copy into the original.
    await nav(page, 'Contacts').click();
    await page.getByRole('link', { name: 'Find duplicates' }).click();
    await heading(page, 'Likely duplicates: Contacts').waitFor();
    await page.getByRole('link', { name: `Merge “Copy” into “${original}”` }).click();
    await heading(page, `Merge “Copy” into “${original}”`).waitFor();
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await heading(page, original).waitFor();
    await page.getByRole('status').filter({ hasText: 'Merged.' }).waitFor();
    await page.getByText('Merged “Copy” into this record').waitFor();
    assert.equal(await page.locator('.related-list li').count(), related, 'every link kept');
    await page.reload();
    await ready(page);
    await nav(page, 'Contacts').click();
    await page.getByLabel('Search Contacts').fill('Copy');
    await page.getByText('No records match').waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
