// End-to-end: one search across every module. "/" goes to the header's field from
// anywhere but a text field; Enter opens the results grouped by module, each with
// its count, best matches first; a result opens its record and Back returns to the
// results; "Show all" opens the module's list on the same words, with the same count;
// on a phone in Persian the header's link opens the page and nothing scrolls sideways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();

test('the header search finds records in every module and opens them', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    // "/" typed in a text field stays a character there.
    await nav(page, 'Contacts').click();
    const listSearch = page.getByLabel('Search Contacts');
    await listSearch.fill('');
    await listSearch.press('/');
    assert.equal(await listSearch.inputValue(), '/');
    await listSearch.fill('');
    // Elsewhere it goes to the header's search.
    await page.locator('main h1').click();
    await page.keyboard.press('/');
    const field = page.getByRole('search').getByLabel('Search everything');
    await page.waitForFunction(() => document.activeElement?.id === 'header-search');
    await field.fill('northwind');
    await field.press('Enter');
    await heading(page, 'Search').waitFor();
    assert.match(page.url(), /#\/search\?q=northwind$/);
    await page.getByRole('status').filter({ hasText: /records? found/ }).waitFor();
    const companies = page.getByRole('region', { name: /^Companies \(\d+\)$/ });
    const deals = page.getByRole('region', { name: /^Deals \(\d+\)$/ });
    await companies.waitFor();
    await deals.waitFor();
    // The company named so comes first in its group.
    assert.equal((await companies.getByRole('link').first().textContent()).trim(), 'Northwind Traders');
    const dealTitle = (await deals.getByRole('link').first().textContent()).trim();
    assert.match(dealTitle, /Northwind Traders/);
    await deals.getByRole('link').first().click();
    await heading(page, dealTitle).waitFor();
    await page.goBack();
    await heading(page, 'Search').waitFor();
    assert.equal(await page.getByLabel('Search everything').first().inputValue(), 'northwind');

    // Words typed on the page search as they change; a group beyond its first few
    // links to its list on the same words, which counts the same records.
    const words = page.locator('#search-words');
    await words.fill('a');
    const more = page.getByRole('link', { name: /^Show all \d+ in Deals$/ });
    await more.waitFor();
    const n = Number((await more.textContent()).match(/\d+/)[0]);
    const group = page.getByRole('region', { name: `Deals (${n})` });
    assert.equal(await group.getByRole('listitem').count(), 8, 'the best 8 are shown');
    await more.click();
    await heading(page, 'Deals').waitFor();
    assert.equal(await page.getByLabel('Search Deals').inputValue(), 'a');
    await page.getByText(`${n} records`, { exact: true }).waitFor();
    // Nothing found says so, naming the words.
    await page.goBack();
    await heading(page, 'Search').waitFor();
    await page.locator('#search-words').fill('zzqx');
    await page.getByRole('status').filter({ hasText: 'Nothing matches “zzqx”.' }).waitFor();
    assert.equal(await page.locator('.search-group').count(), 0);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('on a phone in Persian the search page opens from the header and fits the screen', async () => {
  const app = await openApp(env.browser, env.server.url, {
    contextOptions: { locale: 'fa-IR', viewport: { width: 390, height: 844 } },
  });
  const { page } = app;
  try {
    await ready(page);
    await page.getByRole('button', { name: 'بارگذاری داده‌های نمونه' }).click();
    await page.getByRole('status').filter({ hasText: /رکورد نمونه بارگذاری شد/ }).waitFor();
    await page.getByRole('banner').getByRole('link', { name: 'جستجو', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'جستجو' }).waitFor();
    await page.getByLabel('جستجو در همه‌چیز').fill('خلیج');
    const companies = page.getByRole('region', { name: /^شرکت‌ها/ });
    await companies.waitFor();
    assert.match(await companies.getByRole('link').first().textContent(), /خلیج/);
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `no sideways scroll: ${scroll} > ${width}`);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
