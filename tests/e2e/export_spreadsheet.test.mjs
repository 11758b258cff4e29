// End-to-end: a list's CSV export is a file a spreadsheet reads. A deal's picklist is
// written as its label, the amount as a bare number beside a currency column, the
// company as its name beside its id, the stage history only when asked; and the file
// imports into an empty browser with the same values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, fieldValue } from './harness.mjs';

const env = useAppServer();

/** The rows of a CSV text (quoted cells, doubled quotes, CRLF), BOM dropped. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** The export of the list on screen: header and rows, as a spreadsheet reads them. */
async function exportList(page, file) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  await download.saveAs(file);
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'UTF-8 with a byte order mark');
  const [head, ...rows] = parseCsv(text);
  const cell = (row, name) => {
    const at = head.indexOf(name);
    assert.ok(at >= 0, `no ${name} column in ${JSON.stringify(head)}`);
    return rows[row][at];
  };
  return { head, rows, cell };
}

test('a deals export reads as a spreadsheet and imports into an empty browser with the same values', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-'));
  const csvFile = path.join(dir, 'deals.csv');
  let exported;
  const first = await openApp(env.browser, env.server.url);
  try {
    const { page } = first;
    await ready(page);
    await nav(page, 'Companies').click();
    await page.getByRole('link', { name: 'New company' }).click();
    await heading(page, 'New company').waitFor();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Nordic AB');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Nordic AB').waitFor();
    const companyUrl = page.url();

    await nav(page, 'Deals').click();
    await page.getByRole('link', { name: 'New deal' }).click();
    await heading(page, 'New deal').waitFor();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Fleet renewal');
    await page.getByLabel('Amount', { exact: true }).fill('1250.50');
    await page.getByLabel('Currency', { exact: true }).fill('EUR');
    await page.getByRole('combobox', { name: 'Pipeline', exact: true }).selectOption({ label: 'New business' });
    await page.getByRole('combobox', { name: 'Stage', exact: true }).selectOption({ label: 'Proposal' });
    await page.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' });
    await page.getByLabel('Expected close', { exact: true }).fill('2026-12-03');
    const company = page.getByRole('combobox', { name: 'Company', exact: true });
    await company.fill('Nordic');
    await page.getByRole('listbox').getByRole('option', { name: /Nordic AB/ }).click();
    await page.locator('.lookup-selected').filter({ hasText: 'Nordic AB' }).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Fleet renewal').waitFor();

    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    const keys = page.getByRole('checkbox', { name: 'Choices as keys' });
    const history = page.getByRole('checkbox', { name: 'Include Stage history' });
    assert.equal(await keys.isChecked(), false);
    assert.equal(await history.isChecked(), false);

    exported = await exportList(page, csvFile);
    const { head, cell } = exported;
    assert.equal(exported.rows.length, 1);
    assert.ok(!head.includes('Stage history'), `no stage history by default: ${head}`);
    const amountAt = head.indexOf('Amount');
    assert.equal(head[amountAt + 1], 'Amount currency');
    assert.equal(cell(0, 'Title'), 'Fleet renewal');
    assert.equal(cell(0, 'Amount'), '1250.50');
    assert.equal(cell(0, 'Amount currency'), 'EUR');
    assert.equal(cell(0, 'Priority'), 'High');
    assert.equal(cell(0, 'Stage'), 'Proposal');
    assert.equal(cell(0, 'Expected close'), '2026-12-03');
    assert.equal(cell(0, 'Company'), 'Nordic AB');
    const companyId = cell(0, 'Company id');
    assert.ok(companyId && companyUrl.endsWith(encodeURIComponent(companyId)), `${companyId} is ${companyUrl}`);

    // Asked for: keys instead of labels, and the stage history named and dated.
    await keys.check();
    await history.check();
    const asked = await exportList(page, path.join(dir, 'asked.csv'));
    assert.equal(asked.cell(0, 'Priority'), 'high');
    assert.match(asked.cell(0, 'Stage history'), /^Proposal \d{4}-\d\d-\d\d$/);
    assertNoErrors(first);
  } finally {
    await first.context.close();
  }

  const second = await openApp(env.browser, env.server.url);
  try {
    const { page } = second;
    await ready(page);
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await heading(page, 'Import Deals from CSV').waitFor();
    await page.getByLabel('CSV file').setInputFiles(csvFile);
    await page.getByText('1 row in the file.').waitFor();
    const chosen = (header) => page.getByLabel(header, { exact: true }).locator('option:checked').textContent();
    for (const header of ['Amount', 'Amount currency', 'Company', 'Company id', 'Stage', 'Stage id', 'Priority']) {
      assert.equal(await chosen(header), header, header);
    }
    // The company is not in this browser: made from its name.
    await page.getByRole('group', { name: 'When a linked record is not found by its name' })
      .getByLabel('Create the linked record').check();
    await page.getByRole('button', { name: 'Check the rows' }).click();
    const summary = page.getByRole('region', { name: 'Ready to import' });
    await summary.getByText('1 linked record to create').waitFor();
    await summary.getByText('0 rows refused').waitFor();
    await page.getByRole('button', { name: 'Import 1 record' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 1 record.' }).waitFor();

    await page.getByRole('link', { name: 'Fleet renewal', exact: true }).click();
    await heading(page, 'Fleet renewal').waitFor();
    assert.match((await fieldValue(page, 'Company').innerText()).trim(), /Nordic AB/);
    assert.match((await fieldValue(page, 'Priority').innerText()).trim(), /High/);

    // Exported again, every cell is the same but the new company's id.
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    const again = await exportList(page, path.join(dir, 'again.csv'));
    assert.deepEqual(again.head, exported.head);
    for (const name of exported.head) {
      if (name === 'Company id') continue;
      assert.equal(again.cell(0, name), exported.cell(0, name), name);
    }
    assert.ok(again.cell(0, 'Company id'));
    assertNoErrors(second);
  } finally {
    await second.context.close();
  }
});
