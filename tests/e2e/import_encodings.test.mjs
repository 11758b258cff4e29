// End-to-end: contacts files in the encodings real exports use import without a
// manual step: an Outlook-style CSV saved by Russian Excel in Windows-1251, and
// Excel's "Unicode text" (UTF-16 LE, tab separated) with Turkish names. The encoding
// is found from the bytes and shown; choosing a wrong one refuses the file naming the
// encoding and the line, and leaves the data as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample, fieldValue } from './harness.mjs';

const env = useAppServer();

/** Text in Windows-1251: ASCII as is, Cyrillic А–я from 0xC0, Ё/ё and the quotes. */
function windows1251(text) {
  const special = { 'Ё': 0xa8, 'ё': 0xb8, '«': 0xab, '»': 0xbb, '№': 0xb9 };
  return Buffer.from([...text].map((c) => {
    const code = c.codePointAt(0);
    if (code < 0x80) return code;
    if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
    if (special[c]) return special[c];
    throw new Error(`${c} is not in this test's Windows-1251`);
  }));
}

async function openImport(page) {
  await nav(page, 'Contacts').click();
  await heading(page, 'Contacts').waitFor();
  await page.getByRole('link', { name: 'Import CSV' }).click();
  await heading(page, 'Import Contacts from CSV').waitFor();
}

async function contactCount(page) {
  await nav(page, 'Contacts').click();
  await heading(page, 'Contacts').waitFor();
  return page.getByText(/^\d+ records$/).first().textContent();
}

test('a Windows-1251 Outlook export imports its Cyrillic names; UTF-8 chosen instead is refused naming the line', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    const before = await contactCount(page);
    await openImport(page);
    const csv = [
      'First Name,Last Name,E-mail Address,Business Phone,Company,Job Title',
      'Иван,Петров,ivan.petrov@example.ru,+7 495 555-01-01,Балтик Логистик,Директор по закупкам',
      'Алёна,Семёнова,alena@example.ru,,ООО «Ромашка»,Менеджер',
    ].join('\r\n') + '\r\n';
    const file = { name: 'contacts.csv', mimeType: 'text/csv', buffer: windows1251(csv) };
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByText('2 rows in the file.').waitFor();
    const encoding = page.getByRole('combobox', { name: 'File encoding' });
    assert.equal(await encoding.locator('option:checked').textContent(), 'Windows-1251 (Cyrillic)');
    const mapping = page.getByRole('table', { name: 'Which field each column fills' });
    await mapping.getByText(/Иван · Алёна/).waitFor();

    // The wrong encoding: refused, naming it and the first line that does not fit.
    await encoding.selectOption({ label: 'UTF-8 (Unicode)' });
    const alert = page.getByRole('alert');
    await alert.getByText(/it is not UTF-8 \(Unicode\) text \(line 2 /).waitFor();
    assert.match(await alert.textContent(), /Nothing has been changed/);
    assert.equal(await mapping.count(), 0, 'no mapping for a file that was not read');

    // Back to the found one: read again, checked and imported.
    await encoding.selectOption({ label: 'Windows-1251 (Cyrillic)' });
    await page.getByText('2 rows in the file.').waitFor();
    assert.equal(await alert.count(), 0);
    await page.getByRole('group', { name: 'When a linked record is not found by its name' })
      .getByLabel('Create the linked record').check();
    await page.getByRole('button', { name: 'Check the rows' }).click();
    const summary = page.getByRole('region', { name: 'Ready to import' });
    await summary.getByText('2 new records').waitFor();
    await page.getByRole('button', { name: 'Import 2 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 2 records.' }).waitFor();
    assert.notEqual(await contactCount(page), before);
    await page.getByLabel('Search Contacts').fill('Петров');
    await page.getByRole('link', { name: 'Иван' }).click();
    await heading(page, 'Иван Петров').waitFor();
    assert.match(await fieldValue(page, 'Job title').textContent(), /Директор по закупкам/);
    assert.match(await fieldValue(page, 'Company').textContent(), /Балтик Логистик/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('Excel "Unicode text" (UTF-16, tabs) imports Turkish names; a refused file leaves the contacts as they were', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    const before = await contactCount(page);
    await openImport(page);
    // Refused first: Windows-1251 bytes read as UTF-8 (chosen), then another file.
    await page.getByLabel('CSV file').setInputFiles({
      name: 'ru.csv', mimeType: 'text/csv', buffer: windows1251('First Name,Last Name\r\nОльга,Иванова\r\n'),
    });
    const encoding = page.getByRole('combobox', { name: 'File encoding' });
    await page.getByText('1 row in the file.').waitFor();
    await encoding.selectOption({ label: 'UTF-8 (Unicode)' });
    await page.getByRole('alert').getByText(/line 2/).waitFor();
    assert.equal(await contactCount(page), before, 'a refused file changes nothing');
    await openImport(page);

    const text = 'First Name\tLast Name\tE-mail Address\tMobile Phone\r\nAyşe\tYılmaz\tayse@ege.example\t+90 532 555 01 01\r\nİsmail\tÖztürk\tismail@ege.example\t\r\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.txt', mimeType: 'text/plain', buffer: utf16 });
    await page.getByText('2 rows in the file.').waitFor();
    assert.equal(await encoding.locator('option:checked').textContent(), 'UTF-16 LE (Excel “Unicode text”)');
    await page.getByRole('button', { name: 'Check the rows' }).click();
    await page.getByRole('region', { name: 'Ready to import' }).getByText('2 new records').waitFor();
    await page.getByRole('button', { name: 'Import 2 records' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 2 records.' }).waitFor();
    await page.getByLabel('Search Contacts').fill('Öztürk');
    await page.getByRole('link', { name: 'İsmail' }).click();
    await heading(page, 'İsmail Öztürk').waitFor();
    assert.match(await fieldValue(page, 'Emails').textContent(), /ismail@ege\.example/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
