// End-to-end: a workflow rule made in Settings → Automation, "deal stage becomes
// Proposal → task 'Send proposal' due in 2 days for the owner + alert". Moving a deal
// on the board from the keyboard makes the task (in My work) and the alert (in the
// header), in the same save; the run is in the run log. A rule naming a field its
// module lacks is refused at save, naming the field, and nothing is saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample, downloadVia } from './harness.mjs';

const env = useAppServer();

const column = (page, name) => page.locator('section.board-column', { has: page.getByRole('heading', { name, exact: true }) });

async function newRule(page) {
  await nav(page, 'Settings').click();
  await heading(page, 'Settings').waitFor();
  await page.getByRole('link', { name: 'Workflow rules', exact: true }).click();
  await heading(page, 'Workflow rules').waitFor();
  await page.getByRole('link', { name: 'New workflow rule', exact: true }).click();
  await heading(page, 'New workflow rule').waitFor();
}

test('stage becomes Proposal: a task for the owner due in 2 days and an alert, from a board move', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await page.getByRole('button', { name: 'Alerts', exact: true }).waitFor();

    // A rule naming a field deals do not have is refused, naming the field.
    await newRule(page);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Colour check');
    await page.getByRole('combobox', { name: 'Module', exact: true }).selectOption({ label: 'Deals' });
    await page.getByRole('combobox', { name: 'When', exact: true }).selectOption({ label: 'a field becomes a value' });
    await page.getByRole('textbox', { name: 'Field', exact: true }).fill('Colour');
    await page.getByRole('textbox', { name: 'Value', exact: true }).fill('red');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText("Field: no field of this name in the rule's module.").waitFor();
    await heading(page, 'New workflow rule').waitFor();

    // Mended: the stage, typed as the form names it, and two actions.
    await page.getByRole('textbox', { name: 'Field', exact: true }).fill('Stage');
    await page.getByRole('textbox', { name: 'Value', exact: true }).fill('Proposal');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Proposal follow-up');
    const add = page.getByRole('button', { name: 'Add rule action', exact: true });
    await add.click();
    const first = page.getByRole('group', { name: 'Rule action 1', exact: true });
    await first.getByRole('combobox', { name: 'Action', exact: true }).selectOption({ label: 'create a task for the owner' });
    await first.getByRole('textbox', { name: 'Subject or message', exact: true }).fill('Send proposal');
    await first.getByRole('textbox', { name: 'Due in days', exact: true }).fill('2');
    await add.click();
    const second = page.getByRole('group', { name: 'Rule action 2', exact: true });
    await second.getByRole('combobox', { name: 'Action', exact: true }).selectOption({ label: 'alert the owner' });
    await second.getByRole('textbox', { name: 'Subject or message', exact: true }).fill('Proposal stage reached');
    await second.getByRole('textbox', { name: 'Step', exact: true }).fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Proposal follow-up').waitFor();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    // The dry run names the deals in Proposal now (the sample has some), writing nothing.
    await page.getByRole('link', { name: 'Dry run', exact: true }).click();
    await heading(page, 'Dry run: Proposal follow-up').waitFor();
    const said = await page.getByRole('status').filter({ hasText: /of Deals match/ }).textContent();
    const matching = Number(/(\d+) records? of Deals/.exec(said)[1]);
    assert.ok(matching > 0, said);
    assert.equal(await page.locator('.search-hits li').count(), Math.min(matching, 50));
    await page.goBack();
    await heading(page, 'Proposal follow-up').waitFor();

    // A deal of mine in Qualification, moved to Proposal on the board by keyboard.
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    await page.getByRole('link', { name: 'New deal', exact: true }).click();
    await heading(page, 'New deal').waitFor();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Rule test deal');
    await page.getByRole('combobox', { name: 'Pipeline', exact: true }).selectOption({ label: 'New business' });
    await page.getByRole('combobox', { name: 'Stage', exact: true }).selectOption({ label: 'Qualification' });
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Rule test deal').waitFor();
    // Saving the deal in Qualification ran nothing.
    assert.equal(await page.getByRole('button', { name: 'Alerts', exact: true }).count(), 1);

    await nav(page, 'Board').click();
    await page.getByLabel('Pipeline', { exact: true }).selectOption({ label: 'New business' });
    await column(page, 'Qualification').getByRole('article', { name: 'Rule test deal' }).waitFor();
    const move = page.getByRole('combobox', { name: 'Move “Rule test deal” to stage' });
    await move.focus();
    await move.selectOption({ label: 'Proposal' });
    await page.getByRole('button', { name: 'Move “Rule test deal”', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '“Rule test deal” moved.' }).waitFor();

    // The alert, in the header, for the owner (me).
    const alerts = page.getByRole('button', { name: 'Alerts: 1 unread', exact: true });
    await alerts.waitFor();
    await alerts.click();
    const panel = page.getByRole('region', { name: 'Alerts' });
    await panel.getByRole('link', { name: 'Proposal stage reached' }).waitFor();
    assert.match(await panel.textContent(), /Rule test deal/);
    // Escape closes it and gives the keyboard back to the button.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'alerts-button');

    // The task, in My work, due in two days.
    await nav(page, 'My work').click();
    await heading(page, 'My work').waitFor();
    await page.getByRole('link', { name: 'Send proposal' }).first().waitFor();

    // Following the alert opens the deal and marks it read.
    await alerts.click();
    await panel.getByRole('link', { name: 'Proposal stage reached' }).click();
    await heading(page, 'Rule test deal').waitFor();
    await page.getByRole('button', { name: 'Alerts', exact: true }).waitFor();

    // The run log says what ran, on which record.
    await nav(page, 'Settings').click();
    await page.getByRole('link', { name: 'Run log', exact: true }).click();
    await heading(page, 'Run log').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Rule test deal' });
    await row.waitFor();
    assert.match(await row.textContent(), /done/);
    assert.match(await row.textContent(), /task Send proposal/);

    // After a reload everything is still there (it was committed, not only shown).
    await page.reload();
    await ready(page);
    await nav(page, 'My work').click();
    await page.getByRole('link', { name: 'Send proposal' }).first().waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a rule on a date reached that came while the app was closed runs once on reopening', async () => {
  const app = await openApp(env.browser, env.server.url);
  let { page } = app;
  try {
    // No sample data: its deals close around today and would be chased too.
    await ready(page);
    await newRule(page);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Chase the close');
    await page.getByRole('combobox', { name: 'Module', exact: true }).selectOption({ label: 'Deals' });
    await page.getByRole('combobox', { name: 'When', exact: true }).selectOption({ label: 'a date is reached' });
    await page.getByRole('textbox', { name: 'Field', exact: true }).fill('Expected close');
    await page.getByRole('textbox', { name: 'Days after the date', exact: true }).fill('1');
    await page.getByRole('button', { name: 'Add rule action', exact: true }).click();
    const row = page.getByRole('group', { name: 'Rule action 1', exact: true });
    await row.getByRole('combobox', { name: 'Action', exact: true }).selectOption({ label: 'alert the owner' });
    await row.getByRole('textbox', { name: 'Subject or message', exact: true }).fill('Ask how the close went');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Chase the close').waitFor();

    // A deal of mine closing tomorrow: its moment (a day later) has not come.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await nav(page, 'Deals').click();
    await page.getByRole('link', { name: 'New deal', exact: true }).click();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Closing soon');
    await page.getByRole('combobox', { name: 'Pipeline', exact: true }).selectOption({ label: 'New business' });
    await page.getByRole('combobox', { name: 'Stage', exact: true }).selectOption({ label: 'Qualification' });
    await page.getByLabel('Expected close', { exact: true }).fill(tomorrow);
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Closing soon').waitFor();
    await page.reload();
    await ready(page);
    await page.getByRole('button', { name: 'Alerts', exact: true }).waitFor();

    // The app is closed; it is opened again three days later.
    await page.close();
    await app.context.clock.install({ time: new Date(Date.now() + 3 * 86_400_000) });
    page = await app.context.newPage();
    page.on('pageerror', (e) => app.errors.push(String(e)));
    await page.goto(env.server.url);
    await ready(page);
    await page.getByRole('status').filter({ hasText: '1 rule ran for dates reached while the app was closed.' }).waitFor();
    await page.getByRole('button', { name: 'Alerts: 1 unread', exact: true }).waitFor();

    // Opened once more: nothing runs twice.
    await page.reload();
    await ready(page);
    await page.getByRole('button', { name: 'Alerts: 1 unread', exact: true }).waitFor();
    await nav(page, 'Settings').click();
    await page.getByRole('link', { name: 'Run log', exact: true }).click();
    await heading(page, 'Run log').waitFor();
    await page.getByRole('row').filter({ hasText: 'Closing soon' }).waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: 'Closing soon' }).count(), 1);
    assert.equal(await page.getByText('rule ran for dates reached').count(), 0);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a macro runs its actions with one click on a record and on the selected records of a list', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await newRule(page);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Cool down');
    await page.getByRole('combobox', { name: 'Module', exact: true }).selectOption({ label: 'Leads' });
    await page.getByRole('combobox', { name: 'When', exact: true }).selectOption({ label: 'run by hand (a macro)' });
    await page.getByRole('button', { name: 'Add rule action', exact: true }).click();
    const row = page.getByRole('group', { name: 'Rule action 1', exact: true });
    await row.getByRole('combobox', { name: 'Action', exact: true }).selectOption({ label: 'set a field' });
    await row.getByRole('textbox', { name: 'Field to set', exact: true }).fill('Rating');
    await row.getByRole('textbox', { name: 'New value', exact: true }).fill('Cold');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Cool down').waitFor();

    // On one lead's page.
    await nav(page, 'Leads').click();
    await heading(page, 'Leads').waitFor();
    const first = page.locator('tbody tr[data-slot] th a').first();
    const name = (await first.textContent()).trim();
    await first.click();
    await heading(page, name).waitFor();
    await page.getByRole('button', { name: 'Run “Cool down”', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '“Cool down” ran on 1 record.' }).waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.field-row')].some((r) => r.querySelector('dt')?.textContent === 'Rating' && r.querySelector('dd')?.textContent.trim() === 'Cold'),
    );
    await page.getByRole('link', { name: 'Rule “Cool down”: done' }).waitFor();

    // On two selected in the list.
    await nav(page, 'Leads').click();
    await heading(page, 'Leads').waitFor();
    const ticks = page.locator('tbody tr[data-slot] input[type=checkbox]');
    await ticks.nth(1).check();
    await ticks.nth(2).check();
    const bar = page.getByRole('region', { name: /selected$/ });
    await bar.getByRole('heading', { name: '2 selected' }).waitFor();
    await bar.getByRole('button', { name: 'Run “Cool down”', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '“Cool down” ran on 2 records.' }).waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a transition rule keeps a deal out of Negotiation until its amount and close date are filled, on the board and the form', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Settings').click();
    await page.getByRole('link', { name: 'Transition rules', exact: true }).click();
    await heading(page, 'Transition rules').waitFor();
    await page.getByRole('link', { name: 'New transition rule', exact: true }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Ready to negotiate');
    await page.getByRole('combobox', { name: 'Module', exact: true }).selectOption({ label: 'Deals' });
    await page.getByRole('textbox', { name: 'Field', exact: true }).fill('Stage');
    await page.getByRole('textbox', { name: 'To', exact: true }).fill('Negotiation');
    // A field the module lacks is refused, named.
    await page.getByRole('textbox', { name: 'Fields to fill first', exact: true }).fill('Amount, Colour');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Fields to fill first: no field named “Colour” in this module.').waitFor();
    await page.getByRole('textbox', { name: 'Fields to fill first', exact: true }).fill('Amount, Expected close');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Ready to negotiate').waitFor();

    await nav(page, 'Deals').click();
    await page.getByRole('link', { name: 'New deal', exact: true }).click();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Blueprint deal');
    await page.getByRole('combobox', { name: 'Pipeline', exact: true }).selectOption({ label: 'New business' });
    await page.getByRole('combobox', { name: 'Stage', exact: true }).selectOption({ label: 'Qualification' });
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Blueprint deal').waitFor();

    // On the board: the move is refused with the reason and the card stays.
    await nav(page, 'Board').click();
    await page.getByLabel('Pipeline', { exact: true }).selectOption({ label: 'New business' });
    const move = page.getByRole('combobox', { name: 'Move “Blueprint deal” to stage' });
    await move.selectOption({ label: 'Negotiation' });
    await page.getByRole('button', { name: 'Move “Blueprint deal”', exact: true }).click();
    await page.getByText('Stage: fill in Amount, Expected close first.').first().waitFor();
    await column(page, 'Qualification').getByRole('article', { name: 'Blueprint deal' }).waitFor();

    // On the form: the same words at the field; filled in, the move goes.
    await page.getByRole('link', { name: 'Blueprint deal' }).first().click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('combobox', { name: 'Stage', exact: true }).selectOption({ label: 'Negotiation' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Stage: fill in Amount, Expected close first.').first().waitFor();
    await page.getByLabel('Amount', { exact: true }).fill('12000');
    await page.getByLabel('Expected close', { exact: true }).fill('2027-03-01');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Blueprint deal').waitFor();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('an email template fills a contact’s fields into an .eml file and logs the email on the timeline', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-eml-'));
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Settings').click();
    await page.getByRole('link', { name: 'Email templates', exact: true }).click();
    await page.getByRole('link', { name: 'New email template', exact: true }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Follow-up');
    await page.getByRole('combobox', { name: 'Module', exact: true }).selectOption({ label: 'Contacts' });
    await page.getByRole('textbox', { name: 'Subject', exact: true }).fill('Hello {{first_name|there}}');
    // An unknown merge field is refused, named.
    await page.getByRole('textbox', { name: 'Body', exact: true }).fill('About {{company.colour}}');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Body: no field named “company.colour” in this module.').waitFor();
    await page.getByRole('textbox', { name: 'Body', exact: true }).fill('Dear {{first_name}},\nabout {{company.name|your company}}.');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Follow-up').waitFor();

    await nav(page, 'Contacts').click();
    await heading(page, 'Contacts').waitFor();
    await page.getByLabel('Search Contacts').fill('Anna');
    const link = page.locator('tbody tr[data-slot] th a').first();
    const name = (await link.textContent()).trim();
    await link.click();
    await heading(page, name).waitFor();
    const first = name.split(' ')[0];
    const { file } = await downloadVia(page, 'Download .eml', dir);
    const eml = fs.readFileSync(file, 'utf8');
    const subject = /^Subject: (.*)$/m.exec(eml)[1];
    const decoded = subject.startsWith('=?UTF-8?B?')
      ? Buffer.from(subject.slice(10, -2), 'base64').toString('utf8')
      : subject;
    assert.equal(decoded, `Hello ${first}`);
    const body = Buffer.from(eml.split('\r\n\r\n')[1].replace(/\r\n/g, ''), 'base64').toString('utf8');
    assert.match(body, new RegExp(`^Dear ${first},\r\nabout .+\\.$`));
    assert.doesNotMatch(body, /\{\{/);
    await page.getByRole('status').filter({ hasText: `Logged the email “Hello ${first}” on the timeline.` }).waitFor();
    await page.locator('.timeline').getByRole('link', { name: `Hello ${first}` }).waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a sequence: an alert at once, then after a two-day wait a task, which comes when the app is next opened', async () => {
  const app = await openApp(env.browser, env.server.url);
  let { page } = app;
  try {
    await ready(page);
    await newRule(page);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Welcome sequence');
    await page.getByRole('combobox', { name: 'Module', exact: true }).selectOption({ label: 'Deals' });
    const add = page.getByRole('button', { name: 'Add rule action', exact: true });
    const steps = [
      { action: 'alert the owner', text: 'New deal to welcome' },
      { action: 'wait some days, then go on', days: '2' },
      { action: 'create a task for the owner', text: 'Check in' },
    ];
    for (const [i, s] of steps.entries()) {
      await add.click();
      const row = page.getByRole('group', { name: `Rule action ${i + 1}`, exact: true });
      await row.getByRole('combobox', { name: 'Action', exact: true }).selectOption({ label: s.action });
      if (s.text) await row.getByRole('textbox', { name: 'Subject or message', exact: true }).fill(s.text);
      if (s.days) await row.getByRole('textbox', { name: 'Due in days', exact: true }).fill(s.days);
      await row.getByRole('textbox', { name: 'Step', exact: true }).fill(String(i + 1));
    }
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Welcome sequence').waitFor();

    await nav(page, 'Deals').click();
    await page.getByRole('link', { name: 'New deal', exact: true }).click();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Sequenced deal');
    await page.getByRole('combobox', { name: 'Pipeline', exact: true }).selectOption({ label: 'New business' });
    await page.getByRole('combobox', { name: 'Stage', exact: true }).selectOption({ label: 'Qualification' });
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Sequenced deal').waitFor();
    await page.getByRole('button', { name: 'Alerts: 1 unread', exact: true }).waitFor();
    await nav(page, 'Settings').click();
    await page.getByRole('link', { name: 'Waiting runs', exact: true }).click();
    await page.getByRole('row').filter({ hasText: 'Sequenced deal' }).waitFor();
    await nav(page, 'My work').click();
    await heading(page, 'My work').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Check in' }).count(), 0, 'not before the wait');

    await page.close();
    await app.context.clock.install({ time: new Date(Date.now() + 3 * 86_400_000) });
    page = await app.context.newPage();
    page.on('pageerror', (e) => app.errors.push(String(e)));
    await page.goto(env.server.url);
    await ready(page);
    await page.getByRole('status').filter({ hasText: '1 rule ran for dates reached while the app was closed.' }).waitFor();
    await nav(page, 'My work').click();
    await page.getByRole('link', { name: 'Check in' }).first().waitFor();
    await nav(page, 'Settings').click();
    await page.getByRole('link', { name: 'Waiting runs', exact: true }).click();
    await heading(page, 'Waiting runs').waitFor();
    await page.getByText('Nothing here yet: the app adds these as rules run.').waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
