// End-to-end: a browser set to Persian, Russian, Turkish or Thai opens the app in
// that language, default pipeline included, and the main screens show no English:
// every word in Latin letters on them is one the languages share (CSV, a currency
// code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useAppServer, openApp, assertNoErrors, ready, ROOT } from './harness.mjs';

const env = useAppServer();

const SCREENS = ['#/', '#/m/contacts', '#/m/deals', '#/m/leads', '#/board', '#/m/deals/new', '#/m/activities', '#/calendar', '#/settings'];
// Words in Latin letters that are not English to translate: file formats, currency
// codes, the product's acronym, the language picker's "English".
// GMT is how Russian and Thai write a zone's offset (GMT+3); "Line" is the Line
// Islands' own name in Turkish zone names.
const SHARED = new Set(['CSV', 'JSON', 'USD', 'IRR', 'RUB', 'TRY', 'THB', 'EUR', 'CRM', 'vCard', 'URL', 'IndexedDB', 'English', 'GMT', 'Line']);
// A hyphen inside a word, not the minus after one (GMT-5).
const LATIN_WORD = /[A-Za-z](?:[A-Za-z’']|-(?=[A-Za-z])){2,}/g;

/** The words of a translation table's texts (src/i18n/<lang>.rs). */
function tableWords(lang) {
  const src = fs.readFileSync(path.join(ROOT, 'src', 'i18n', `${lang}.rs`), 'utf8');
  const texts = [...src.matchAll(/^\s*\("[^"]+",\s*"((?:[^"\\]|\\.)*)"\),/gm)].map((m) => m[1]);
  return new Set(texts.join(' ').match(/[\p{L}’'-]+/gu) ?? []);
}

/** Whether `word` on a page in `lang` is English left untranslated. Turkish is
 *  written in Latin letters too: there a word is English when the English table
 *  has it and the Turkish one does not. */
function isEnglish(lang, word) {
  if (SHARED.has(word)) return false;
  if (lang !== 'tr') return true;
  isEnglish.en ??= tableWords('en');
  isEnglish.tr ??= tableWords('tr');
  return isEnglish.en.has(word) && !isEnglish.tr.has(word);
}

/** The Latin words on the page that are not shared ones, with the screen they are on. */
async function englishOn(page, lang, screen) {
  const text = await page.evaluate(() => {
    // What a user sees: text, and the options of each select, but not what the
    // browser itself draws (a date input's mm/dd/yyyy).
    const parts = [document.body.innerText];
    for (const o of document.querySelectorAll('select option')) parts.push(o.textContent);
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      for (const a of ['aria-label', 'title', 'placeholder']) if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    }
    return parts.join('\n');
  });
  const words = lang === 'tr' ? text.match(/[\p{L}’'-]+/gu) ?? [] : text.match(LATIN_WORD) ?? [];
  return [...new Set(words.filter((w) => isEnglish(lang, w)))].map((w) => `${screen}: ${w}`);
}

for (const [locale, lang, dir] of [['fa-IR', 'fa', 'rtl'], ['ru-RU', 'ru', 'ltr'], ['tr-TR', 'tr', 'ltr'], ['th-TH', 'th', 'ltr']]) {
  test(`a browser in ${locale} opens the app in that language with no English on the main screens`, async () => {
    const app = await openApp(env.browser, env.server.url, { contextOptions: { locale } });
    const { page } = app;
    try {
      await ready(page);
      await page.locator(`html[lang="${lang}"][dir="${dir}"]`).waitFor();
      const found = [];
      for (const screen of SCREENS) {
        await page.evaluate((h) => { location.hash = h; }, screen);
        await page.locator('h1').first().waitFor();
        await page.waitForTimeout(300);
        found.push(...(await englishOn(page, lang, screen)));
      }
      assert.deepEqual(found, [], `English left:\n${found.join('\n')}`);
      assertNoErrors(app);
    } finally {
      await app.context.close();
    }
  });
}
