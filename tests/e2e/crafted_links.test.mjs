// End-to-end: a crafted link cannot crash the app. The route lives in the address,
// so a link that crashed would crash every reload too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, ready } from './harness.mjs';

const env = useAppServer();

test('a calendar link to the last day the date type holds shows the calendar, also after a reload', async () => {
  const app = await openApp(env.browser, env.server.url, { path: '#/calendar/week/+262142-12-31' });
  const { page } = app;
  try {
    await ready(page);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.reload();
    await ready(page);
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.match(page.url(), /#\/calendar\/week\//);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
