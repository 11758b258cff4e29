// End-to-end: a list's saved views — what the list shows (search words, order) saved
// under a name and as the list's default; "All Deals" clears it; the list opens with
// the default when its address says nothing, and keeps it across a reload; a view
// without a name is refused, naming the field; a view is deleted after a confirmation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();

test('a list view is saved, opens by default, survives a reload and is deleted', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    const all = (await page.locator('.result-count').textContent()).trim();
    await page.getByLabel('Search Deals').fill('nordlicht');
    await page.locator('thead').getByRole('button', { name: 'Amount' }).click();
    await page.locator('thead th[aria-sort="ascending"]').waitFor();
    await page.waitForFunction((a) => document.querySelector('.result-count')?.textContent.trim() !== a, all);
    const some = (await page.locator('.result-count').textContent()).trim();
    const first = (await page.locator('tbody tr[data-slot] th').first().textContent()).trim();

    // A view without a name is refused, naming the field; nothing is saved.
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByLabel('View name').fill('   ');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /Name/ }).waitFor();
    assert.equal(await page.getByLabel('View', { exact: true }).locator('option').count(), 1);

    await page.getByLabel('View name').fill('Nordlicht deals');
    await page.getByLabel('Open this list with it').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'View “Nordlicht deals” saved.' }).waitFor();
    const picker = page.getByLabel('View', { exact: true });
    assert.equal(await picker.locator('option:checked').textContent(), 'Nordlicht deals');

    // "All Deals" shows everything again.
    await picker.selectOption({ label: 'All Deals' });
    await page.getByText(all, { exact: true }).waitFor();
    assert.equal(await page.getByLabel('Search Deals').inputValue(), '');

    // Opened from the navigation, the list starts with its default view.
    await nav(page, 'Contacts').click();
    await heading(page, 'Contacts').waitFor();
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    await page.getByText(some, { exact: true }).waitFor();
    assert.equal(await page.getByLabel('Search Deals').inputValue(), 'nordlicht');
    assert.equal((await page.locator('tbody tr[data-slot] th').first().textContent()).trim(), first);
    assert.equal(await picker.locator('option:checked').textContent(), 'Nordlicht deals');

    // Stored: a reload keeps it, and names it.
    await page.reload();
    await heading(page, 'Deals').waitFor({ timeout: 30_000 });
    await page.getByText(some, { exact: true }).waitFor();
    // The view is named once the views are read (after the list's own records).
    await page.waitForFunction(() => document.querySelector('#list-view option:checked')?.textContent === 'Nordlicht deals');

    // Deleted after a confirmation; the records stay.
    await page.getByRole('button', { name: 'Delete view' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete the view “Nordlicht deals”? Its records stay.' });
    await confirm.getByRole('button', { name: 'Delete view' }).click();
    await page.getByRole('status').filter({ hasText: 'View “Nordlicht deals” deleted.' }).waitFor();
    assert.equal(await page.getByLabel('View', { exact: true }).locator('option').count(), 1);
    await page.getByText(some, { exact: true }).waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a list shows the columns chosen, and a saved view keeps them', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    const headers = async () => (await page.locator('thead th').allTextContents()).map((t) => t.trim()).filter(Boolean);
    assert.ok((await headers()).includes('Company'));
    await page.locator('summary', { hasText: 'Columns' }).click();
    const columns = page.getByRole('group', { name: 'Columns' });
    // The title column opens the record: it cannot be taken away.
    assert.ok(await columns.getByLabel('Title', { exact: true }).isDisabled());
    await columns.getByLabel('Probability', { exact: true }).check();
    await columns.getByLabel('Company', { exact: true }).uncheck();
    await page.waitForFunction(() => [...document.querySelectorAll('thead th')].some((th) => th.textContent.includes('Probability')));
    let shown = await headers();
    assert.ok(shown.includes('Probability') && !shown.includes('Company'), shown.join(', '));
    assert.match(page.url(), /[?&]c=/);
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByLabel('View name').fill('Chances');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'View “Chances” saved.' }).waitFor();
    const picker = page.getByLabel('View', { exact: true });
    await picker.selectOption({ label: 'All Deals' });
    await page.waitForFunction(() => [...document.querySelectorAll('thead th')].some((th) => th.textContent.includes('Company')));
    assert.ok(!(await headers()).includes('Probability'));
    await picker.selectOption({ label: 'Chances' });
    await page.waitForFunction(() => [...document.querySelectorAll('thead th')].some((th) => th.textContent.includes('Probability')));
    shown = await headers();
    assert.ok(!shown.includes('Company'), shown.join(', '));
    // The rows follow the columns: a probability in every shown row.
    const cells = await page.locator('tbody tr[data-slot]').first().locator('td:not(.select-cell)').allTextContents();
    assert.ok(cells.some((c) => /%$/.test(c.trim())), cells.join(' | '));
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
