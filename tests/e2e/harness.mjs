// Helpers for the end-to-end tests (tests/e2e/*.test.mjs, run with `node --test`).
//
//   startServer()   serves the release build in dist/ on 127.0.0.1 (free port)
//   launchBrowser() starts Debian's Chromium through playwright-core
//   openApp()       new browser context (empty IndexedDB) + page, with console
//                   errors and page errors collected, navigated to the app
//
// Build dist/ first: `bash .ci/dist` (`bash .ci/test` does it for you).
import { before, after } from 'node:test';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.CRM_DIST_DIR ? path.resolve(process.env.CRM_DIST_DIR) : path.join(ROOT, 'dist');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Serve `dir` (default: dist/) on 127.0.0.1 at a free port. Paths that are not
 * files get index.html (single-page app routing).
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export async function startServer(dir = DIST) {
  const root = path.resolve(dir);
  const index = path.join(root, 'index.html');
  if (!fs.existsSync(index)) {
    throw new Error(`${index} not found: build the app first with \`bash .ci/dist\``);
  }
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    let file = path.join(root, pathname);
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end('forbidden');
      return;
    }
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = fs.statSync(file, { throwIfNoEntry: false });
    }
    if (!stat?.isFile() && pathname === '/favicon.ico') {
      // Browsers ask for it on their own; don't turn its absence into a console error.
      res.writeHead(204).end();
      return;
    }
    if (!stat?.isFile()) {
      // SPA fallback, except for things that are clearly assets.
      if (path.extname(pathname) && path.extname(pathname) !== '.html') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      file = index;
    }
    const type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Launch headless Chromium (Debian's /usr/bin/chromium; never a downloaded one). */
export async function launchBrowser(options = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

/**
 * Fresh context (its own empty storage: IndexedDB, localStorage) and page,
 * navigated to `url`. Console errors and uncaught page errors are collected
 * in `errors`; failed requests (e.g. the .wasm) in `failedRequests`.
 * @returns {Promise<{context, page, errors: string[], failedRequests: string[]}>}
 */
export async function openApp(browser, url, { contextOptions = {}, path: appPath = '' } = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = [];
  const failedRequests = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const where = msg.location()?.url;
      errors.push(`console.error: ${msg.text()}${where ? ` (${where})` : ''}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) failedRequests.push(`${res.url()}: HTTP ${res.status()}`);
  });
  await page.goto(new URL(appPath, url).href, { waitUntil: 'load' });
  return { context, page, errors, failedRequests };
}

/**
 * Throws if the page reported errors or a request failed (the wasm not loading
 * shows up here). Call at the end of a test.
 */
export function assertNoErrors({ errors, failedRequests }) {
  const problems = [...errors, ...failedRequests];
  if (problems.length) {
    throw new Error(`the page reported ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Starts the server and the browser before a test file's tests and stops them
 * after; `env.server` and `env.browser` are set once `before` has run.
 */
export function useAppServer() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** The page's main heading with this name. */
export const heading = (page, name) => page.getByRole('heading', { level: 1, name });

/** A link of the main navigation. */
export const nav = (page, name) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

/** The shown value of a field on a record page. */
export const fieldValue = (page, name) =>
  page.locator('.field-row', { has: page.getByText(name, { exact: true }) }).locator('dd');

/** Waits until the app has started and drawn its navigation (on a phone it is
 *  folded behind the Menu button, so present rather than visible). */
export async function ready(page) {
  await page.locator('nav#main-nav').waitFor({ state: 'attached', timeout: 30_000 });
}

export async function loadSample(page) {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await page.getByRole('status').filter({ hasText: /Loaded \d+ sample records/ }).waitFor();
}

/** A fresh Persian phone (390×844, right to left) with the sample loaded. */
export async function openPersianPhone(env) {
  const app = await openApp(env.browser, env.server.url, {
    contextOptions: { locale: 'fa-IR', viewport: { width: 390, height: 844 } },
  });
  await ready(app.page);
  await loadSampleInPersian(app.page);
  return app;
}

/** `loadSample` on a page in Persian. */
export async function loadSampleInPersian(page) {
  await page.getByRole('button', { name: 'بارگذاری داده‌های نمونه' }).click();
  await page.getByRole('status').filter({ hasText: /رکورد نمونه بارگذاری شد/ }).waitFor();
}

/** Downloads a backup from the Backup page into `dir`; returns the file's path. */
export async function exportBackup(page, dir) {
  await page.getByRole('link', { name: 'Backup' }).click();
  await heading(page, 'Backup and restore').waitFor();
  return (await downloadVia(page, 'Download backup', dir)).file;
}

/** Clicks the button named `button` and saves the file it downloads into `dir`:
 * its suggested name and its path. */
export async function downloadVia(page, button, dir) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const name = download.suggestedFilename();
  const file = path.join(dir, `${Date.now()}-${name}`);
  await download.saveAs(file);
  return { name, file };
}
