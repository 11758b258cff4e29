// End-to-end: a shell that scales to every module and to a phone. The navigation is
// grouped by area (collapsible, remembered) with the user's pinned views; a skip
// link leads to the content; the document's title names the page and the record;
// on a 390 px phone the navigation is behind a Menu button, lists are stacked rows,
// the board shows one column at a time and the calendar reads as an agenda, and no
// page scrolls sideways, in English or Persian.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const LAPTOP = { viewport: { width: 1366, height: 900 } };

const mainNav = (page) => page.getByRole('navigation', { name: /^(Main|اصلی)$/ });
const area = (page, name) => mainNav(page).getByRole('button', { name, exact: true });

/** How far the page itself can scroll sideways (0: not at all). */
const sideways = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Waits for the page's main heading, then for two frames (the title follows it). */
async function settled(page) {
  await page.locator('main h1').first().waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

test('the navigation is grouped by area, each group folds and stays folded after a reload', async () => {
  const app = await openApp(env.browser, env.server.url, { contextOptions: LAPTOP });
  const { page } = app;
  try {
    await ready(page);
    for (const name of ['Sales', 'Work', 'Insight', 'Settings']) {
      assert.equal(await area(page, name).getAttribute('aria-expanded'), 'true', name);
    }
    // The links sit in their areas.
    const inArea = async (name) =>
      mainNav(page).locator(`#${await area(page, name).getAttribute('aria-controls')}`).getByRole('link').allTextContents();
    assert.deepEqual(await inArea('Sales'), ['Companies', 'Contacts', 'Leads', 'Deals', 'Board']);
    assert.deepEqual(await inArea('Work'), ['Activities', 'My work', 'Calendar']);
    assert.deepEqual(await inArea('Insight'), ['Dashboards', 'Reports']);
    assert.deepEqual(await inArea('Settings'), ['Settings', 'Backup']);
    // No empty area is shown.
    assert.equal(await area(page, 'Service').count(), 0);

    await area(page, 'Sales').click();
    assert.equal(await area(page, 'Sales').getAttribute('aria-expanded'), 'false');
    assert.equal(await nav(page, 'Companies').isVisible(), false);
    await page.reload();
    await ready(page);
    assert.equal(await area(page, 'Sales').getAttribute('aria-expanded'), 'false', 'remembered');
    // The keyboard opens it again.
    await area(page, 'Sales').focus();
    await page.keyboard.press('Enter');
    await nav(page, 'Companies').click();
    await heading(page, 'Companies').waitFor();
    assert.equal(await nav(page, 'Companies').getAttribute('aria-current'), 'page');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('the skip link leads to the content, and the title names the page and the record', async () => {
  const app = await openApp(env.browser, env.server.url, { contextOptions: LAPTOP });
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    assert.ok(await skip.evaluate((el) => el === document.activeElement), 'the first Tab stop');
    assert.ok((await skip.boundingBox()).y >= 0, 'shown when focused');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    assert.equal(await page.evaluate(() => location.hash), '', 'the route stays');

    await nav(page, 'Companies').click();
    await heading(page, 'Companies').waitFor();
    await settled(page);
    assert.equal(await page.title(), 'Companies — Local CRM');
    const first = page.locator('tbody tr[data-slot] th a').first();
    const name = (await first.textContent()).trim();
    await first.click();
    await heading(page, name).waitFor();
    await settled(page);
    assert.equal(await page.title(), `${name} — Companies — Local CRM`);
    await nav(page, 'Board').click();
    await heading(page, 'Pipeline board').waitFor();
    await settled(page);
    assert.equal(await page.title(), 'Pipeline board — Local CRM');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a page pinned under a name of its own is in the menu after a reload, and can be unpinned', async () => {
  const app = await openApp(env.browser, env.server.url, { contextOptions: LAPTOP });
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Deals').click();
    await heading(page, 'Deals').waitFor();
    await mainNav(page).getByRole('button', { name: 'Pin this page' }).click();
    const name = mainNav(page).getByRole('textbox', { name: 'Name of the pin' });
    assert.equal(await name.inputValue(), 'Deals', 'starts as the page heading');
    await name.fill('Deals to chase');
    await name.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Pinned “Deals to chase” to the menu.' }).waitFor();
    const pin = nav(page, 'Deals to chase');
    assert.equal(await pin.getAttribute('aria-current'), 'page');

    await nav(page, 'Home').click();
    await page.reload();
    await ready(page);
    await pin.click();
    await heading(page, 'Deals').waitFor();
    // An empty name is refused with a reason; nothing is pinned.
    await nav(page, 'Contacts').click();
    await mainNav(page).getByRole('button', { name: 'Pin this page' }).click();
    await name.fill('  ');
    await mainNav(page).getByRole('button', { name: 'Pin', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Give the pin a name.' }).waitFor();
    await mainNav(page).getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await mainNav(page).locator('.pin').count(), 1);

    await mainNav(page).getByRole('button', { name: 'Unpin Deals to chase' }).click();
    assert.equal(await pin.count(), 0);
    await page.reload();
    await ready(page);
    assert.equal(await nav(page, 'Deals to chase').count(), 0, 'stays unpinned');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

for (const lang of ['en', 'fa']) {
  test(`on a 390 px phone in ${lang}: a Menu button, content first, stacked rows, one column, an agenda, nothing sideways`, async () => {
    const app = await openApp(env.browser, env.server.url, { contextOptions: PHONE });
    const { page } = app;
    try {
      await ready(page);
      await loadSample(page);
      const words =
        lang === 'fa'
          ? { menu: 'منو', companies: 'شرکت‌ها', goto: 'رفتن به ستون' }
          : { menu: 'Menu', companies: 'Companies', goto: 'Go to column' };
      if (lang === 'fa') {
        // On a phone the language is chosen in the menu.
        await page.getByRole('button', { name: 'Menu', exact: true }).click();
        await page.getByRole('combobox', { name: 'Language' }).selectOption('fa');
        await page.locator('html[dir="rtl"]').waitFor();
        await page.getByRole('button', { name: words.menu, exact: true }).click();
      }
      // The navigation is folded away: the content comes first.
      const menu = page.getByRole('button', { name: words.menu, exact: true });
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      assert.equal(await mainNav(page).isVisible(), false);
      const h1 = await page.locator('main h1').first().boundingBox();
      assert.ok(h1.y < 200, `the page's heading is near the top: ${h1.y}`);
      await menu.click();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      // Focus moves on the next frame: waited for, not read before it is drawn.
      await page
        .waitForFunction(() => document.getElementById('main-nav')?.contains(document.activeElement), null, { timeout: 5000 })
        .catch(() => {});
      assert.ok(await mainNav(page).evaluate((n) => n.contains(document.activeElement)), 'focus in the menu');
      await mainNav(page).getByRole('link', { name: words.companies, exact: true }).click();
      await page.locator('main h1', { hasText: words.companies }).waitFor();
      assert.equal(await mainNav(page).isVisible(), false, 'the menu folds after a choice');

      // A list row is its title and named lines, inside the screen.
      const row = page.locator('tbody tr[data-slot]').first();
      const box = await row.boundingBox();
      assert.ok(box.width <= 390 && box.x >= 0, `row inside the screen: ${JSON.stringify(box)}`);
      const cell = row.locator('td:not(.select-cell)').first();
      assert.equal(await cell.evaluate((td) => getComputedStyle(td).display), 'block');
      const label = await cell.evaluate((td) => getComputedStyle(td, '::before').content);
      assert.ok(label.length > 4, `the line is named: ${label}`);

      // The board: one column fills the width; "Go to column" switches.
      await page.goto(`${env.server.url}#/board`);
      await ready(page);
      const columns = page.locator('.board-column');
      await columns.first().waitFor();
      const boardBox = await page.locator('.board').boundingBox();
      const colBox = await columns.first().boundingBox();
      assert.ok(colBox.width > boardBox.width * 0.9, `one column at a time: ${colBox.width} of ${boardBox.width}`);
      const goto = page.getByRole('combobox', { name: words.goto });
      const last = await goto.locator('option').last().getAttribute('value');
      await goto.selectOption(last);
      const lastCol = page.locator(`#column-${last}`);
      await page.waitForFunction(
        (id) => {
          const r = document.getElementById(`column-${id}`).getBoundingClientRect();
          return r.left >= -2 && r.right <= window.innerWidth + 2;
        },
        last,
      );
      assert.ok(await lastCol.evaluate((c) => c === document.activeElement), 'focus on the column shown');

      // The calendar reads as an agenda.
      await page.goto(`${env.server.url}#/calendar/month`);
      await ready(page);
      await page.locator('.calendar-grid').waitFor();
      assert.equal(await page.locator('.calendar-grid').evaluate((g) => getComputedStyle(g).display), 'block');
      assert.ok(await page.locator('.calendar-day.today').isVisible());

      // No page scrolls sideways.
      for (const hash of [
        '#/',
        '#/m/companies',
        '#/m/contacts',
        '#/m/leads',
        '#/m/deals',
        '#/m/activities',
        '#/board',
        '#/m/leads/board',
        '#/work',
        '#/calendar/month',
        '#/calendar/week',
        '#/dashboards',
        '#/reports',
        '#/reports/new',
        '#/settings',
        '#/backup',
        '#/import/contacts',
        '#/m/deals/new',
      ]) {
        await page.goto(`${env.server.url}${hash}`);
        await ready(page);
        await settled(page);
        assert.equal(await sideways(page), 0, `${lang} ${hash} scrolls sideways`);
      }
      const record = await page.goto(`${env.server.url}#/m/deals`).then(() => page.locator('tbody tr[data-slot] th a').first());
      await record.click();
      await settled(page);
      assert.equal(await sideways(page), 0, `${lang}: a deal's page scrolls sideways`);
      assertNoErrors(app);
    } finally {
      await app.context.close();
    }
  });
}

test('a success notice fades on its own; an error stays until dismissed', async () => {
  const app = await openApp(env.browser, env.server.url, { contextOptions: LAPTOP });
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Companies').click();
    await page.getByRole('link', { name: 'New company' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Fading Oy');
    await page.getByRole('button', { name: 'Save' }).click();
    const saved = page.getByRole('status').filter({ hasText: 'Saved.' });
    await saved.waitFor();
    // Pointing at it holds it.
    await saved.hover();
    await page.waitForTimeout(9_000);
    assert.equal(await saved.count(), 1, 'kept while pointed at');
    await page.mouse.move(5, 600);
    await saved.waitFor({ state: 'detached', timeout: 6_000 });

    // An error stays (a pin without a name is refused).
    await mainNav(page).getByRole('button', { name: 'Pin this page' }).click();
    await mainNav(page).getByRole('textbox', { name: 'Name of the pin' }).fill(' ');
    await mainNav(page).getByRole('button', { name: 'Pin', exact: true }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Give the pin a name.' });
    await refused.waitFor();
    await page.waitForTimeout(9_000);
    assert.equal(await refused.count(), 1, 'an error does not fade');
    await refused.getByRole('button', { name: 'Dismiss' }).click();
    assert.equal(await refused.count(), 0);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
