// End-to-end: board cards are readable on a 1366 px laptop, in English and Persian:
// the title in full (up to two lines), amount, close date and owner not cut; a
// column off-screen is reached with "Go to column" or by dragging to the edge; a
// mixed Persian/Latin title keeps its order (each part isolated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();
const LAPTOP = { viewport: { width: 1366, height: 900 } };

/** Parts of the first cards that are cut (text wider or taller than its box). */
const cutParts = (page) =>
  page.evaluate(() => {
    const cut = [];
    for (const card of [...document.querySelectorAll('.deal-card')].slice(0, 12)) {
      const h3 = card.querySelector('h3');
      if (h3.scrollHeight > h3.clientHeight + 1) cut.push(`title: ${h3.textContent}`);
      for (const part of card.querySelectorAll('.amount, .close, .owner bdi, .pct')) {
        if (part.scrollWidth > part.clientWidth + 1) cut.push(`${part.className || 'owner'}: ${part.textContent}`);
      }
    }
    return cut;
  });

for (const lang of ['en', 'fa']) {
  test(`board cards at 1366 px in ${lang} show title, amount, date and owner whole; every column is reachable`, async () => {
    const app = await openApp(env.browser, env.server.url, { contextOptions: LAPTOP });
    const { page } = app;
    try {
      await ready(page);
      await loadSample(page);
      await nav(page, 'Board').click();
      await heading(page, 'Pipeline board').waitFor();
      if (lang === 'fa') {
        await page.getByRole('combobox', { name: 'Language' }).selectOption('fa');
        await page.locator('html[dir="rtl"]').waitFor();
      }
      await page.locator('.deal-card').first().waitFor();
      assert.deepEqual(await cutParts(page), [], 'nothing on the first cards is cut');
      const titles = await page.locator('.deal-card h3').evaluateAll((hs) => hs.slice(0, 12).map((h) => h.textContent));
      assert.ok(titles.every((t) => t.length > 10), `full titles: ${titles}`);

      // The last column (Lost) is off-screen; "Go to column" brings it whole into view.
      const goto = page.getByRole('combobox', { name: lang === 'fa' ? 'رفتن به ستون' : 'Go to column' });
      const last = await goto.locator('option').last().getAttribute('value');
      const inView = (id) =>
        page.evaluate((id) => {
          const r = document.getElementById(`column-${id}`).getBoundingClientRect();
          return r.left >= -1 && r.right <= window.innerWidth + 1;
        }, id);
      assert.equal(await inView(last), false, 'the last column starts off-screen');
      await goto.selectOption(last);
      await page.waitForFunction(
        (id) => {
          const r = document.getElementById(`column-${id}`).getBoundingClientRect();
          return r.left >= -1 && r.right <= window.innerWidth + 1;
        },
        last,
      );

      // Dragging near the board's far edge scrolls it that way.
      const board = page.locator('.board');
      const before = await board.evaluate((b) => b.scrollLeft);
      const first = await goto.locator('option').first().getAttribute('value');
      await goto.selectOption(first);
      await page.waitForFunction((b) => Math.abs(document.querySelector('.board').scrollLeft) < 2, before);
      const box = await board.boundingBox();
      const edgeX = lang === 'fa' ? box.x + 10 : box.x + box.width - 10;
      await board.evaluate((b, x) => {
        for (let i = 0; i < 10; i++) {
          b.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, clientX: x, clientY: 400 }));
        }
      }, edgeX);
      const after = await board.evaluate((b) => Math.abs(b.scrollLeft));
      assert.ok(after >= 100, `the board scrolled while dragging at its edge: ${after}`);
      assertNoErrors(app);
    } finally {
      await app.context.close();
    }
  });
}

test('a mixed Persian and Latin title keeps its parts in order on the card', async () => {
  const app = await openApp(env.browser, env.server.url, { contextOptions: LAPTOP });
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Board').click();
    await heading(page, 'Pipeline board').waitFor();
    await page.getByRole('link', { name: 'New deal' }).click();
    const title = 'قرارداد Nordic AB 2027 تمدید';
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
    await page.getByRole('button', { name: 'Save' }).click();
    // Saved from the board: back on the board.
    await heading(page, 'Pipeline board').waitFor();
    const card = page.locator('.deal-card', { has: page.getByRole('link', { name: title }) });
    await card.waitFor();
    // The title is its own isolate, so its direction comes from its own first letter
    // and the card's other parts do not reorder it.
    const iso = card.locator('h3 a bdi');
    assert.equal(await iso.textContent(), title);
    assert.equal(await iso.evaluate((b) => getComputedStyle(b).unicodeBidi), 'isolate');
    assert.equal(await card.locator('.owner bdi').evaluate((b) => getComputedStyle(b).unicodeBidi), 'isolate');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
