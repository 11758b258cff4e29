// Smoke test: the release build in dist/ loads in Chromium, the wasm starts
// and renders the app's level-1 heading, with no errors on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openApp, assertNoErrors } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the app loads and shows its main heading', async () => {
  const app = await openApp(browser, server.url);
  try {
    const heading = app.page.getByRole('heading', { level: 1 });
    await heading.first().waitFor({ state: 'visible', timeout: 30_000 }).catch((err) => {
      assertNoErrors(app); // explain a missing heading by the page's errors, if any
      throw err;
    });
    assert.ok((await heading.first().textContent()).trim().length > 0, 'the h1 is empty');
    // The wasm module was fetched with the right MIME type and instantiated.
    const wasmLoaded = await app.page.evaluate(() =>
      performance.getEntriesByType('resource').some((e) => e.name.endsWith('.wasm')),
    );
    assert.ok(wasmLoaded, 'no .wasm file was loaded');
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});

test('the release build exposes no benchmark hook on window.wasmBindings', async () => {
  const app = await openApp(browser, server.url);
  try {
    await app.page.getByRole('heading', { level: 1 }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await app.page.waitForFunction(() => window.wasmBindings);
    const hooks = await app.page.evaluate(() =>
      Object.keys(window.wasmBindings).filter((k) => k.startsWith('bench_')),
    );
    assert.deepEqual(hooks, [], `benchmark hooks shipped: ${hooks.join(', ')}`);
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
