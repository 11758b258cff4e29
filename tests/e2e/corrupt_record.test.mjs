// One stored record that cannot be read must not lock the user out: the other
// records open, a notice names the bad one, and the Backup page still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useAppServer, openApp, ready, loadSample, heading, nav } from './harness.mjs';

const env = useAppServer();

test('a corrupt stored record is named while the rest of the data opens and backs up', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-corrupt-'));
  try {
    await ready(page);
    await loadSample(page);
    // The records store's layout (src/storage/schema.rs, codec.rs): {id, module, doc}
    // under key path `id`, `doc` the record's JSON — here cut off half-way.
    await page.evaluate(async () => {
      const db = await new Promise((res, rej) => {
        const o = indexedDB.open('local-crm');
        o.onsuccess = () => res(o.result);
        o.onerror = () => rej(o.error);
      });
      await new Promise((res, rej) => {
        const tx = db.transaction('records', 'readwrite');
        tx.objectStore('records').put({ id: 'corrupt-1', module: 'companies', doc: '{"id":"corrupt-1","module":' });
        tx.oncomplete = res;
        tx.onerror = () => rej(tx.error);
      });
      db.close();
    });
    await page.reload();
    await ready(page);
    const notice = page.getByRole('alert').filter({ hasText: '1 stored record could not be read' });
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.textContent(), /corrupt-1/);
    // The good records are listed.
    await page.getByRole('navigation').getByRole('link', { name: 'Companies' }).click();
    await heading(page, 'Companies').waitFor();
    await page.getByRole('link', { name: 'Northwind' }).first().waitFor({ timeout: 30_000 });
    // Its stored text can be saved.
    const [raw] = await Promise.all([
      page.waitForEvent('download'),
      notice.getByRole('button', { name: 'Download their stored text' }).click(),
    ]);
    const rawFile = path.join(dir, raw.suggestedFilename());
    await raw.saveAs(rawFile);
    const listed = JSON.parse(fs.readFileSync(rawFile, 'utf8'));
    assert.deepEqual(listed.map((u) => [u.module, u.id, u.stored_text]), [
      ['companies', 'corrupt-1', '{"id":"corrupt-1","module":'],
    ]);
    // The backup of what was read works.
    // (The notice's own "Go to Backup" link also matches harness.exportBackup's loose
    // link name, so the main navigation's link is used.)
    await nav(page, 'Backup').click();
    await heading(page, 'Backup and restore').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download backup' }).click(),
    ]);
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const backup = JSON.parse(fs.readFileSync(file, 'utf8'));
    const text = JSON.stringify(backup);
    assert.ok(text.includes('Northwind'), 'the backup lacks the good records');
    assert.ok(!text.includes('corrupt-1'), 'the backup holds the unreadable entry');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await app.context.close();
  }
});
