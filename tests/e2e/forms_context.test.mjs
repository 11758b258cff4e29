// End-to-end: forms start where the user is, and go back there. A task added on a
// deal's page takes the deal's company and the user as assignee; a record started on
// the board or the calendar is saved back to it (with the record a click away), and
// Cancel returns there too. The duplicates page says why records match and which
// one is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample, fieldValue } from './harness.mjs';

const env = useAppServer();

test('a task added on a deal takes its company and the user as assignee, and saves back to the deal', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    // The row's link names the deal; wait for its page rather than reading the list's
    // heading before the route has changed.
    const row = page.locator('tbody tr[data-slot] th a').first();
    const deal = (await row.textContent()).trim();
    await row.click();
    await heading(page, deal).waitFor();
    const company = (await fieldValue(page, 'Company').textContent()).trim();
    assert.ok(company.length > 0, 'the sample deal has a company');

    await page.getByRole('link', { name: 'New activity' }).click();
    await heading(page, 'New activity').waitFor();
    const links = page.locator('.lookup-selected');
    const shown = await links.allTextContents();
    assert.ok(shown.some((s) => s.includes(company)), `the deal's company is filled in: ${shown}`);
    assert.ok(shown.some((s) => s.includes(deal)), `the deal is filled in: ${shown}`);
    const assignee = page.getByRole('combobox', { name: 'Assigned to', exact: true });
    const me = await page.getByRole('combobox', { name: 'Owner', exact: true }).inputValue();
    assert.equal(await assignee.inputValue(), me, 'the assignee is the user adding the task');

    await page.getByRole('textbox', { name: 'Subject', exact: true }).fill('Call about the renewal');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, deal).waitFor();
    await page.getByRole('status').getByRole('button', { name: 'Open “Call about the renewal”' }).click();
    await heading(page, 'Call about the renewal').waitFor();
    assert.equal((await fieldValue(page, 'Company').textContent()).trim(), company);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('Save and Cancel of a form opened on the board or the calendar go back there', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Board').click();
    await heading(page, 'Pipeline board').waitFor();
    // A column's own "New" fills in its stage; Cancel goes back to the board.
    await page.locator('.board-column').nth(1).getByRole('link', { name: /^Add to / }).click();
    await heading(page, 'New deal').waitFor();
    await page.getByRole('link', { name: 'Cancel' }).click();
    await heading(page, 'Pipeline board').waitFor();

    await page.getByRole('link', { name: 'New deal', exact: true }).click();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Board-born deal');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Pipeline board').waitFor();
    await page.getByRole('link', { name: 'Board-born deal' }).waitFor();

    await nav(page, 'Calendar').click();
    await heading(page, /^Calendar: /).waitFor();
    await page.getByRole('link', { name: /^Add an activity on / }).nth(3).click();
    await heading(page, 'New activity').waitFor();
    await page.getByRole('link', { name: 'Cancel' }).click();
    await heading(page, /^Calendar: /).waitFor();

    // From the module's own list, Save opens the new record, as before.
    await nav(page, 'Companies').click();
    await page.getByRole('link', { name: 'New company' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('List-born Oy');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'List-born Oy').waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('the duplicates page says why each record matches and which one is kept', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    for (const [first, last, phone] of [['Sara', 'Karimi', '+98 912 000 1111'], ['S.', 'Karimi-Rad', '0912-000-1111']]) {
      await nav(page, 'Contacts').click();
      await page.getByRole('link', { name: 'New contact' }).first().click();
      await page.getByRole('textbox', { name: 'First name', exact: true }).fill(first);
      await page.getByRole('textbox', { name: 'Last name', exact: true }).fill(last);
      await page.getByLabel('Phones', { exact: true }).fill(phone);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      // The second is a likely duplicate: the form says so first.
      const anyway = page.getByRole('button', { name: 'Save anyway' });
      await anyway.or(heading(page, `${first} ${last}`)).waitFor();
      if (await anyway.isVisible()) await anyway.click();
      await heading(page, `${first} ${last}`).waitFor();
    }
    await nav(page, 'Contacts').click();
    await page.getByRole('link', { name: 'Find duplicates' }).click();
    await heading(page, 'Likely duplicates: Contacts').waitFor();
    const group = page.locator('.dup-group').first();
    const items = await group.locator('li').allTextContents();
    assert.match(items[0], /Sara Karimi\s+kept: the oldest/);
    assert.match(items[1], /S\. Karimi-Rad\s+matches “Sara Karimi”: same phone \(\d+\)/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
