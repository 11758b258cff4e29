// End-to-end: small things that looked unfinished — an owner filter offers the user
// once ("Mine", not also "You"), a record page shows no internal revision number, and
// the forecast's table agrees with the weighted-pipeline card to the cent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();

test('an owner filter names the user once, and a record page shows no revision', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    for (const [link, title] of [['Contacts', 'Contacts'], ['Board', 'Pipeline board']]) {
      await nav(page, link).click();
      await heading(page, title).waitFor();
      const owners = await page.getByRole('combobox', { name: 'Owner', exact: true }).locator('option').allTextContents();
      assert.ok(owners.includes('Everyone') && owners.includes('Mine'), `${link}: ${owners}`);
      assert.ok(!owners.includes('You'), `${link}: the user is offered once: ${owners}`);
      assert.ok(owners.length > 3, `${link}: the team members are offered: ${owners}`);
    }
    await nav(page, 'Contacts').click();
    await page.locator('tbody tr[data-slot] a').first().click();
    const meta = await page.locator('.record-meta').textContent();
    assert.match(meta, /Created .* Updated .* Owner: /);
    assert.doesNotMatch(meta, /Revision/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('the forecast table shows the weighted pipeline to the cent, as its card does', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    // 1,234.57 at 35 % is 432.0995: the card and the table must both say 432.10.
    const today = await page.evaluate(() => {
      const d = new Date();
      const two = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
    });
    await nav(page, 'Deals').click();
    await page.getByRole('link', { name: 'New deal', exact: true }).click();
    await heading(page, 'New deal').waitFor();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Cent check');
    await page.getByLabel('Amount', { exact: true }).fill('1234.57');
    await page.getByLabel('Currency', { exact: true }).fill('USD');
    await page.getByRole('combobox', { name: 'Pipeline', exact: true }).selectOption({ label: 'New business' });
    await page.getByRole('combobox', { name: 'Stage', exact: true }).selectOption({ label: 'Proposal' });
    await page.getByLabel('Probability', { exact: true }).fill('35');
    await page.getByLabel('Expected close', { exact: true }).fill(today);
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Cent check').waitFor();

    await nav(page, 'Home').click();
    await page.getByRole('heading', { level: 2, name: 'Sales dashboard' }).waitFor();
    await page.getByLabel('Period').selectOption({ label: 'This month' });
    const card = page.locator('a.kpi', { has: page.getByText('Weighted pipeline', { exact: true }) }).locator('.kpi-value');
    await card.filter({ hasText: '432.10' }).waitFor();
    const table = page.getByRole('table', { name: 'Forecast by month' });
    const headers = (await table.locator('thead tr').first().locator('th, td').allTextContents()).map((s) => s.trim());
    const weightedAt = headers.indexOf('Weighted');
    assert.ok(weightedAt > 0, `a Weighted column: ${headers}`);
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 1, 'one month in the period');
    const cell = (await rows.first().locator('th, td').nth(weightedAt).textContent()).trim();
    assert.equal(cell, (await card.textContent()).trim());
    // A bar is read out with the same exact figure.
    const bar = page.getByRole('button', { name: /Weighted:/ });
    assert.match(await bar.getAttribute('aria-label'), /432\.10/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
