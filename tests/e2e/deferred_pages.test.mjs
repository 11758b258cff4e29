// The rarely opened pages come from parts of the wasm fetched on first use: the first
// screen fetches none of them, opening a page fetches its part and shows the page,
// and a part that cannot be fetched is said so, leaves the app working and is tried
// again on the next visit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, ready, heading, assertNoErrors } from './harness.mjs';

const env = useAppServer();
const isPart = (url) => /-(split|chunk)_[a-z0-9_]+\.wasm$/.test(new URL(url).pathname);

test('the first screen fetches no deferred part; opening Import fetches its part and shows the page', async () => {
  const app = await openApp(env.browser, env.server.url);
  const fetched = [];
  app.page.on('request', (req) => isPart(req.url()) && fetched.push(new URL(req.url()).pathname));
  try {
    await ready(app.page);
    await heading(app.page, 'Welcome').waitFor();
    assert.deepEqual(fetched, [], `the first screen fetched parts: ${fetched.join(', ')}`);

    await app.page.goto(`${env.server.url}#/import/contacts`);
    await heading(app.page, 'Import Contacts from CSV').waitFor();
    assert.ok(fetched.some((p) => p.includes('-split_interchange')), `no interchange part fetched: ${fetched.join(', ')}`);
    await app.page.getByLabel('CSV file').waitFor({ state: 'attached' });
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('a part that cannot be fetched is named as the cause, the app goes on, and the next visit loads it', async () => {
  const app = await openApp(env.browser, env.server.url);
  try {
    await ready(app.page);
    let refuse = true;
    await app.page.route(/-split_interchange\.wasm$/, (route) =>
      refuse ? route.fulfill({ status: 503, body: 'unavailable' }) : route.continue(),
    );
    await app.page.goto(`${env.server.url}#/import/contacts`);
    await app.page.getByRole('alert').filter({ hasText: 'This page could not be loaded' }).waitFor();
    assert.equal(await heading(app.page, 'Import Contacts from CSV').count(), 0);

    // The rest of the app still works: another page opens.
    await app.page.goto(`${env.server.url}#/m/contacts`);
    await heading(app.page, 'Contacts').waitFor();

    refuse = false;
    await app.page.goto(`${env.server.url}#/import/contacts`);
    await heading(app.page, 'Import Contacts from CSV').waitFor();
    // Only the refused fetch and the loader's report of it went wrong.
    const problems = [...app.errors, ...app.failedRequests].filter((p) => !/-split_interchange\.wasm|-parts\.js/.test(p));
    assert.deepEqual(problems, []);
  } finally {
    await app.context.close();
  }
});
