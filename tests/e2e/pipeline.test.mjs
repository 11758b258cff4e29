// End-to-end: the sales pipeline as a person uses it — custom stages, a deal moved by
// drag and drop and by keyboard (shown at once, put back when its save fails), a
// stage removed with its deals reassigned, and a recurring task completed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, fieldValue, ready, loadSample } from './harness.mjs';

const env = useAppServer();

const column = (page, name) => page.getByRole('region', { name, exact: true });
const card = (scope, name) => scope.getByRole('article', { name, exact: true });

async function addStage(page, name, probability) {
  await page.getByLabel('Stage name', { exact: true }).fill(name);
  await page.getByLabel('Win probability (%)', { exact: true }).fill(probability);
  await page.getByRole('button', { name: 'Add stage' }).click();
  await page.getByRole('textbox', { name: /^Name of stage/ }).filter({ hasText: '' }).first().waitFor();
}

test('a deal in a custom pipeline moves by drag and drop, survives a reload, and its timeline shows the move', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Settings').click();
    await heading(page, 'Settings').waitFor();
    await page.getByRole('link', { name: 'Pipelines and stages' }).click();
    await heading(page, 'Pipelines and stages').waitFor();
    await page.getByRole('link', { name: 'New pipeline' }).click();

    // A nameless pipeline is refused with a message, and nothing is written.
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await page.getByRole('alert').filter({ hasText: 'name' }).waitFor();

    await page.getByLabel('Pipeline name').fill('Enterprise');
    await addStage(page, 'Discovery', '20');
    await addStage(page, 'Demo', '60');
    // A probability over 100 is refused and adds nothing.
    await page.getByLabel('Stage name', { exact: true }).fill('Impossible');
    await page.getByLabel('Win probability (%)', { exact: true }).fill('140');
    await page.getByRole('button', { name: 'Add stage' }).click();
    await page.getByRole('alert').filter({ hasText: '100' }).waitFor();
    const names = await page.getByRole('textbox', { name: /^Name of stage/ }).evaluateAll((els) => els.map((e) => e.value));
    assert.deepEqual(names, ['Qualification', 'Discovery', 'Demo', 'Won', 'Lost']);
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await page.getByRole('status').filter({ hasText: 'Pipeline saved.' }).waitFor();
    await heading(page, 'Pipeline board').waitFor();
    assert.equal(await page.getByLabel('Pipeline', { exact: true }).locator('option:checked').textContent(), 'Enterprise');

    // A deal created from the board starts in the chosen pipeline.
    await page.getByRole('link', { name: 'New deal' }).click();
    await heading(page, 'New deal').waitFor();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Big Rollout');
    await page.getByLabel('Amount', { exact: true }).fill('5000');
    await page.getByLabel('Currency', { exact: true }).fill('EUR');
    await page.getByRole('combobox', { name: 'Stage', exact: true }).selectOption({ label: 'Discovery' });
    await page.getByRole('button', { name: 'Save' }).click();
    // Saved from the board: back on the board, the new deal a click away.
    await heading(page, 'Pipeline board').waitFor();
    await page.getByRole('status').getByRole('button', { name: 'Open “Big Rollout”' }).click();
    await heading(page, 'Big Rollout').waitFor();
    const probability = fieldValue(page, 'Probability');
    assert.equal((await probability.textContent()).trim(), '20%');

    await nav(page, 'Board').click();
    await heading(page, 'Pipeline board').waitFor();
    await page.getByLabel('Pipeline', { exact: true }).selectOption({ label: 'Enterprise' });
    await card(column(page, 'Discovery'), 'Big Rollout').waitFor();
    // Dropped on the column's head, which is in view: a target that needs scrolling
    // would move the page between mouse-down and the drag's start.
    await card(column(page, 'Discovery'), 'Big Rollout').dragTo(column(page, 'Demo').locator('header'));
    await page.getByRole('status').filter({ hasText: '“Big Rollout” moved.' }).waitFor();
    await card(column(page, 'Demo'), 'Big Rollout').waitFor();

    await page.reload();
    await ready(page);
    const moved = card(column(page, 'Demo'), 'Big Rollout');
    await moved.waitFor();
    assert.match(await moved.textContent(), /60%/, 'the probability followed the stage');
    assert.equal(await card(column(page, 'Discovery'), 'Big Rollout').count(), 0);
    assert.match(await column(page, 'Demo').locator('header').textContent(), /1 deal/);

    await moved.getByRole('link', { name: 'Big Rollout' }).click();
    await heading(page, 'Big Rollout').waitFor();
    assert.equal((await probability.textContent()).trim(), '60%');
    const timeline = page.locator('section', { has: page.getByRole('heading', { name: 'Timeline' }) });
    await timeline.getByText('Stage: Discovery → Demo').waitFor();
    await timeline.getByText('Probability: 20% → 60%').waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('from the keyboard: move to lost asks for the reason; removing a stage moves its deals', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Board').click();
    await page.getByLabel('Pipeline', { exact: true }).selectOption({ label: 'New business' });
    const first = column(page, 'Qualification').getByRole('article').first();
    const title = await first.getAttribute('aria-label');

    const move = page.getByRole('combobox', { name: `Move “${title}” to stage` });
    const lostId = await move.getAttribute('id');
    await move.focus();
    await move.selectOption({ label: 'Lost' });
    await page.getByRole('button', { name: `Move “${title}”`, exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Why was this deal lost?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Mark as lost' }).click();
    await dialog.getByText('Choose why the deal was lost.').waitFor();
    await dialog.getByLabel('Loss reason').selectOption({ label: 'Went to a competitor' });
    await dialog.getByRole('button', { name: 'Mark as lost' }).click();
    await page.getByRole('status').filter({ hasText: `“${title}” moved.` }).waitFor();
    await card(column(page, 'Lost'), title).waitFor();
    // After "Mark as lost" the focus is back on the card, in its new column.
    await page.waitForFunction((want) => document.activeElement?.id === want, lostId);

    // Remove "Proposal" while it holds deals: the editor asks where they go.
    const held = await column(page, 'Proposal').getByRole('article').count();
    assert.ok(held > 0);
    await page.getByRole('link', { name: 'Edit stages' }).click();
    await heading(page, 'Pipelines and stages').waitFor();
    await page.getByRole('button', { name: 'Remove “Proposal”' }).click();
    const ask = page.getByRole('alertdialog');
    await ask.getByLabel(/Move its \d+ deals? to/).selectOption({ label: 'Negotiation' });
    await ask.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await page.getByRole('status').filter({ hasText: 'Pipeline saved.' }).waitFor();
    await page.reload();
    await ready(page);
    assert.equal(await column(page, 'Proposal').count(), 0);
    const negotiation = await column(page, 'Negotiation').locator('header').textContent();
    assert.match(negotiation, new RegExp(`${5 + held} deals`));
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

// Holds a write transaction on the app's records from a second connection (as another
// tab would), so the app's next save waits behind it; `settle` lets it go, after
// bumping a deal's stored revision when asked, which makes the app's save a conflict.
async function holdRecords(page) {
  await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('local-crm');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('records', 'readwrite');
      const store = tx.objectStore('records');
      const hold = (window.__hold = { release: false, bump: null });
      tx.oncomplete = () => db.close();
      // A transaction stays open only while it has requests: keep asking.
      const spin = () => {
        if (hold.bump) {
          const id = hold.bump;
          hold.bump = null;
          store.get(id).onsuccess = (e) => {
            const entry = e.target.result;
            const doc = JSON.parse(entry.doc);
            doc.revision += 1;
            store.put({ ...entry, doc: JSON.stringify(doc) }).onsuccess = spin;
          };
        } else if (!hold.release) {
          store.get('').onsuccess = spin;
        }
      };
      spin();
      resolve();
    };
  }));
  return {
    settle: (bump = null) => page.evaluate((id) => { window.__hold.bump = id; window.__hold.release = true; }, bump),
  };
}

test('a moved card shows in its new column at once while saving; a failed save puts it back and says why', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Board').click();
    await page.getByLabel('Pipeline', { exact: true }).selectOption({ label: 'New business' });
    const head = (name) => column(page, name).locator('header').textContent();
    const heads = async () => [await head('Qualification'), await head('Proposal'), await head('Negotiation')];
    const before = await heads();

    // Committed: shown at once, marked as saving, and "moved" only after the commit.
    let title = await column(page, 'Qualification').getByRole('article').first().getAttribute('aria-label');
    let hold = await holdRecords(page);
    await page.getByRole('combobox', { name: `Move “${title}” to stage` }).selectOption({ label: 'Proposal' });
    await page.getByRole('button', { name: `Move “${title}”`, exact: true }).click();
    let moving = card(column(page, 'Proposal'), title);
    await moving.waitFor();
    assert.equal(await moving.getAttribute('aria-busy'), 'true');
    assert.match(await moving.textContent(), /Saving…/);
    assert.equal(await card(column(page, 'Qualification'), title).count(), 0);
    assert.notEqual(await head('Proposal'), before[1], 'the totals count the card where it is shown');
    assert.equal(await page.getByRole('status').filter({ hasText: `“${title}” moved.` }).count(), 0, 'not said before the commit');
    await hold.settle();
    await page.getByRole('status').filter({ hasText: `“${title}” moved.` }).waitFor();
    await page.locator('.deal-card:not([aria-busy])', { hasText: title }).waitFor();
    assert.match(await card(column(page, 'Proposal'), title).textContent(), /50%/, 'the stage probability');
    const afterMove = await heads();

    // Failed: another tab saved the deal meanwhile, so this save is refused.
    title = await column(page, 'Qualification').getByRole('article').first().getAttribute('aria-label');
    const select = page.getByRole('combobox', { name: `Move “${title}” to stage` });
    const id = (await select.getAttribute('id')).replace(/^move-/, '');
    hold = await holdRecords(page);
    await select.focus();
    await select.selectOption({ label: 'Negotiation' });
    await select.press('Enter');
    moving = card(column(page, 'Negotiation'), title);
    await moving.waitFor();
    assert.equal(await moving.getAttribute('aria-busy'), 'true');
    await hold.settle(id);
    await page.getByRole('alert').filter({ hasText: `“${title}” stays in Qualification. Not saved: this record was changed in another tab` }).waitFor();
    await card(column(page, 'Qualification'), title).waitFor();
    assert.equal(await card(column(page, 'Negotiation'), title).count(), 0);
    assert.equal(await card(column(page, 'Qualification'), title).getAttribute('aria-busy'), null);
    assert.deepEqual(await heads(), afterMove, 'the totals are back as they were');
    // The keyboard user's focus followed the card there and back.
    assert.equal(await page.evaluate(() => document.activeElement?.id), `move-${id}`);

    await page.reload();
    await ready(page);
    await card(column(page, 'Qualification'), title).waitFor();
    assert.equal(await card(column(page, 'Negotiation'), title).count(), 0);
    assert.deepEqual(await heads(), afterMove, 'nothing else changed');
    assert.notDeepEqual(afterMove, before);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('completing a recurring task creates its next occurrence', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Activities').click();
    await page.getByRole('link', { name: 'New activity' }).first().click();
    await heading(page, 'New activity').waitFor();
    await page.getByRole('textbox', { name: 'Subject', exact: true }).fill('Weekly report');
    await page.getByLabel('Due', { exact: true }).fill('2026-11-23T09:00');
    await page.getByLabel('Repeats', { exact: true }).selectOption({ label: 'Weekly' });
    // Weekly without days is refused, naming the field.
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'Please correct' }).waitFor();
    await page.getByRole('checkbox', { name: 'Monday' }).check();
    await page.getByRole('checkbox', { name: 'Thursday' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(page, 'Weekly report').waitFor();

    await nav(page, 'My work').click();
    await heading(page, 'My work').waitFor();
    await page.getByRole('button', { name: 'Complete “Weekly report”' }).click();
    await page.getByRole('status').filter({ hasText: 'Marked as done.' }).waitFor();
    // The next occurrence is there, still open, on the Thursday after.
    await page.getByRole('button', { name: 'Complete “Weekly report”' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Weekly report' }).count(), 1);
    await page.getByRole('link', { name: 'Weekly report' }).click();
    await heading(page, 'Weekly report').waitFor();
    const row = (name) => fieldValue(page, name);
    assert.match(await row('Due').textContent(), /Nov 26, 2026/);
    assert.equal((await row('Occurrence').textContent()).trim(), '2');
    assert.equal((await row('Done').textContent()).trim(), 'No');

    await page.reload();
    await ready(page);
    await nav(page, 'Activities').click();
    await page.getByLabel('Search Activities').fill('weekly report');
    await page.getByRole('status').filter({ hasText: '2 records' }).waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('the calendar adds an activity on the chosen day and shows it in month and week', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Calendar').click();
    await heading(page, /^Calendar: /).waitFor();
    const days = page.getByRole('link', { name: /^Add an activity on / });
    assert.ok((await days.count()) >= 28);
    const add = days.nth(10);
    const label = await add.getAttribute('aria-label');
    await add.click();
    await heading(page, 'New activity').waitFor();
    const due = await page.getByLabel('Due', { exact: true }).inputValue();
    assert.match(due, /^\d{4}-\d{2}-\d{2}T09:00$/);
    await page.getByRole('textbox', { name: 'Subject', exact: true }).fill('Site visit');
    await page.getByRole('combobox', { name: 'Type', exact: true }).selectOption({ label: 'Meeting' });
    await page.getByRole('button', { name: 'Save' }).click();
    // Saved from the calendar: back on the calendar, the activity a click away.
    await heading(page, /^Calendar: /).waitFor();
    await page.getByRole('status').getByRole('button', { name: 'Open “Site visit”' }).click();
    await heading(page, 'Site visit').waitFor();

    await nav(page, 'Calendar').click();
    const cell = page.getByRole('listitem', { name: label.replace('Add an activity on ', '') });
    await cell.getByRole('link', { name: /09:00\s+Site visit/ }).waitFor();
    await page.getByRole('link', { name: 'Week', exact: true }).click();
    await heading(page, /^Calendar: .+ – /).waitFor();
    assert.equal(await page.locator('.calendar-day').count(), 7);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
