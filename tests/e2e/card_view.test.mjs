// End-to-end: a list shown as cards — initials, the title as a link, the list's other
// columns as named lines; only the cards near the view exist, and scrolling brings the
// rest; the choice stays when the user comes back; on a phone in Persian one card to
// a row, inside the screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample, loadSampleInPersian, openPersianPhone } from './harness.mjs';

const env = useAppServer();

test('a list shows as cards, drawn as they scroll into view, and keeps the choice', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Contacts').click();
    await heading(page, 'Contacts').waitFor();
    const total = Number((await page.locator('.result-count').textContent()).match(/\d+/)[0]);
    const show = page.getByRole('group', { name: 'Show as' });
    await show.getByRole('button', { name: 'Cards' }).click();
    assert.equal(await show.getByRole('button', { name: 'Cards' }).getAttribute('aria-pressed'), 'true');
    const grid = page.getByRole('region', { name: 'Contacts as cards' });
    const cards = grid.getByRole('article');
    await cards.first().waitFor();
    const first = cards.first();
    const title = (await first.getByRole('heading').textContent()).trim();
    const badge = (await first.locator('.initials').textContent()).trim();
    assert.equal(badge, title.split(/\s+/).slice(0, 2).map((w) => w[0].toUpperCase()).join(''));
    assert.match(await first.locator('dl').textContent(), /Company/);
    const drawn = await cards.count();
    assert.ok(drawn > 0 && drawn < total, `only the cards near the view exist: ${drawn} of ${total}`);
    const before = await cards.evaluateAll((all) => all.map((a) => a.id || a.getAttribute('aria-labelledby')));
    await grid.evaluate((g) => { g.scrollTop = g.scrollHeight; });
    await page.waitForFunction((ids) => {
      const now = [...document.querySelectorAll('.record-card')].map((a) => a.getAttribute('aria-labelledby'));
      return now.length > 0 && !now.includes(ids[0]);
    }, before);
    // A card opens its record; coming back, the list is still cards.
    await grid.evaluate((g) => { g.scrollTop = 0; });
    await cards.first().getByRole('link').click();
    await heading(page, title).waitFor();
    await page.goBack();
    await grid.getByRole('article').first().waitFor();
    await show.getByRole('button', { name: 'Table' }).click();
    await page.locator('table.records tbody tr[data-slot]').first().waitFor();
    assert.equal(await grid.count(), 0);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('on a phone in Persian the cards stand one to a row inside the screen', async () => {
  const app = await openPersianPhone(env);
  const { page } = app;
  try {
    await page.evaluate(() => { location.hash = '#/m/contacts'; });
    await page.getByRole('heading', { level: 1, name: 'مخاطبان' }).waitFor();
    await page.getByRole('group', { name: 'نمایش به‌صورت' }).getByRole('button', { name: 'کارت‌ها' }).click();
    const cards = page.getByRole('region', { name: 'مخاطبان به‌صورت کارت' }).getByRole('article');
    await cards.nth(1).waitFor();
    const a = await cards.nth(0).boundingBox();
    const b = await cards.nth(1).boundingBox();
    assert.ok(b.y > a.y + a.height - 1, `one card to a row: ${JSON.stringify([a, b])}`);
    assert.ok(a.x >= 0 && a.x + a.width <= 390, `inside the screen: ${JSON.stringify(a)}`);
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `no sideways scroll: ${scroll} > ${width}`);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
