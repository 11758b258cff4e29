// End-to-end: the ways users' files and clocks write dates and numbers. A deals file
// from a Russian Excel (semicolons, day-first dates, decimal commas, euro signs) is
// read as it is written, the row that does not fit refused with its value; a user who
// chooses the Solar Hijri calendar types and reads dates in it and sees its months;
// a weekly 09:00 meeting stays at 09:00 after the clocks change in Berlin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, fieldValue, loadSample, downloadVia } from './harness.mjs';

const env = useAppServer();

test('a file with day-first dates and decimal commas is read as it is written', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Deals from CSV').waitFor();
    const csv = 'Title;Amount;Pipeline;Stage;Expected close\r\n'
      + 'Order Alpha;1.234,56 €;New business;Qualification;31.12.2026\r\n'
      + 'Order Beta;99,5 €;New business;Qualification;13.01.2027\r\n'
      + 'Order Gamma;12,5;New business;Qualification;01/13/2027\r\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'сделки.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByText('3 rows in the file.').waitFor();
    const formats = page.getByRole('group', { name: 'Dates and numbers in this file' });
    const chosen = (label) => formats.getByLabel(label).locator('option:checked').textContent();
    assert.equal(await chosen('Dates are written'), 'Day first: 31/12/2026');
    assert.equal(await chosen('Numbers are written'), 'Decimal comma: 1.234,56 or 1 234,56');
    await formats.getByText(/Found from the file's values/).first().waitFor();

    await page.getByRole('button', { name: 'Check the rows' }).click();
    const summary = page.getByRole('region', { name: 'Ready to import' });
    await summary.getByText('2 new records').waitFor();
    await summary.getByText('1 row refused').waitFor();
    await summary.getByText(/“01\/13\/2027” is not a date/).waitFor();

    // Read month first instead, every row but the refused one fails: nothing is guessed.
    await formats.getByLabel('Dates are written').selectOption({ label: 'Month first: 12/31/2026' });
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await summary.getByText('1 new record', { exact: true }).waitFor();
    await summary.getByText('2 rows refused').waitFor();
    await formats.getByLabel('Dates are written').selectOption({ label: 'Day first: 31/12/2026' });
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await summary.getByText('2 new records').waitFor();
    await page.getByRole('button', { name: 'Import 2 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 2 records.' }).waitFor();

    await nav(page, 'Deals').click();
    await page.getByLabel('Search Deals').fill('Alpha');
    await page.getByRole('link', { name: 'Order Alpha' }).click();
    await heading(page, 'Order Alpha').waitFor();
    assert.match(await fieldValue(page, 'Amount').textContent(), /€1,234\.56/);
    assert.match(await fieldValue(page, 'Expected close').textContent(), /Dec 31, 2026/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('with the Solar Hijri calendar dates are typed, shown and laid out in it', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await page.getByRole('link', { name: 'Settings' }).click();
    await heading(page, 'Settings').waitFor();
    const calendar = page.getByRole('combobox', { name: 'Calendar', exact: true });
    assert.equal(await calendar.locator('option:checked').textContent(), 'As the language: Gregorian');
    await calendar.selectOption({ label: 'Solar Hijri (Persian)' });

    await nav(page, 'Contacts').click();
    await page.getByRole('link', { name: 'New contact' }).first().click();
    await heading(page, 'New contact').waitFor();
    await page.getByRole('textbox', { name: 'Last name', exact: true }).fill('Rahimi');
    const birthday = page.getByLabel('Birthday', { exact: true });
    assert.equal(await birthday.getAttribute('type'), 'text', 'typed as the calendar writes it');
    // 30 Esfand does not exist in 1404, a common year: refused, naming the value.
    await birthday.fill('1404/12/30');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/“1404\/12\/30” is not a date/).first().waitFor();
    await birthday.fill('۱۳۵۹/۰۵/۱۴');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Rahimi').waitFor();
    // 14 Mordad 1359 is 5 August 1980.
    assert.match(await fieldValue(page, 'Birthday').textContent(), /Mordad 14, 1359/);
    await page.getByRole('link', { name: 'Edit' }).click();
    assert.equal(await page.getByLabel('Birthday', { exact: true }).inputValue(), '1359/05/14');

    // A list filter takes its dates in the calendar too.
    await nav(page, 'Contacts').click();
    await heading(page, 'Contacts').waitFor();
    await page.getByText('Filters', { exact: true }).click();
    await page.getByLabel('Field', { exact: true }).selectOption({ label: 'Birthday' });
    await page.getByLabel('Condition', { exact: true }).selectOption({ label: 'between' });
    await page.getByLabel('From', { exact: true }).fill('1359/05/01');
    await page.getByLabel('To', { exact: true }).fill('1359/05/31');
    await page.getByRole('button', { name: 'Add filter', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^1 record$/ }).waitFor();
    await page.getByRole('link', { name: 'Rahimi' }).waitFor();

    // The month view is Azar 1405: 22 November to 21 December 2026.
    await page.evaluate(() => { location.hash = '#/calendar/month/2026-12-04'; });
    await heading(page, /^Calendar: Azar 1405/).waitFor();
    const first = page.getByRole('listitem', { name: /Azar 1, 1405/ });
    await first.waitFor();
    assert.equal(await first.evaluate((el) => el.classList.contains('other-month')), false);
    const before = page.getByRole('listitem', { name: /Aban 30, 1405/ });
    if (await before.count()) {
      assert.equal(await before.evaluate((el) => el.classList.contains('other-month')), true);
    }

    // Gregorian stays one choice away.
    await page.getByRole('link', { name: 'Settings' }).click();
    await heading(page, 'Settings').waitFor();
    await page.getByRole('combobox', { name: 'Calendar', exact: true }).selectOption({ label: 'Gregorian' });
    await page.evaluate(() => { location.hash = '#/calendar/month/2026-12-04'; });
    await heading(page, 'Calendar: December 2026').waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a weekly 09:00 meeting stays at 09:00 after the clocks change', async () => {
  const app = await openApp(env.browser, env.server.url, { contextOptions: { timezoneId: 'Europe/Berlin' } });
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Activities').click();
    await page.getByRole('link', { name: 'New activity' }).first().click();
    await heading(page, 'New activity').waitFor();
    await page.getByRole('textbox', { name: 'Subject', exact: true }).fill('Monday stand-up');
    // Monday 23 March 2026; Berlin moves its clocks forward on Sunday the 29th.
    await page.getByLabel('Due', { exact: true }).fill('2026-03-23T09:00');
    await page.getByLabel('Repeats', { exact: true }).selectOption({ label: 'Weekly' });
    await page.getByRole('checkbox', { name: 'Monday' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Monday stand-up').waitFor();

    await nav(page, 'My work').click();
    await heading(page, 'My work').waitFor();
    await page.getByRole('button', { name: 'Complete “Monday stand-up”' }).click();
    await page.getByRole('status').filter({ hasText: 'Marked as done.' }).waitFor();
    await page.getByRole('button', { name: 'Complete “Monday stand-up”' }).waitFor();
    await page.getByRole('link', { name: 'Monday stand-up' }).click();
    await heading(page, 'Monday stand-up').waitFor();
    assert.equal((await fieldValue(page, 'Occurrence').textContent()).trim(), '2');
    assert.match(await fieldValue(page, 'Due').textContent(), /Mar 30, 2026, 9:00\sAM/);

    // My work as a calendar file: the series in Berlin's wall-clock time, read back
    // into an empty browser at the same hour.
    await nav(page, 'My work').click();
    await heading(page, 'My work').waitFor();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-ics-'));
    try {
      const { name, file } = await downloadVia(page, 'Export calendar (.ics)', dir);
      assert.match(name, /^my-work-\d{4}-\d{2}-\d{2}\.ics$/);
      const ics = fs.readFileSync(file, 'utf8');
      // A task is a VTODO, a meeting a VEVENT: one of them, once.
      assert.equal((ics.match(/BEGIN:(VEVENT|VTODO)/g) ?? []).length, 1, ics);
      assert.match(ics, /^DTSTART:20260330T090000\r$/m);
      assert.match(ics, /^RRULE:FREQ=WEEKLY;BYDAY=MO\r$/m);
      const fresh = await openApp(env.browser, env.server.url, { contextOptions: { timezoneId: 'Europe/Berlin' } });
      try {
        const p2 = fresh.page;
        await ready(p2);
        await nav(p2, 'Activities').click();
        await p2.getByRole('link', { name: 'Import CSV' }).click();
        await heading(p2, 'Import Activities from CSV').waitFor();
        await p2.getByLabel('CSV file or calendar (.ics)').setInputFiles(file);
        await p2.getByText('1 row in the file.').waitFor();
        await p2.getByRole('button', { name: 'Check the rows' }).click();
        await p2.getByRole('button', { name: 'Import 1 record' }).click();
        await p2.getByRole('status').filter({ hasText: 'Imported 1 record.' }).waitFor();
        await nav(p2, 'Activities').click();
        await p2.getByLabel('Search Activities').fill('stand-up');
        await p2.getByRole('link', { name: 'Monday stand-up' }).click();
        await heading(p2, 'Monday stand-up').waitFor();
        assert.match(await fieldValue(p2, 'Due').textContent(), /Mar 30, 2026, 9:00\sAM/);
        assert.match(await fieldValue(p2, 'Repeats').textContent(), /Weekly/);
        assertNoErrors(fresh);
      } finally {
        await fresh.context.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // The zone is a setting: the device's by default, named in the user's words.
    await page.getByRole('link', { name: 'Settings' }).click();
    await heading(page, 'Settings').waitFor();
    const zone = page.getByRole('combobox', { name: 'Time zone', exact: true });
    assert.match(await zone.locator('option:checked').textContent(), /^This device's: Central European Time/);
    assert.ok((await zone.locator('option').count()) > 20);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('each member keeps their own calendar and number format on a shared browser', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await page.getByRole('link', { name: 'Settings' }).click();
    await heading(page, 'Settings').waitFor();
    const you = page.getByRole('combobox', { name: 'You are', exact: true });
    const calendar = page.getByRole('combobox', { name: 'Calendar', exact: true });
    const numbers = page.getByRole('combobox', { name: 'Numbers are typed', exact: true });
    const checked = (select) => select.locator('option:checked').textContent();
    await calendar.selectOption({ label: 'Solar Hijri (Persian)' });
    await numbers.selectOption({ label: 'Decimal comma: 1.234,56 or 1 234,56' });
    const me = await checked(you);
    // Another member takes over this browser: their settings, not mine.
    const other = (await you.locator('option').allTextContents()).find((name) => name !== me);
    await you.selectOption({ label: other });
    assert.equal(await checked(calendar), 'As the language: Gregorian');
    assert.equal(await checked(numbers), 'As the language: 1,234.56');
    await calendar.selectOption({ label: 'Buddhist era (Thai)' });
    // Mine come back with me, and stay after a reload.
    await you.selectOption({ label: me });
    assert.equal(await checked(calendar), 'Solar Hijri (Persian)');
    assert.equal(await checked(numbers), 'Decimal comma: 1.234,56 or 1 234,56');
    await page.reload();
    await ready(page);
    await heading(page, 'Settings').waitFor();
    assert.equal(await checked(page.getByRole('combobox', { name: 'Calendar', exact: true })), 'Solar Hijri (Persian)');
    await page.getByRole('combobox', { name: 'You are', exact: true }).selectOption({ label: other });
    assert.equal(await checked(page.getByRole('combobox', { name: 'Calendar', exact: true })), 'Buddhist era (Thai)');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
