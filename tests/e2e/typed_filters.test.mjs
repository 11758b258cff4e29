// End-to-end: filters that know their field types on the deals list — a picklist
// value chosen from its options, a date range, an amount at least so much in the
// base currency (a deal in euros counts at its worth in dollars), sorting by the
// converted amount, and all of it kept in the address across a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();

const pad = (n) => String(n).padStart(2, '0');
/** The browser's local day `days` from today, as YYYY-MM-DD. */
function localDay(days = 0) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const rowTitles = (page) => page.locator('tbody tr[data-slot] th a').allTextContents();

/** Waits until the list shows exactly these rows (in this order when `ordered`). */
async function rowsAre(page, expected, { ordered = false } = {}) {
  const want = ordered ? expected : [...expected].sort();
  let got;
  for (let i = 0; i < 100; i++) {
    got = await rowTitles(page);
    if (!ordered) got.sort();
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(got, want);
}

async function addFilter(page, field, condition, fill) {
  await page.getByLabel('Field', { exact: true }).selectOption({ label: field });
  if (condition) await page.getByLabel('Condition', { exact: true }).selectOption({ label: condition });
  if (fill) await fill();
  await page.getByRole('button', { name: 'Add filter', exact: true }).click();
}

test('typed filters choose values, ranges and base-currency amounts, and live in the address', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    // The sample brings the exchange rates (1 EUR = 1.08 USD; the base is USD).
    await loadSample(page);
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Deals from CSV').waitFor();
    const today = localDay();
    const csv = [
      'Title;Amount;Pipeline;Stage;Priority;Expected close;Company',
      `Zq Gamma;1020 USD;New business;Qualification;high;${today};`,
      // 950 EUR is 1,026 USD: above the threshold though 950 is not.
      `Zq Beta;950 EUR;New business;Qualification;high;${today};Northwind Traders`,
      `Zq Theta;1100 USD;New business;Qualification;high;${today};`,
      `Zq Alpha;1000 USD;New business;Qualification;high;${today};`,
      `Zq Low;5000 USD;New business;Qualification;low;${today};`,
      `Zq Later;3000 USD;New business;Qualification;high;${localDay(400)};`,
    ].join('\r\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'deals.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await page.getByRole('button', { name: 'Import 6 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 6 records.' }).waitFor();

    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    await page.getByText('Filters', { exact: true }).click();
    await addFilter(page, 'Title', 'contains', () => page.getByLabel('Value', { exact: true }).fill('Zq'));
    await rowsAre(page, ['Zq Gamma', 'Zq Beta', 'Zq Theta', 'Zq Alpha', 'Zq Low', 'Zq Later']);

    // A picklist offers its options by label.
    await page.getByLabel('Field', { exact: true }).selectOption({ label: 'Priority' });
    const offered = await page.getByLabel('Value', { exact: true }).locator('option').allTextContents();
    assert.deepEqual(offered.slice(1), ['Low', 'Medium', 'High']);
    await addFilter(page, 'Priority', 'is', () => page.getByLabel('Value', { exact: true }).selectOption({ label: 'High' }));
    await rowsAre(page, ['Zq Gamma', 'Zq Beta', 'Zq Theta', 'Zq Alpha', 'Zq Later']);

    await addFilter(page, 'Expected close', 'this month');
    await rowsAre(page, ['Zq Gamma', 'Zq Beta', 'Zq Theta', 'Zq Alpha']);

    // The amount is asked for in the base currency.
    await addFilter(page, 'Amount', 'at least', () => page.getByLabel('Value (USD)', { exact: true }).fill('1010'));
    await rowsAre(page, ['Zq Gamma', 'Zq Beta', 'Zq Theta']);
    const chips = page.getByRole('list', { name: 'Active filters' }).getByRole('listitem');
    assert.deepEqual(await chips.locator('span').allTextContents(), [
      'Title contains Zq',
      'Priority is High',
      'Expected close this month',
      'Amount at least 1,010 USD',
    ]);

    // Sorted by what the amounts are worth in USD: 1,020 < 1,026 (950 EUR) < 1,100.
    await page.getByRole('button', { name: 'Amount', exact: true }).click();
    await rowsAre(page, ['Zq Gamma', 'Zq Beta', 'Zq Theta'], { ordered: true });
    await page.getByRole('button', { name: 'Amount', exact: true }).click();
    await rowsAre(page, ['Zq Theta', 'Zq Beta', 'Zq Gamma'], { ordered: true });

    const hash = new URL(page.url()).hash;
    assert.match(hash, /^#\/m\/deals\?/);
    assert.ok(hash.includes('f=priority:is:high'), hash);
    assert.ok(hash.includes('f=expected_close:this_month'), hash);
    assert.ok(hash.includes('f=amount:at_least:1010'), hash);
    assert.ok(hash.includes('s=amount:desc'), hash);

    // Reloaded from its address, the list is filtered and sorted the same.
    await page.reload();
    await ready(page);
    await heading(page, 'Deals').waitFor();
    await rowsAre(page, ['Zq Theta', 'Zq Beta', 'Zq Gamma'], { ordered: true });
    assert.equal(await chips.count(), 4);
    assert.equal(new URL(page.url()).hash, hash);

    // Removing a filter takes it out of the address too, without a new history entry.
    const before = await page.evaluate(() => history.length);
    await page.getByRole('button', { name: 'Remove filter: Amount at least 1,010 USD' }).click();
    await rowsAre(page, ['Zq Theta', 'Zq Beta', 'Zq Gamma', 'Zq Alpha'], { ordered: true });
    assert.ok(!new URL(page.url()).hash.includes('amount:at_least'), page.url());
    assert.equal(await page.evaluate(() => history.length), before);

    // A link is chosen from the linked records by keyboard; Enter picks, never submits.
    await page.getByLabel('Field', { exact: true }).selectOption({ label: 'Company' });
    const company = page.getByRole('combobox', { name: 'Value', exact: true });
    await company.fill('Northwind');
    await page.getByRole('listbox').getByRole('option', { name: 'Northwind Traders' }).waitFor();
    await company.press('ArrowDown');
    await company.press('Enter');
    await page.locator('.lookup-selected').getByText('Northwind Traders').waitFor();
    await page.getByRole('button', { name: 'Add filter', exact: true }).click();
    await rowsAre(page, ['Zq Beta']);
    assert.equal(await chips.last().locator('span').textContent(), 'Company is Northwind Traders');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
