// End-to-end: one search across every module. "/" goes to the header's field from
// anywhere but a text field, Ctrl+K from anywhere; the field suggests records grouped
// by module (the ones opened lately before a word is typed), chosen from the keyboard;
// Enter with none chosen opens the results grouped by module, each with its count,
// best matches first, the field each was found by; a result opens its record and
// Back returns to the results; "Show all" opens the module's list on the same words, with the same count;
// on a phone in Persian the header's link opens the page and nothing scrolls sideways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample, loadSampleInPersian, openPersianPhone } from './harness.mjs';

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
    // Elsewhere it goes to the header's search, a combobox: suggestions grouped by
    // module as the words are typed, arrows move through them with focus kept in the
    // field, Enter opens the chosen record.
    await page.locator('main h1').click();
    await page.keyboard.press('/');
    const field = page.getByRole('combobox', { name: 'Search everything' });
    await page.waitForFunction(() => document.activeElement?.id === 'header-search');
    await field.fill('northwind');
    const suggestions = page.getByRole('listbox', { name: 'Search' });
    const companyGroup = suggestions.getByRole('group', { name: /^Companies \(\d+\)$/ });
    await companyGroup.getByRole('option').first().waitFor();
    assert.equal(await field.getAttribute('aria-expanded'), 'true');
    await field.press('ArrowDown');
    const first = companyGroup.getByRole('option').first();
    assert.equal(await first.getAttribute('aria-selected'), 'true');
    assert.equal(await field.getAttribute('aria-activedescendant'), await first.getAttribute('id'));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'header-search', 'focus stays in the field');
    assert.match(await first.textContent(), /^Northwind Traders/);
    await field.press('Enter');
    await heading(page, 'Northwind Traders').waitFor();
    // Ctrl+K from anywhere, even a text field; with no words it offers what was opened last.
    await nav(page, 'Deals').click();
    await page.getByLabel('Search Deals').focus();
    await page.keyboard.press('Control+k');
    await page.waitForFunction(() => document.activeElement?.id === 'header-search');
    const lately = suggestions.getByRole('group', { name: 'Opened lately' });
    await lately.getByRole('option', { name: /Northwind Traders/ }).waitFor();
    await field.press('Escape');
    assert.equal(await field.getAttribute('aria-expanded'), 'false');
    // Enter with nothing chosen opens every result.
    await field.fill('northwind');
    await field.press('Enter');
    await heading(page, 'Search').waitFor();
    assert.match(page.url(), /#\/search\?q=northwind$/);
    // The page has the field itself: the header's is not drawn beside it.
    assert.equal(await page.getByLabel('Search everything').count(), 1);
    await page.getByRole('status').filter({ hasText: /records? found/ }).waitFor();
    const companies = page.getByRole('region', { name: /^Companies \(\d+\)$/ });
    const deals = page.getByRole('region', { name: /^Deals \(\d+\)$/ });
    await companies.waitFor();
    await deals.waitFor();
    // The company named so comes first in its group.
    assert.equal((await companies.getByRole('link').first().textContent()).trim(), 'Northwind Traders');
    // A contact found by its email says so.
    const contacts = page.getByRole('region', { name: /^Contacts \(\d+\)$/ });
    assert.match(await contacts.getByRole('listitem').first().textContent(), /Emails: \S+@northwind\.example/);
    const dealTitle = (await deals.getByRole('link').first().textContent()).trim();
    assert.match(dealTitle, /Northwind Traders/);
    await deals.getByRole('link').first().click();
    await heading(page, dealTitle).waitFor();
    await page.goBack();
    await heading(page, 'Search').waitFor();
    assert.equal(await page.locator('#search-words').inputValue(), 'northwind');

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
  const app = await openPersianPhone(env);
  const { page } = app;
  try {
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
