// End-to-end: a list cell edited in place, from the keyboard alone and by double-click:
// Enter saves through the form's rules, Escape leaves the value as it was, a value the
// field refuses stays in the cell with its reason and nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, fieldValue } from './harness.mjs';

const env = useAppServer();

test('a cell is edited in place: Enter saves, Escape cancels, a bad value is refused', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Contacts').click();
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.getByLabel('First name').fill('Greta');
    await page.getByLabel('Last name').fill('Lindqvist');
    await page.getByLabel('Emails').fill('greta@nordic.example');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(page, 'Greta Lindqvist').waitFor();
    await nav(page, 'Contacts').click();
    await heading(page, 'Contacts').waitFor();
    await page.getByText('1 record', { exact: true }).waitFor();
    const row = page.locator('tbody tr[data-slot]').first();

    // From the keyboard: the row's link, ArrowRight to its cells, Enter to edit.
    await row.locator('th a').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const field = await page.evaluate(() => document.activeElement?.getAttribute('data-field'));
    assert.equal(field, 'company', 'the third column is Company');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-field')), 'emails');
    await page.keyboard.press('Enter');
    const email = page.getByRole('textbox', { name: 'Emails' });
    await email.waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'f-cell-emails');
    const before = await email.inputValue();
    // A value the field refuses stays, with its reason; nothing is written.
    await email.fill('not an email');
    await email.press('Enter');
    await page.locator('.inline-edit .error').filter({ hasText: /email/i }).waitFor();
    // Escape leaves the value as it was.
    await email.press('Escape');
    await email.waitFor({ state: 'detached' });
    // Focus comes back to the cell on the next frame: waited for.
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-field') === 'emails');
    assert.equal((await row.locator('td[data-field=emails]').textContent()).trim(), before);

    // Enter saves through the same rules as the form.
    await page.keyboard.press('Enter');
    await email.fill('greta@lindqvist.example');
    await email.press('Enter');
    await email.waitFor({ state: 'detached' });
    await row.locator('td[data-field=emails]').filter({ hasText: 'greta@lindqvist.example' }).waitFor();

    // A double-click edits a cell too; the record page shows what was saved.
    await row.locator('td[data-field=last_name]').dblclick();
    const last = page.getByRole('textbox', { name: 'Last name' });
    await last.fill('Lindqvist-Berg');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await row.locator('td[data-field=last_name]').filter({ hasText: 'Lindqvist-Berg' }).waitFor();
    await row.locator('th a').click();
    await heading(page, 'Greta Lindqvist-Berg').waitFor();
    assert.match(await fieldValue(page, 'Emails').textContent(), /greta@lindqvist\.example/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
