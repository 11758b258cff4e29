// End-to-end: leads as a person works them — scored by the rules as they are saved,
// converted into a contact, a company and a deal in one step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openApp, assertNoErrors } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const heading = (page, name) => page.getByRole('heading', { level: 1, name });
const nav = (page, name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const row = (page, name) => page.locator('.field-row', { has: page.getByText(name, { exact: true }) }).locator('dd');

async function ready(page) {
  await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 30_000 });
}

test('a new lead is scored by the rules, and converting it creates contact, company and deal', async () => {
  const app = await openApp(browser, server.url);
  const { page } = app;
  try {
    await ready(page);
    await page.getByRole('button', { name: 'Load sample data' }).click();
    await page.getByRole('status').filter({ hasText: /Loaded \d+ sample records/ }).waitFor();

    await nav(page, 'Leads').click();
    await heading(page, 'Leads').waitFor();
    await page.getByRole('link', { name: 'New Lead' }).first().click();
    await heading(page, 'New Lead').waitFor();
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
