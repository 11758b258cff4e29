// End-to-end: small things that looked unfinished — an owner filter offers the user
// once ("Mine", not also "You"), and a record page shows no internal revision number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, heading, nav, ready, loadSample } from './harness.mjs';

const env = useAppServer();

test('an owner filter names the user once, and a record page shows no revision', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    for (const [link, title] of [['Contacts', 'Contacts'], ['Board', 'Pipeline board']]) {
      await nav(page, link).click();
      await heading(page, title).waitFor();
      const owners = await page.getByRole('combobox', { name: 'Owner', exact: true }).locator('option').allTextContents();
      assert.ok(owners.includes('Everyone') && owners.includes('Mine'), `${link}: ${owners}`);
      assert.ok(!owners.includes('You'), `${link}: the user is offered once: ${owners}`);
      assert.ok(owners.length > 3, `${link}: the team members are offered: ${owners}`);
    }
    await nav(page, 'Contacts').click();
    await page.locator('tbody tr[data-slot] a').first().click();
    const meta = await page.locator('.record-meta').textContent();
    assert.match(meta, /Created .* Updated .* Owner: /);
    assert.doesNotMatch(meta, /Revision/);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
