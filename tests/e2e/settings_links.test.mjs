// End-to-end: the settings page offers the settings-like modules where their
// definitions place them, in their order, each link opening its list or the page of
// its own (the stage editor). These are the links the page named one by one before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, ready, heading, nav } from './harness.mjs';

const env = useAppServer();

/** The links of the settings section under this heading: [name, href]. */
async function links(page, section) {
  const box = page.locator('section.record-section', {
    has: page.getByRole('heading', { level: 2, name: section, exact: true }),
  });
  const all = box.getByRole('link');
  const out = [];
  for (let i = 0; i < (await all.count()); i++) {
    const a = all.nth(i);
    out.push([(await a.textContent()).trim(), await a.getAttribute('href')]);
  }
  return out;
}

test('the settings page links each settings module from its section, to its list or its own page', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await nav(page, 'Settings').click();
    await heading(page, 'Settings').waitFor();
    assert.deepEqual(await links(page, 'You and your team'), [['Team members', '#/m/members']]);
    assert.deepEqual(await links(page, 'Sales'), [
      ['Pipelines and stages', '#/settings/pipelines'],
      ['Exchange rates', '#/m/rates'],
      ['Quotas', '#/m/quotas'],
    ]);
    assert.deepEqual(await links(page, 'Leads'), [
      ['Scoring rules', '#/m/scoring_rules'],
      ['Territories', '#/m/territories'],
      ['Assignment rules', '#/m/assignment_rules'],
    ]);

    await page.getByRole('link', { name: 'Pipelines and stages' }).click();
    await heading(page, 'Pipelines and stages').waitFor();
    await page.goBack();
    await heading(page, 'Settings').waitFor();
    await page.getByRole('link', { name: 'Scoring rules' }).click();
    await heading(page, 'Scoring rules').waitFor();
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
