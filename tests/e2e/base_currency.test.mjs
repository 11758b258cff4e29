// End-to-end: the base currency is the user's setting, never a side effect of the
// language — switching to Persian keeps the board and the home page in the same
// currency, a change in Settings reaches every page at once, without a reload, and a
// new amount on a form is in that currency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample, loadSampleInPersian } from './harness.mjs';

const env = useAppServer();
// The main navigation, by its links (its own name is translated too).
const faNav = (page, name) => page.getByRole('navigation').first().getByRole('link', { name, exact: true });

test('the base currency stays when the language changes, and a new one reaches every page at once', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    await nav(page, 'Board').click();
    await page.getByText('Totals in USD;').waitFor();

    await page.getByLabel('Language').selectOption('fa');
    await faNav(page, 'تابلو').click();
    await page.getByText('جمع‌ها به USD؛').waitFor();
    // Every deal converts: none is counted as lacking a rate into the base.
    const heads = await page.locator('.board-column-head').allTextContents();
    assert.ok(heads.every((h) => !h.includes('بدون نرخ')), heads.join(' | '));
    assert.ok(heads.some((h) => h.includes('$')), `dollar totals: ${heads.join(' | ')}`);
    await faNav(page, 'خانه').click();
    await page.locator('.kpi').first().waitFor();
    assert.match(await page.locator('.kpi-grid').textContent(), /\$/);

    await faNav(page, 'تنظیمات').click();
    const base = page.getByLabel('ارز پایه');
    assert.equal(await base.inputValue(), 'USD');
    await base.fill('EUR');
    await base.press('Tab');
    await faNav(page, 'تابلو').click();
    await page.getByText('جمع‌ها به EUR؛').waitFor();
    // The sample's rates are into dollars: euros total through them, none left out.
    const inEuros = await page.locator('.board-column-head').allTextContents();
    assert.ok(inEuros.every((h) => !h.includes('بدون نرخ')), inEuros.join(' | '));
    await faNav(page, 'تنظیمات').click();
    assert.equal(await page.getByLabel('ارز پایه').inputValue(), 'EUR');
    // A new amount is in the base currency too, not in the language's (IRR).
    await faNav(page, 'معاملات').click();
    await page.getByRole('link', { name: 'معامله جدید', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'معامله جدید' }).waitFor();
    await page.getByLabel('مبلغ', { exact: true }).fill('500');
    assert.equal(await page.getByLabel('واحد پول', { exact: true }).inputValue(), 'EUR');
    // Leaving the half-typed form asks first; it is left.
    page.once('dialog', (d) => d.accept());
    await faNav(page, 'تنظیمات').click();
    await page.getByLabel('ارز پایه').waitFor();

    // Kept across a reload, in the language chosen.
    await page.reload();
    await faNav(page, 'تابلو').waitFor({ timeout: 30_000 });
    await faNav(page, 'تابلو').click();
    await page.getByText('جمع‌ها به EUR؛').waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a Persian device starts in rials and the sample, rated in dollars, totals in rials', async () => {
  const app = await openApp(env.browser, env.server.url, { contextOptions: { locale: 'fa-IR' } });
  const { page } = app;
  try {
    await ready(page);
    await loadSampleInPersian(page);
    // Home: the won revenue is counted (its deals are in dollars, euros, baht…).
    const won = page.locator('a.kpi', { has: page.getByText('درآمد بُرده', { exact: true }) });
    await won.waitFor();
    const kpis = await page.locator('.kpi-grid').textContent();
    assert.doesNotMatch(kpis, /بدون نرخ/, kpis);
    assert.match(await won.locator('.kpi-value').textContent(), /ریال/);
    assert.doesNotMatch(await won.locator('.kpi-value').textContent(), /^\s*ریال\s*۰\s*$/);
    await faNav(page, 'تابلو').click();
    await page.getByText('جمع‌ها به IRR؛').waitFor();
    const heads = await page.locator('.board-column-head').allTextContents();
    assert.ok(heads.every((h) => !h.includes('بدون نرخ')), heads.join(' | '));
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
