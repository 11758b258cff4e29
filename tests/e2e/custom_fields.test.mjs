// End-to-end: a user shapes their own CRM. A module "Projects" is added with a
// lookup to companies, an auto-number, a money field and a formula (a bad formula
// is named with its place while typing); companies get a rollup of their projects.
// A project made from a company's page takes its link, its number and its formula
// value, and the company's count follows in the same save; a reload keeps it all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, fieldValue, exportBackup } from './harness.mjs';

const env = useAppServer();

async function addField(page, name, type, fill = async () => {}) {
  await page.getByLabel('Field name').fill(name);
  await page.getByLabel('Type', { exact: true }).selectOption({ label: type });
  await fill();
  await page.getByRole('button', { name: 'Add field' }).click();
  await page.getByRole('status').filter({ hasText: `Field ${name} added.` }).waitFor();
  await page.getByRole('cell', { name, exact: true }).waitFor();
}

test('a user module with lookup, auto-number, formula and a rollup on companies', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Settings').click();
    await page.getByRole('link', { name: 'Open modules and fields' }).click();
    await heading(page, 'Modules and fields').waitFor();

    await page.getByLabel('Name of one record').fill('project');
    await page.getByLabel('Name of the module').fill('Projects');
    await page.getByRole('button', { name: 'Add module' }).click();
    await page.getByRole('status').filter({ hasText: 'Module Projects added.' }).waitFor();
    await nav(page, 'Projects').waitFor({ state: 'attached' });
    assert.equal(await page.getByLabel('Module', { exact: true }).locator('option:checked').textContent(), 'Projects');

    await addField(page, 'Company', 'Link to a record', async () => {
      await page.getByLabel('Links to').selectOption({ label: 'company' });
    });
    await addField(page, 'Budget', 'Money');
    await addField(page, 'Code', 'Auto-number', async () => {
      await page.getByLabel('Prefix').fill('PRJ-');
      await page.getByLabel('Digits').fill('4');
    });

    // A formula is checked while it is typed: the problem and where it is.
    await page.getByLabel('Field name').fill('Label');
    await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Formula' });
    const formula = page.getByLabel('Formula', { exact: true });
    assert.equal(await page.getByLabel('Required').count(), 0, 'a computed field is never asked for');
    await formula.fill('code & " · " & company.nme');
    await page.locator('#field-expression-check').filter({ hasText: 'The records company links to have no field nme' }).waitFor();
    await formula.fill('code & " · " & UPPER(company.name');
    await page.locator('#field-expression-check').filter({ hasText: /At character \d+: The formula ends too soon/ }).waitFor();
    // Refused on save too, and nothing is added.
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('alert').filter({ hasText: 'The formula ends too soon' }).waitFor();
    assert.equal(await page.getByRole('cell', { name: 'Label', exact: true }).count(), 0);
    await formula.fill('code & " · " & UPPER(company.name)');
    await page.locator('#field-expression-check').filter({ hasText: 'The formula reads well.' }).waitFor();
    // The result type follows what the formula gives until the user picks one.
    assert.equal(await page.getByLabel('Result type').inputValue(), 'text');
    // The refusal said on save is gone once the formula is mended.
    assert.equal(await page.getByRole('alert').filter({ hasText: 'The formula ends too soon' }).count(), 0);
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('status').filter({ hasText: 'Field Label added.' }).waitFor();

    // A field is renamed and given help; another moves up, and the form follows.
    await page.getByRole('button', { name: 'Edit Budget' }).click();
    const editor = page.getByRole('form', { name: 'Edit the field Budget' });
    await editor.getByLabel('Field name').fill('Budget (net)');
    await editor.getByLabel('Help text').fill('Before tax');
    await editor.getByRole('button', { name: 'Save the field' }).click();
    await page.getByRole('status').filter({ hasText: 'Field Budget (net) saved.' }).waitFor();
    await page.getByRole('cell', { name: 'Budget (net)', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Move Label up' }).click();
    await page.getByRole('status').filter({ hasText: 'Field Label moved.' }).waitFor();
    const names = async () => (await page.locator('table.schema-fields tbody tr td:first-child').allTextContents()).map((s) => s.trim());
    assert.deepEqual((await names()).slice(-4), ['Company', 'Budget (net)', 'Label', 'Code']);
    assert.ok(await page.getByRole('button', { name: 'Move Code down' }).isDisabled(), 'the last cannot go further down');

    // Companies count their projects.
    await page.getByLabel('Module', { exact: true }).selectOption({ label: 'Companies' });
    await addField(page, 'Projects open', 'Rollup of related records', async () => {
      await page.getByLabel('Records to add up').selectOption({ label: 'Projects · Company' });
      await page.getByLabel('Calculation').selectOption({ label: 'Count' });
      await page.getByLabel('Section of the form').selectOption({ label: 'More' });
    });

    await nav(page, 'Companies').click();
    await heading(page, 'Companies').waitFor();
    await page.getByRole('link', { name: 'New company' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Acme Labs');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Acme Labs').waitFor();
    assert.equal((await fieldValue(page, 'Projects open').textContent()).trim(), '0');
    // In the section it was put in.
    await page.locator('section.record-section', { has: page.getByRole('heading', { name: 'More', exact: true }) })
      .getByText('Projects open', { exact: true }).waitFor();

    // A project made from the company's page.
    await page.getByRole('link', { name: 'New project' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Roof');
    // The company it was made from is chosen already.
    await page.locator('.lookup-selected').filter({ hasText: 'Acme Labs' }).waitFor();
    assert.equal(await page.getByLabel('Owner').count(), 1, 'the owner is asked once');
    await page.getByLabel('Budget (net)').fill('1200');
    await page.getByText('Before tax').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    // Back on the company's page, whose count followed in the same save.
    await heading(page, 'Acme Labs').waitFor();
    assert.equal((await fieldValue(page, 'Projects open').textContent()).trim(), '1');
    await page.getByRole('link', { name: 'Roof', exact: true }).first().click();
    await heading(page, 'Roof').waitFor();
    assert.equal((await fieldValue(page, 'Code').textContent()).trim(), 'PRJ-0001');
    assert.equal((await fieldValue(page, 'Label').textContent()).trim(), 'PRJ-0001 · ACME LABS');
    await page.getByRole('link', { name: 'Acme Labs' }).first().click();
    await heading(page, 'Acme Labs').waitFor();

    await page.reload();
    await heading(page, 'Acme Labs').waitFor({ timeout: 30_000 });
    await fieldValue(page, 'Projects open').filter({ hasText: '1' }).waitFor();
    await nav(page, 'Projects').click();
    await heading(page, 'Projects').waitFor();
    await page.getByRole('link', { name: 'Roof' }).waitFor();

    // Removing the module: refused while companies roll it up, then done after the
    // rollup goes, with its records, once its name is typed.
    await nav(page, 'Settings').click();
    await page.getByRole('link', { name: 'Open modules and fields' }).click();
    await page.getByRole('button', { name: 'Remove Projects', exact: true }).click();
    const confirm = page.getByRole('group', { name: /Removing Projects deletes its fields and every record it holds \(records: 1\)/ });
    const gone = confirm.getByRole('button', { name: 'Remove the module and its records' });
    assert.ok(await gone.isDisabled(), 'nothing is removed before the name is typed');
    await confirm.getByLabel("Type the module's name to confirm").fill('Projects');
    await gone.click();
    await page.getByRole('alert').filter({ hasText: 'companies.projects_open links to this module' }).waitFor();
    await nav(page, 'Projects').waitFor();
    await page.getByLabel('Module', { exact: true }).selectOption({ label: 'Companies' });
    await page.getByRole('button', { name: 'Remove Projects open' }).click();
    await page.getByLabel("Type the field's name to confirm").fill('Projects open');
    await page.getByRole('button', { name: 'Remove the field and its values' }).click();
    await page.getByRole('status').filter({ hasText: 'Field Projects open removed.' }).waitFor();
    await page.getByRole('button', { name: 'Remove Projects', exact: true }).click();
    await page.getByLabel("Type the module's name to confirm").fill('Projects');
    await page.getByRole('button', { name: 'Remove the module and its records' }).click();
    await page.getByRole('status').filter({ hasText: 'Module Projects removed.' }).waitFor();
    assert.equal(await nav(page, 'Projects').count(), 0);
    await page.reload();
    await heading(page, 'Modules and fields').waitFor({ timeout: 30_000 });
    await nav(page, 'Companies').waitFor();
    assert.equal(await nav(page, 'Projects').count(), 0, 'gone after a reload too');
    assertNoErrors(app);
  } catch (e) {
    await page.screenshot({ path: "/tmp/cf-fail.png", fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await app.context.close();
  }
});

test('a user module, its formula and its numbering come back from a backup into an empty browser', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-schema-'));
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Settings').click();
    await page.getByRole('link', { name: 'Open modules and fields' }).click();
    await page.getByLabel('Name of one record').fill('project');
    await page.getByLabel('Name of the module').fill('Projects');
    await page.getByRole('button', { name: 'Add module' }).click();
    await page.getByRole('status').filter({ hasText: 'Module Projects added.' }).waitFor();
    await addField(page, 'Deadline', 'Date');
    await addField(page, 'Code', 'Auto-number', async () => {
      await page.getByLabel('Prefix').fill('P-');
      await page.getByLabel('Digits').fill('3');
    });
    await addField(page, 'Days left', 'Formula', async () => {
      await page.getByLabel('Formula', { exact: true }).fill('DAYSBETWEEN(TODAY(), deadline)');
      await page.locator('#field-expression-check').filter({ hasText: 'The formula reads well.' }).waitFor();
    });

    // Ten days from today, in this machine's zone (the browser's too).
    const due = new Date();
    due.setDate(due.getDate() + 10);
    const iso = `${due.getFullYear()}-${String(due.getMonth() + 1).padStart(2, '0')}-${String(due.getDate()).padStart(2, '0')}`;
    await nav(page, 'Projects').click();
    await page.getByRole('link', { name: 'New project' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Roof');
    await page.getByLabel('Deadline', { exact: true }).fill(iso);
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Roof').waitFor();
    assert.equal((await fieldValue(page, 'Code').textContent()).trim(), 'P-001');
    assert.equal((await fieldValue(page, 'Days left').textContent()).trim(), '10');

    const exported = await exportBackup(page, dir);
    const stored = JSON.parse(fs.readFileSync(exported, 'utf8'));
    assert.ok(JSON.stringify(stored).includes('custom_modules'), 'the backup holds the module definition');

    // An empty browser: the module is not there until the backup is restored.
    const cdp = await app.context.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(env.server.url).origin, storageTypes: 'all' });
    await page.reload();
    await heading(page, 'Backup and restore').waitFor({ timeout: 30_000 });
    assert.equal(await nav(page, 'Projects').count(), 0);
    await page.getByLabel('Backup file').setInputFiles(exported);
    await page.getByRole('button', { name: 'Replace my data with this backup' }).click();
    await page.getByRole('status').filter({ hasText: /Restored \d+ records/ }).waitFor();
    await nav(page, 'Projects').click();
    await heading(page, 'Projects').waitFor();
    await page.getByRole('link', { name: 'Roof' }).click();
    await heading(page, 'Roof').waitFor();
    assert.equal((await fieldValue(page, 'Code').textContent()).trim(), 'P-001');
    assert.equal((await fieldValue(page, 'Days left').textContent()).trim(), '10');

    // The numbering goes on from where it was: no number is given twice.
    await nav(page, 'Projects').click();
    await page.getByRole('link', { name: 'New project' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Porch');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Porch').waitFor();
    assert.equal((await fieldValue(page, 'Code').textContent()).trim(), 'P-002');
    assert.equal((await fieldValue(page, 'Days left').textContent()).trim(), '—', 'no deadline, no days left');
    assertNoErrors(app);
  } catch (e) {
    await page.screenshot({ path: '/tmp/cf-backup-fail.png', fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await app.context.close();
  }
});
