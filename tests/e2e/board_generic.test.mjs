// End-to-end: the board is one generic board over module definitions — a deal started
// from a stage column is in that stage and pipeline, and the leads get a board by
// status whose cards move from the keyboard, with no lead-specific page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();

const column = (page, name) => page.getByRole('region', { name, exact: true });
const checked = (select) => select.locator('option:checked').textContent();

test('a deal started from a stage column has that stage and pipeline chosen', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Board').click();
    await heading(page, 'Pipeline board').waitFor();
    await page.getByLabel('Pipeline', { exact: true }).selectOption({ label: 'New business' });

    await column(page, 'Proposal').getByRole('link', { name: 'Add to Proposal' }).click();
    await heading(page, 'New deal').waitFor();
    const stage = page.getByRole('combobox', { name: 'Stage', exact: true });
    const pipeline = page.getByRole('combobox', { name: 'Pipeline', exact: true });
    assert.equal(await checked(stage), 'Proposal');
    assert.equal(await checked(pipeline), 'New business');

    // The board's own "New deal" starts in the pipeline's first stage, not in none.
    await page.goBack();
    await heading(page, 'Pipeline board').waitFor();
    await page.getByRole('link', { name: 'New deal', exact: true }).click();
    await heading(page, 'New deal').waitFor();
    assert.equal(await checked(stage), 'Qualification');
    assert.equal(await checked(pipeline), 'New business');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('the leads board has a column per status and a card moves between them from the keyboard', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Board').click();
    await page.getByRole('navigation', { name: 'Boards' }).getByRole('link', { name: 'Leads', exact: true }).click();
    await heading(page, 'Leads board').waitFor();
    assert.match(page.url(), /#\/m\/leads\/board$/);
    const names = await page.locator('.board-column h2').allTextContents();
    assert.deepEqual(names, [
      'New', 'Marketing qualified (MQL)', 'Marketing accepted', 'Sales accepted',
      'Sales qualified (SQL)', 'Converted', 'Junk', 'Dead',
    ]);

    // Sample leads can share a name: the card is followed by its select's id.
    const first = column(page, 'New').getByRole('article').first();
    const title = await first.getAttribute('aria-label');
    const move = first.getByRole('combobox', { name: `Move “${title}” to status` });
    const id = await move.getAttribute('id');
    const select = (scope) => scope.locator(`[id="${id}"]`);
    const before = await column(page, 'Marketing accepted').getByRole('article').count();
    // Arrow keys on the closed select change only the choice: nothing moves.
    await move.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(500);
    assert.equal(await page.getByRole('status').filter({ hasText: 'moved' }).count(), 0);
    assert.equal(await select(column(page, 'New')).count(), 1, 'still in its column');
    assert.equal(await first.getAttribute('aria-busy'), null, 'not saving');
    // The choice is made, then the Move button (reached by Tab) moves it.
    await move.selectOption({ label: 'Marketing accepted' });
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `Move “${title}”`);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `“${title}” moved.` }).waitFor();
    await select(column(page, 'Marketing accepted')).waitFor();
    assert.equal(await column(page, 'Marketing accepted').getByRole('article').count(), before + 1);
    assert.equal(await select(column(page, 'New')).count(), 0);
    // The keyboard user's focus followed the card.
    await page.waitForFunction((want) => document.activeElement?.id === want, id);

    // Undo in the announcement moves it back.
    await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await select(column(page, 'New')).waitFor();
    assert.equal(await select(column(page, 'Marketing accepted')).count(), 0);
    await page.getByRole('status').filter({ hasText: `“${title}” moved.` }).waitFor();
    // Undone too, after a reload; then moved again by Enter in the select.
    await page.reload();
    await ready(page);
    await select(column(page, 'New')).waitFor();
    const again = column(page, 'New').getByRole('combobox', { name: `Move “${title}” to status` });
    await again.selectOption({ label: 'Marketing accepted' });
    await again.press('Enter');
    await select(column(page, 'Marketing accepted')).waitFor();

    // The move was saved: after a reload the card is still in its new column.
    await page.reload();
    await ready(page);
    await select(column(page, 'Marketing accepted')).waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
