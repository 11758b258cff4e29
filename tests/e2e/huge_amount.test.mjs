// End-to-end: money beyond what the app can total. The amount,
// 79228162514264337593543950335 (the largest a decimal holds), once crashed the board
// and, in two deals, the home dashboard on every load. No way a person has of storing
// records takes it now — the form, a CSV import and a backup (even one written
// before amounts were bounded) refuse it, which the first test proves; records stored
// before the bound are covered by the native tests of the board and dashboard
// figures. What a person can still do is reach such a sum with amounts and a rate
// within the bounds: the second test does, and the board and the dashboard then say
// "too large to total" instead of a number, an exchange-rate message or a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, exportBackup } from './harness.mjs';

const env = useAppServer();

const HUGE = '79228162514264337593543950335';
const LIMIT = 'Amount may be at most 1,000,000,000,000,000';

/** A deal started from the board's "New deal": the first pipeline's first stage
 *  (Qualification, 10 %). */
async function newDeal(page, title, amount, currency) {
  await nav(page, 'Board').click();
  await heading(page, 'Pipeline board').waitFor();
  await page.getByRole('link', { name: 'New deal' }).click();
  await heading(page, 'New deal').waitFor();
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await page.getByLabel('Amount', { exact: true }).fill(amount);
  await page.getByLabel('Currency', { exact: true }).fill(currency);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

test('the largest decimal as an amount is refused by the form, a CSV import and a backup', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-'));
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    // The form says why and stays open: nothing is written.
    await newDeal(page, 'Too Big', HUGE, 'EUR');
    await page.getByText(LIMIT).first().waitFor();
    await heading(page, 'New deal').waitFor();
    // Leaving asks first: the typed deal was not saved.
    const left = new Promise((resolve) => page.once('dialog', (d) => resolve(d.accept())));

    // A CSV import refuses that row, naming the limit, and takes the one beside it.
    await nav(page, 'Deals').click();
    await left;
    await heading(page, 'Deals').waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Deals from CSV').waitFor();
    const csv = 'Title;Amount;Pipeline;Stage\r\n'
      + `Too Big;${HUGE} EUR;New business;Qualification\r\n`
      + 'Just Right;1000 EUR;New business;Qualification\r\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'deals.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByText('2 rows in the file.').waitFor();
    await page.getByRole('button', { name: 'Check the rows' }).click();
    const summary = page.getByRole('region', { name: 'Ready to import' });
    await summary.waitFor();
    await summary.getByText('1 new record', { exact: true }).waitFor();
    await summary.getByText('1 row refused', { exact: true }).waitFor();
    const reason = await summary.getByRole('listitem').filter({ hasText: LIMIT }).textContent();
    // Rows are the file's lines: the huge deal is on the line after the header.
    assert.match(reason, /^Row 2: /);
    await page.getByRole('button', { name: 'Import 1 record' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 1 record.' }).waitFor();

    // A backup edited to hold it — as a file written before amounts were bounded
    // would — is refused as a whole, naming the record and the field.
    const file = await exportBackup(page, dir);
    const backup = JSON.parse(fs.readFileSync(file, 'utf8'));
    const deal = backup.records.find((r) => r.module === 'deals' && r.values.title?.text === 'Just Right');
    assert.equal(deal.values.amount.money.amount, '1000');
    deal.values.amount.money.amount = HUGE;
    const crafted = path.join(dir, 'crafted.json');
    fs.writeFileSync(crafted, JSON.stringify(backup));
    await page.getByLabel('Backup file').setInputFiles(crafted);
    const refused = page.getByRole('alert').filter({ hasText: 'cannot be restored' });
    await refused.waitFor();
    const why = await refused.textContent();
    assert.ok(why.includes(`(id ${deal.id})`), why);
    assert.ok(why.includes('field “Amount”'), why);
    assert.ok(why.includes(LIMIT), why);
    assert.equal(await page.getByRole('button', { name: 'Replace my data with this backup' }).count(), 0);

    // Nothing changed: the imported deal still has its own amount.
    await page.reload();
    await ready(page);
    await nav(page, 'Board').click();
    const card = page.getByRole('article', { name: 'Just Right', exact: true });
    await card.waitFor();
    assert.match(await card.textContent(), /€1,000\.00/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('sums beyond a decimal, from amounts and a rate within bounds, say "too large to total" after a reload', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    // One euro is worth 4 × 10^13 dollars (the base currency); a deal of 10^15 euros
    // (the bound) is then 4 × 10^28 dollars: one fits a decimal, two do not.
    await page.goto(new URL('#/m/rates/new', env.server.url).href);
    await heading(page, 'New exchange rate').waitFor();
    await page.getByLabel(/^Currency/).fill('EUR');
    await page.getByLabel(/^Into currency/).fill('USD');
    await page.getByLabel(/^Rate/).fill('40000000000000');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(page, /EUR/).waitFor();
    for (const title of ['Bound One', 'Bound Two']) {
      await newDeal(page, title, '1000000000000000', 'EUR');
      await heading(page, 'Pipeline board').waitFor();
      await page.getByRole('status').getByRole('button', { name: `Open “${title}”` }).waitFor();
    }

    // The start page, loaded afresh: it once died here on every load.
    await page.goto(env.server.url);
    await ready(page);
    const kpi = (name) => page.locator('a.kpi', { has: page.locator('.kpi-label', { hasText: new RegExp(`^${name}$`) }) });
    const open = kpi('Open pipeline');
    await open.filter({ hasText: 'too large to total' }).waitFor();
    assert.equal((await open.locator('.kpi-value').textContent()).trim(), '—');
    assert.match(await open.locator('.kpi-note').textContent(), /2 deals/);
    // 10 % of each still fits: the weighted figure is a number (8 × 10^27 dollars).
    const weighted = kpi('Weighted pipeline');
    assert.equal(
      (await weighted.locator('.kpi-value').textContent()).trim(),
      '$8,000,000,000,000,000,000,000,000,000.00',
    );
    assert.ok(!(await weighted.textContent()).includes('too large'));
    assert.equal(await page.getByText('without an exchange rate').count(), 0, 'not counted as lacking a rate');

    await nav(page, 'Board').click();
    await heading(page, 'Pipeline board').waitFor();
    const head = page.getByRole('region', { name: 'Qualification', exact: true }).locator('header');
    await head.filter({ hasText: '2 deals' }).waitFor();
    const text = await head.textContent();
    assert.ok(text.includes('— (too large to total)'), text);
    assert.ok(text.includes('weighted $8,000,000,000,000,000,000,000,000,000.00'), text);
    assert.ok(!text.includes('exchange rate'), text);
    // Each card still shows its own amount.
    const card = page.getByRole('article', { name: 'Bound One', exact: true });
    assert.match(await card.textContent(), /€1,000,000,000,000,000\.00/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
