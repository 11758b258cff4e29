// End-to-end: a list's selection changed at once — ticked one by one, by shift-click
// or all shown; a new owner, a field set, a field that cannot be cleared refused whole
// naming every record, and a delete confirmed with its count — each one transaction;
// in Persian on a phone the bar and the tick boxes fit the screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample, loadSampleInPersian, openPersianPhone, fieldValue } from './harness.mjs';

const env = useAppServer();

test('selected records take a new owner, a field and a delete at once', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Contacts').click();
    await heading(page, 'Contacts').waitFor();
    await page.getByLabel('Search Contacts').fill('northwind');
    await page.getByText('6 records', { exact: true }).waitFor();
    const ticks = page.locator('tbody tr[data-slot] input[type=checkbox]');
    await ticks.nth(0).check();
    const bar = page.getByRole('region', { name: /selected$/ });
    await bar.getByRole('heading', { name: '1 selected' }).waitFor();
    // Shift-click ticks the rows between.
    await ticks.nth(2).click({ modifiers: ['Shift'] });
    await bar.getByRole('heading', { name: '3 selected' }).waitFor();
    const names = await page.locator('tbody tr.ticked th').allTextContents();
    assert.equal(names.length, 3, names.join(', '));

    // A new owner for the three.
    await bar.getByRole('button', { name: 'Change owner' }).click();
    await bar.getByLabel('New owner').selectOption({ label: 'Olga Ivanova' });
    await bar.getByRole('button', { name: 'Apply to 3 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Updated 3 records.' }).waitFor();
    await bar.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: names[1].trim(), exact: true }).first().click();
    assert.match(await page.locator('.record-meta').textContent(), /Owner: Olga Ivanova/);
    await page.goBack();
    await heading(page, 'Contacts').waitFor();

    // All shown, one field set on every one.
    await page.getByLabel('Search Contacts').fill('northwind');
    await page.getByText('6 records', { exact: true }).waitFor();
    await page.getByRole('checkbox', { name: 'Select all 6 records shown' }).check();
    await bar.getByRole('heading', { name: '6 selected' }).waitFor();
    await bar.getByRole('button', { name: 'Edit a field' }).click();
    await bar.getByLabel('Field', { exact: true }).selectOption({ label: 'Job title' });
    await bar.getByLabel('Job title').fill('Buyer');
    await bar.getByRole('button', { name: 'Apply to 6 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Updated 6 records.' }).waitFor();

    // A change some cannot take: nothing is written, every record named.
    await ticks.nth(0).check();
    await ticks.nth(1).check();
    await bar.getByRole('button', { name: 'Edit a field' }).click();
    await bar.getByLabel('Field', { exact: true }).selectOption({ label: 'Last name' });
    await bar.getByRole('button', { name: 'Apply to 2 records' }).click();
    const refused = bar.getByRole('alert');
    await refused.getByText('2 records cannot take this change, so nothing was changed:').waitFor();
    assert.equal(await refused.getByRole('listitem').count(), 2);
    assert.match(await refused.textContent(), /Last name/);
    await bar.getByRole('button', { name: 'Clear selection' }).click();
    await bar.waitFor({ state: 'detached' });
    await page.getByText('6 records', { exact: true }).waitFor();

    // Delete, with the count confirmed first.
    await page.getByRole('checkbox', { name: 'Select all 6 records shown' }).check();
    await bar.getByRole('button', { name: 'Delete' }).click();
    const confirm = bar.getByRole('alertdialog', { name: 'Delete 6 records? This cannot be undone.' });
    await confirm.getByRole('button', { name: 'Delete 6 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted 6 records.' }).waitFor();
    await page.getByText('0 records', { exact: true }).waitFor();
    // Their company stays, and the job title reached the others before.
    await nav(page, 'Companies').click();
    await page.getByLabel('Search Companies').fill('northwind');
    await page.getByRole('link', { name: 'Northwind Traders' }).waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('on a phone in Persian the selection bar and tick boxes fit the screen', async () => {
  const app = await openPersianPhone(env);
  const { page } = app;
  try {
    await page.evaluate(() => { location.hash = '#/m/contacts'; });
    await page.getByRole('heading', { level: 1, name: 'مخاطبان' }).waitFor();
    const ticks = page.locator('tbody tr[data-slot] input[type=checkbox]');
    await ticks.nth(0).check();
    await ticks.nth(1).check();
    const bar = page.getByRole('region', { name: /انتخاب شد$/ });
    await bar.getByRole('heading', { name: '۲ مورد انتخاب شد' }).waitFor();
    await bar.getByRole('button', { name: 'تغییر مالک' }).click();
    await bar.getByRole('button', { name: 'اعمال روی ۲ رکورد' }).waitFor();
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `no sideways scroll: ${scroll} > ${width}`);
    const box = await ticks.nth(0).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= width, `the tick box is on screen: ${JSON.stringify(box)}`);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
