// End-to-end: opening the app on a list shows that list first and reads the other
// modules after it; nothing that needs every record (a backup) runs before they are in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useAppServer, openApp, assertNoErrors, heading, ready, loadSample } from './harness.mjs';

const env = useAppServer();

test('a reload on a list shows it, then every module is read before a backup is made', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  try {
    await ready(page);
    await loadSample(page);
    const loaded = Number((await page.getByRole('status').filter({ hasText: /Loaded \d+ sample records/ }).textContent()).match(/\d+/)[0]);

    await page.evaluate(() => { location.hash = '#/m/contacts'; });
    await heading(page, 'Contacts').waitFor();
    await page.reload();
    await heading(page, 'Contacts').waitFor({ timeout: 30_000 });
    await page.locator('tbody tr[data-slot]').first().waitFor();
    // Straight to the backup: the download waits until the other modules are read.
    await page.evaluate(() => { location.hash = '#/backup'; });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download backup' }).click(),
    ]);
    const file = await download.path();
    const backup = JSON.parse(fs.readFileSync(file, 'utf8'));
    const modules = new Set(backup.records.map((r) => r.module));
    // Default pipelines and stages are made alongside the sample; everything is in.
    assert.ok(backup.records.length >= loaded, `${backup.records.length} records in the backup, ${loaded} loaded`);
    for (const m of ['contacts', 'companies', 'deals', 'activities', 'leads', 'pipelines', 'stages', 'quotas']) {
      assert.ok(modules.has(m), `the backup holds ${m}`);
    }
    await page.locator('.loading-rest').waitFor({ state: 'detached' });
    assertNoErrors(app);
  } finally {
    await app.context.close();
  }
});
