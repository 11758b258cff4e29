// End-to-end: the files phones and calendar apps save. A vCard file with an Apple
// 3.0 card (folded note), an Android 2.1 card in quoted-printable Persian and a 4.0
// card imports into Contacts through the usual mapping and check, while a broken
// card is reported by its number and line and left out; the list exports as vCard
// and the file reads back. A Google Calendar export imports into Activities with its
// zone, repeat rule and all-day event, the part it cannot keep reported by line; the
// list exports as .ics. A file that is not a calendar is refused and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample, fieldValue, downloadVia } from './harness.mjs';

const env = useAppServer();

/** Every UTF-8 byte as =XX, as Android writes non-ASCII names. */
const qp = (text) => [...Buffer.from(text, 'utf8')].map((b) => '=' + b.toString(16).toUpperCase().padStart(2, '0')).join('');

const crlf = (lines) => lines.join('\r\n') + '\r\n';

const VCARDS = crlf([
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Rahimi;Sara;;;',
  'FN:Sara Rahimi',
  'ORG:Nordic Traders;',
  'TITLE:Buyer',
  'EMAIL;type=INTERNET;type=WORK;type=pref:sara@nordic.example',
  'TEL;type=CELL;type=VOICE;type=pref:+46 70 555 01 02',
  'NOTE:Met at the Stockholm fair\\, wants a demo of the long',
  ' -term plan',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:2.1',
  `N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:${qp('رضایی')};${qp('مریم')};;;`,
  `FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:${qp('مریم رضایی')}`,
  'TEL;CELL:+98 912 555 0101',
  'EMAIL;HOME:maryam@example.ir',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Broken Person',
  'this line has no colon',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN:Иван Петров',
  'N:Петров;Иван;;;',
  'EMAIL;TYPE=work:ivan@example.ru',
  'END:VCARD',
]);

// As Google Calendar saves it: a zone described in the file, a weekly series with
// a reminder, an all-day event, and a series with an exception the app cannot keep.
const CALENDAR = crlf([
  'BEGIN:VCALENDAR',
  'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
  'VERSION:2.0',
  'CALSCALE:GREGORIAN',
  'METHOD:PUBLISH',
  'X-WR-CALNAME:Work',
  'X-WR-TIMEZONE:Europe/Moscow',
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Moscow',
  'X-LIC-LOCATION:Europe/Moscow',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0300',
  'TZOFFSETTO:+0300',
  'TZNAME:MSK',
  'DTSTART:19700101T000000',
  'END:STANDARD',
  'END:VTIMEZONE',
  'BEGIN:VEVENT',
  'DTSTART;TZID=Europe/Moscow:20261207T090000',
  'DTEND;TZID=Europe/Moscow:20261207T093000',
  'RRULE:FREQ=WEEKLY;WKST=MO;COUNT=8;BYDAY=MO,TH',
  'DTSTAMP:20261201T101010Z',
  'UID:7kukuqrfedlm2f9t3bpu3rv3bk@google.com',
  'DESCRIPTION:Agenda:\\n1. Numbers\\, plans\\n2. Hiring',
  'LOCATION:Room 4',
  'STATUS:CONFIRMED',
  'SUMMARY:Weekly sync',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'DESCRIPTION:This is an event reminder',
  'TRIGGER:-P0DT0H10M0S',
  'END:VALARM',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20261231',
  'DTEND;VALUE=DATE:20270101',
  'DTSTAMP:20261201T101010Z',
  'UID:allday@google.com',
  'SUMMARY:Year-end close',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART:20261208T130000Z',
  'DTEND:20261208T140000Z',
  'EXDATE;TZID=Europe/Moscow:20261215T160000',
  'RRULE:FREQ=WEEKLY;BYDAY=TU',
  'DTSTAMP:20261201T101010Z',
  'UID:ex@google.com',
  'SUMMARY:Standup',
  'END:VEVENT',
  'END:VCALENDAR',
]);

async function download(page, button, dir) {
  const { name, file } = await downloadVia(page, button, dir);
  return { name, text: fs.readFileSync(file, 'utf8') };
}

/** Text as read, without the isolates that keep file text apart in a sentence. */
const plain = (text) => text.replace(/[\u2068\u2069]/g, '').trim();

/** A content line's value, folded lines joined (RFC 6350 / 5545). */
const unfolded = (text) => text.replace(/\r\n[ \t]/g, '');

test('a phone\'s vCard file imports its cards, reports the broken one by line, and the list exports as vCard', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-vcard-'));
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Contacts').click();
    await heading(page, 'Contacts').waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Contacts from CSV').waitFor();
    const input = page.getByLabel('CSV file or vCard (.vcf)');
    assert.match(await input.getAttribute('accept'), /\.vcf/);
    const hint = await input.getAttribute('aria-describedby');
    assert.match(await page.locator(`#${hint}`).textContent(), /vCard file \(\.vcf\)/);

    await input.setInputFiles({ name: 'Contacts.vcf', mimeType: 'text/vcard', buffer: Buffer.from(VCARDS) });
    const problems = page.getByRole('region', { name: 'Not read from the file' });
    await problems.waitFor();
    assert.equal(await problems.getByRole('listitem').count(), 1);
    assert.equal(
      plain(await problems.getByRole('listitem').textContent()),
      'Card 3, line 22: a line has no colon between its name and its value, so the card was left out (this line has no colon)',
    );
    await page.getByText('3 rows in the file.').waitFor();
    await page.getByRole('group', { name: 'When a linked record is not found by its name' })
      .getByLabel('Create the linked record').check();
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await page.getByRole('region', { name: 'Ready to import' }).getByText('3 new records').waitFor();
    await page.getByRole('button', { name: 'Import 3 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 3 records.' }).waitFor();

    // The Persian card's name came through quoted-printable whole.
    await nav(page, 'Contacts').click();
    await page.getByLabel('Search Contacts').fill('maryam@example.ir');
    await page.getByRole('link', { name: 'مریم' }).click();
    await heading(page, 'مریم رضایی').waitFor();
    assert.match(await fieldValue(page, 'Phones').textContent(), /\+98 912 555 0101/);
    // The Apple card: the folded note unfolded, its company linked.
    await nav(page, 'Contacts').click();
    await page.getByLabel('Search Contacts').fill('sara@nordic.example');
    await page.getByRole('link', { name: 'Sara' }).click();
    await heading(page, 'Sara Rahimi').waitFor();
    assert.match(await page.getByText(/Stockholm fair/).textContent(), /Met at the Stockholm fair, wants a demo of the long-term plan/);
    assert.match(await fieldValue(page, 'Company').textContent(), /Nordic Traders/);
    assert.equal(await page.getByText('Broken Person').count(), 0);

    // The listed rows as cards: what the search shows, readable again.
    await nav(page, 'Contacts').click();
    await page.getByLabel('Search Contacts').fill('example.ir');
    await page.getByRole('status').filter({ hasText: /^1 record$/ }).waitFor();
    const file = await download(page, 'Export vCard', dir);
    assert.match(file.name, /^contacts-\d{4}-\d{2}-\d{2}\.vcf$/);
    assert.equal(file.text.match(/BEGIN:VCARD/g).length, 1);
    const text = unfolded(file.text);
    assert.match(text, /^VERSION:4\.0\r$/m);
    assert.match(text, /^FN:مریم رضایی\r$/m);
    assert.match(text, /^EMAIL[^:]*:maryam@example\.ir\r$/m);
    assert.ok(file.text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'lines folded at 75 octets');
    assertNoErrors(app);
  } finally {
    await app.context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a Google Calendar export imports as activities at their own times, reports what it cannot keep, and exports as .ics', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-ical-'));
  const app = await openApp(env.browser, env.server.url, { contextOptions: { timezoneId: 'Asia/Tehran' } });
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Activities').click();
    await heading(page, 'Activities').waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Activities from CSV').waitFor();
    const input = page.getByLabel('CSV file or calendar (.ics)');

    // Not a calendar: refused, nothing read.
    await input.setInputFiles({ name: 'work.ics', mimeType: 'text/calendar', buffer: Buffer.from('hello\r\n') });
    const alert = page.getByRole('alert');
    await alert.getByText(/“work\.ics” cannot be imported: it is not an iCalendar file \(it does not begin with BEGIN:VCALENDAR\)\. Nothing has been changed\./).waitFor();

    await input.setInputFiles({ name: 'work.ics', mimeType: 'text/calendar', buffer: Buffer.from(CALENDAR) });
    await page.getByText('3 rows in the file.').waitFor();
    assert.equal(await alert.count(), 0);
    const problems = page.getByRole('region', { name: 'Not read from the file' });
    assert.equal(
      plain(await problems.getByRole('listitem').textContent()),
      '“Standup”, line 44: only the first occurrence was kept: EXDATE is not supported',
    );
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await page.getByRole('region', { name: 'Ready to import' }).getByText('3 new records').waitFor();
    await page.getByRole('button', { name: 'Import 3 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 3 records.' }).waitFor();

    // 09:00 in Moscow is 09:30 in Tehran; the series and its length came along.
    await nav(page, 'Activities').click();
    await page.getByLabel('Search Activities').fill('weekly sync');
    await page.getByRole('link', { name: 'Weekly sync' }).click();
    await heading(page, 'Weekly sync').waitFor();
    assert.match(await fieldValue(page, 'Due').textContent(), /Dec 7, 2026.*9:30/);
    assert.match(await fieldValue(page, 'Repeats').textContent(), /Weekly/);
    assert.equal((await fieldValue(page, 'Duration (minutes)').textContent()).trim(), '30');
    // The all-day event starts at local midnight of its day.
    await nav(page, 'Activities').click();
    await page.getByLabel('Search Activities').fill('year-end');
    await page.getByRole('link', { name: 'Year-end close' }).click();
    await heading(page, 'Year-end close').waitFor();
    assert.match(await fieldValue(page, 'Due').textContent(), /Dec 31, 2026.*12:00\s*AM/);

    // The listed activities as a calendar, the series kept in the wall-clock time of
    // this browser (Tehran: Moscow's 09:00 is 09:30), so it does not move when clocks change.
    await nav(page, 'Activities').click();
    await page.getByLabel('Search Activities').fill('weekly sync');
    await page.getByRole('status').filter({ hasText: /^1 record$/ }).waitFor();
    const file = await download(page, 'Export calendar (.ics)', dir);
    assert.match(file.name, /^activities-\d{4}-\d{2}-\d{2}\.ics$/);
    const text = unfolded(file.text);
    assert.equal(text.match(/BEGIN:VEVENT/g).length, 1);
    assert.match(text, /^SUMMARY:Weekly sync\r$/m);
    assert.match(text, /^DTSTART:20261207T093000\r$/m);
    assert.match(text, /^RRULE:FREQ=WEEKLY;.*BYDAY=MO,TH/m);
    assertNoErrors(app);
  } finally {
    await app.context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
