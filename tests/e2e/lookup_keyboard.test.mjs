// End-to-end: a lookup field is a combobox (WAI-ARIA pattern) — arrows move through
// its suggestions while focus stays in the field, Enter picks the active one and
// never submits the form, Escape closes the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();

test('a lookup is picked from the keyboard, and Enter in it never submits the form', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Contacts').click();
    await page.getByRole('link', { name: 'New Contact' }).click();
    await heading(page, 'New Contact').waitFor();
    await page.getByLabel('First name').fill('Keyboard');
    await page.getByLabel('Last name').fill('Person');

    const company = page.getByRole('combobox', { name: 'Company', exact: true });
    await company.fill('No');
    const list = page.getByRole('listbox');
    const options = list.getByRole('option');
    await options.first().waitFor();
    const count = await options.count();
    assert.ok(count >= 2, `the sample data has more than one company matching "No" (${count})`);
    assert.equal(await company.getAttribute('aria-expanded'), 'true');

    // Enter with no suggestion active: nothing is picked and nothing is saved.
    await company.press('Enter');
    await heading(page, 'New Contact').waitFor();
    assert.equal(await page.getByRole('status').filter({ hasText: 'Saved' }).count(), 0);

    // The arrows move the active suggestion (wrapping), focus stays in the field.
    await company.press('ArrowDown');
    await company.press('ArrowDown');
    const second = await options.nth(1);
    assert.equal(await second.getAttribute('aria-selected'), 'true');
    assert.equal(await company.getAttribute('aria-activedescendant'), await second.getAttribute('id'));
    await company.press('ArrowUp');
    assert.equal(await options.first().getAttribute('aria-selected'), 'true');
    const wanted = await options.first().textContent();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'combobox');

    // Enter picks it: the field shows it, the list closes, the form is still open.
    await company.press('Enter');
    await page.locator('.lookup-selected').filter({ hasText: wanted }).waitFor();
    assert.equal(await company.getAttribute('aria-expanded'), 'false');
    await heading(page, 'New Contact').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'combobox');

    // Escape closes a list without picking.
    await company.fill('No');
    await options.first().waitFor();
    await company.press('Escape');
    assert.equal(await company.getAttribute('aria-expanded'), 'false');
    await page.locator('.lookup-selected').filter({ hasText: wanted }).waitFor();

    // Saved only by the Save button, with the picked company.
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.getByText(wanted, { exact: false }).first().waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
