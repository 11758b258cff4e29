// End-to-end: a user's own dashboard — widgets added over any module, arranged,
// kept across a reload, and a chart mark opening the records behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();

async function addWidget(page, { title, show, module, measure, group, split }) {
  await page.getByRole('button', { name: 'Add widget' }).click();
  await page.getByLabel('Widget title').fill(title);
  await page.getByLabel('Show as').selectOption({ label: show });
  await page.getByLabel('Records', { exact: true }).selectOption({ label: module });
  if (measure) await page.getByLabel('Measure').selectOption({ label: measure });
  if (group) await page.getByLabel('Group by').selectOption({ label: group });
  if (split) await page.getByLabel('Split by (stacked)').selectOption({ label: split });
  await page.getByRole('button', { name: 'Add to dashboard' }).click();
  await page.getByRole('heading', { level: 2, name: title }).waitFor();
}

test('a custom dashboard keeps its widgets, order and sizes, and charts open their records', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Dashboards').click();
    await heading(page, 'Dashboards').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Team view');
    await page.getByRole('button', { name: 'Create dashboard' }).click();
    await heading(page, 'Team view').waitFor();

    await addWidget(page, { title: 'Deals by stage', show: 'Stacked bar chart', module: 'Deals', group: 'Stage', split: 'Owner' });
    await addWidget(page, { title: 'Deal count', show: 'Number (KPI)', module: 'Deals' });
    await addWidget(page, { title: 'Companies by industry', show: 'Table', module: 'Companies', group: 'Industry' });

    // Arrange: the KPI first, the chart wider.
    await page.getByRole('button', { name: 'Move Deal count earlier' }).click();
    await page.getByRole('button', { name: 'Make Deals by stage wider' }).click();
    const titles = () => page.locator('.widget-grid .widget h2').allTextContents();
    await page.waitForFunction(() => document.querySelector('.widget-grid .widget h2')?.textContent === 'Deal count');
    await page.locator('.widget-w2', { has: page.getByRole('heading', { name: 'Deals by stage' }) }).waitFor();

    await page.reload();
    await heading(page, 'Team view').waitFor({ timeout: 30_000 });
    assert.deepEqual(await titles(), ['Deal count', 'Deals by stage', 'Companies by industry']);
    assert.equal(await page.locator('.widget-w2').count(), 1);

    // The KPI counts every deal there is.
    const kpi = Number((await page.locator('.widget-kpi .kpi-value').textContent()).replace(/[^\d]/g, ''));
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    const countText = await page.locator('.list-page .result-count').textContent();
    const all = Number(countText.match(/\d+/)[0]);
    assert.equal(kpi, all);
    await page.goBack();
    await heading(page, 'Team view').waitFor();

    // A bar of the stacked chart opens exactly its deals, by keyboard.
    const bar = page.getByRole('button', { name: /^Won — / }).first();
    const label = await bar.getAttribute('aria-label');
    const n = Number(label.split(':').pop().replace(/[^\d]/g, ''));
    await bar.focus();
    await page.keyboard.press('Enter');
    const picked = page.getByRole('heading', { level: 2, name: 'Deals by stage — Won' });
    await picked.waitFor();
    assert.equal(await page.locator('table.drill-table tbody tr').count(), n);

    await page.getByRole('button', { name: 'Remove Companies by industry' }).click();
    await page.getByRole('heading', { level: 2, name: 'Companies by industry' }).waitFor({ state: 'detached' });
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
