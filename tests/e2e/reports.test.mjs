// End-to-end: the report builder — a matrix of deals by owner and stage, summed and
// counted, narrowed by an AND/OR filter, saved, reopened after a reload and exported
// as CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();

/** "1,234" → 1234 */
const int = (s) => Number(String(s).replace(/[^\d]/g, ''));

test('a matrix report of deals by owner and stage runs, filters, saves, reopens and exports', async () => {
  const app = await openApp(env.browser, env.server.url, { contextOptions: { acceptDownloads: true } });
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);

    // How many deals the sample has, as the deals list counts them.
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    const countText = await page.locator('.result-count').textContent();
    const deals = int(countText.match(/([\d,]+) records?/)[1]);
    assert.ok(deals > 3, `sample deals: ${countText}`);

    await nav(page, 'Reports').click();
    await heading(page, 'Reports').waitFor();
    await page.getByText('No saved reports yet').waitFor();
    await page.getByRole('link', { name: 'New report' }).click();
    await heading(page, 'New report').waitFor();

    await page.getByLabel('Report name').fill('Deals by owner and stage');
    await page.getByLabel('Module', { exact: true }).selectOption({ label: 'Deals' });
    await page.getByRole('radio', { name: 'Matrix (rows × columns)' }).check();
    await page.getByLabel('Rows', { exact: true }).selectOption({ label: 'Owner' });
    await page.getByLabel('Columns', { exact: true }).selectOption({ label: 'Stage' });
    await page.getByLabel('Show', { exact: true }).selectOption({ label: 'Sum of' });
    await page.getByLabel('Number field').selectOption({ label: 'Amount' });
    await page.getByRole('button', { name: 'Run' }).click();

    const table = page.locator('table.report-table');
    await table.locator('caption', { hasText: 'Sum of Amount' }).waitFor();
    const grand = table.locator('tfoot td.grand-total');
    assert.match((await grand.textContent()).trim(), /\d/, 'the grand total of the sums is shown');
    assert.equal(await table.locator('thead th').last().textContent(), 'Total');
    assert.equal(await table.locator('tfoot th').first().textContent(), 'Total');

    // Counted instead: the grand total is every sample deal.
    await page.getByLabel('Show', { exact: true }).selectOption({ label: 'Count of records' });
    await page.getByRole('button', { name: 'Run' }).click();
    await table.locator('caption', { hasText: 'Count' }).waitFor();
    assert.equal(int(await grand.textContent()), deals);
    const rowTotals = await table.locator('tbody td.total').allTextContents();
    assert.equal(rowTotals.reduce((a, s) => a + int(s), 0), deals, 'row totals add up to the grand total');

    // AND/OR: amount greater than 0 AND (priority is high OR priority is low).
    const filters = page.getByRole('group', { name: 'Filters' });
    await filters.getByRole('button', { name: 'Add condition' }).first().click();
    await filters.getByLabel('Field', { exact: true }).first().selectOption({ label: 'Amount' });
    await filters.getByLabel('Condition', { exact: true }).first().selectOption({ label: 'greater than' });
    await filters.getByLabel('Value', { exact: true }).first().fill('0');
    await filters.getByRole('button', { name: 'Add group' }).click();
    const group = page.getByRole('group', { name: 'Group 1' });
    await group.getByLabel('Match').selectOption({ label: 'Any condition (OR)' });
    await group.getByLabel('Field', { exact: true }).first().selectOption({ label: 'Priority' });
    await group.getByLabel('Value', { exact: true }).first().selectOption({ label: 'High' });
    await group.getByRole('button', { name: 'Add condition' }).click();
    await group.getByLabel('Field', { exact: true }).nth(1).selectOption({ label: 'Priority' });
    await group.getByLabel('Value', { exact: true }).nth(1).selectOption({ label: 'Low' });
    // The root condition typed before the group was added is still there.
    assert.equal(await filters.getByLabel('Value', { exact: true }).first().inputValue(), '0');
    await page.getByRole('button', { name: 'Run' }).click();
    // Sample deal n has priority low, medium, high for n % 3 = 0, 1, 2: medium ones drop out.
    const narrowed = deals - Math.ceil(deals / 3);
    await page.getByRole('status').filter({ hasText: `${narrowed} records` }).waitFor();
    assert.equal(int(await grand.textContent()), narrowed);

    // Back to the unfiltered sum for saving.
    await group.getByRole('button', { name: 'Remove group 1' }).click();
    await filters.getByRole('button', { name: 'Remove condition' }).click();
    await page.getByLabel('Show', { exact: true }).selectOption({ label: 'Sum of' });
    await page.getByLabel('Number field').selectOption({ label: 'Amount' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.waitForURL(/#\/reports\/[^/]+$/);
    await heading(page, 'Deals by owner and stage').waitFor();

    await page.reload();
    await ready(page);
    await nav(page, 'Reports').click();
    await heading(page, 'Reports').waitFor();
    await page.getByRole('link', { name: 'Deals by owner and stage' }).click();
    await heading(page, 'Deals by owner and stage').waitFor();
    // Reopened as saved, and run on opening.
    assert.equal(await page.getByLabel('Module', { exact: true }).inputValue(), 'deals');
    assert.ok(await page.getByRole('radio', { name: 'Matrix (rows × columns)' }).isChecked());
    await table.locator('caption', { hasText: 'Sum of Amount' }).waitFor();
    const ownerRows = await table.locator('tbody tr').count();
    const stages = await table.locator('thead th').count() - 2;
    assert.ok(ownerRows >= 1 && stages >= 1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'Deals-by-owner-and-stage.csv');
    const csv = (await fs.readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
    const lines = csv.split('\r\n').filter((l) => l !== '');
    assert.equal(lines.length, ownerRows + 2, 'header, one line per owner, total');
    const header = lines[0].split(',');
    assert.equal(header[0], 'Owner');
    assert.equal(header.at(-1), 'Total');
    assert.equal(header.length, stages + 2);
    assert.ok(lines.at(-1).startsWith('Total,'));
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
