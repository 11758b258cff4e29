// End-to-end: the sales dashboard over the sample data — its numbers add up to the
// deals that exist, and every number opens the records it counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();

const kpiValue = async (page, name) => {
  const text = await page.locator('a.kpi', { has: page.getByText(name, { exact: true }) }).locator('.kpi-value').textContent();
  return Number(text.replace(/[^\d]/g, ''));
};

/** The rows of the records table on a dashboard records page, with the Stage column. */
const drillRows = async (page) => {
  const headers = await page.locator('table.drill-table thead th').allTextContents();
  const stage = headers.indexOf('Stage');
  const rows = await page.locator('table.drill-table tbody tr').all();
  const stages = [];
  for (const r of rows) stages.push((await r.locator('th, td').nth(stage).textContent()).trim());
  return stages;
};

test('dashboard figures match the sample deals and open the records they count', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await page.getByRole('heading', { level: 2, name: 'Sales dashboard' }).waitFor();

    // All time, everyone: open + won + lost must be every deal there is.
    await page.getByLabel('Period').selectOption({ label: 'Custom dates' });
    // Dates the wrong way round are named as such.
    await page.getByLabel('From', { exact: true }).fill('2026-05-01');
    await page.getByLabel('To', { exact: true }).fill('2026-04-01');
    await page.getByRole('alert').filter({ hasText: 'The end date is before the start date' }).waitFor();
    await page.getByLabel('From', { exact: true }).fill('2000-01-01');
    await page.getByLabel('To', { exact: true }).fill('2100-12-31');
    await page.getByRole('alert').filter({ hasText: 'The end date is before the start date' }).waitFor({ state: 'detached' });
    await page.getByText(/2000.*2100/).first().waitFor();
    const won = await kpiValue(page, 'Deals won');
    const lost = await kpiValue(page, 'Deals lost');
    assert.ok(won > 0 && lost > 0, `sample has won (${won}) and lost (${lost}) deals`);

    await page.locator('a.kpi', { has: page.getByText('Deals won', { exact: true }) }).click();
    await heading(page, 'Deals won in the period').waitFor();
    const wonStages = await drillRows(page);
    assert.equal(wonStages.length, won);
    assert.ok(wonStages.every((s) => s === 'Won'), `every counted deal is won: ${wonStages}`);

    await page.getByRole('link', { name: 'Back to the dashboard' }).click();
    await page.locator('a.kpi', { has: page.getByText('Open pipeline', { exact: true }) }).click();
    await heading(page, 'Open deals').waitFor();
    const openStages = await drillRows(page);
    assert.ok(openStages.every((s) => s !== 'Won' && s !== 'Lost'), `open deals only: ${openStages}`);

    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    const all = Number((await page.locator('.list-page .result-count').textContent()).match(/\d+/)[0]);
    assert.equal(openStages.length + won + lost, all, 'open + won + lost = all deals');

    // The funnel: a stage's "Reached" count opens exactly those deals, from the table
    // and from the chart by keyboard.
    await nav(page, 'Home').click();
    await page.getByRole('heading', { level: 2, name: 'Sales dashboard' }).waitFor();
    const funnel = page.locator('section', { has: page.getByRole('heading', { name: 'Sales funnel' }) });
    const negotiationRow = funnel.locator('table.dash-table tbody tr', { has: page.getByRole('link', { name: 'Negotiation' }) });
    const reached = Number((await negotiationRow.locator('td').first().textContent()).replace(/[^\d]/g, ''));
    assert.ok(reached > 0);
    await negotiationRow.getByRole('link', { name: 'Negotiation' }).click();
    await heading(page, 'Deals that reached Negotiation').waitFor();
    const reachedStages = await drillRows(page);
    assert.equal(reachedStages.length, reached);
    // Deals lost after negotiation reached it too; none is still in an earlier stage.
    assert.ok(reachedStages.every((s) => ['Negotiation', 'Won', 'Lost'].includes(s)), `past negotiation: ${reachedStages}`);

    await page.goBack();
    const mark = funnel.getByRole('button', { name: /^Negotiation/ });
    await mark.focus();
    await page.keyboard.press('Enter');
    await heading(page, 'Deals that reached Negotiation').waitFor();

    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
