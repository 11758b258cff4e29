// End-to-end: chart text stays readable at every width. A chart is laid out at its
// own width in CSS pixels, so its axis labels (12 px) are never shrunk below 11 px:
// in a dashboard card on a 1366 px laptop and on a 390 px phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useAppServer, openApp, assertNoErrors, ready, loadSample } from './harness.mjs';

const env = useAppServer();

/** The smallest rendered size of a chart's text on the page, in CSS pixels. */
const smallestText = (page) =>
  page.evaluate(() => {
    let smallest = Infinity;
    let seen = 0;
    for (const svg of document.querySelectorAll('.chart-svg')) {
      const vb = svg.viewBox.baseVal;
      const scale = svg.getBoundingClientRect().width / vb.width;
      for (const text of svg.querySelectorAll('.chart-tick text, .chart-category text, .chart-funnel-label')) {
        const size = parseFloat(getComputedStyle(text).fontSize) * scale;
        smallest = Math.min(smallest, size);
        seen += 1;
      }
    }
    return { smallest, seen };
  });

for (const [name, viewport] of [['1366 px laptop', { width: 1366, height: 900 }], ['390 px phone', { width: 390, height: 844 }]]) {
  test(`chart axis labels are at least 11 px on a ${name}`, async () => {
    const app = await openApp(env.browser, env.server.url, { contextOptions: { viewport } });
    const { page } = app;
    try {
      await ready(page);
      await loadSample(page);
      await page.locator('.chart-svg').first().waitFor();
      // Charts are laid out at their width once measured (the next frame); a chart
      // that is not would keep its scaled drawing, which the sizes below catch.
      await page
        .waitForFunction(
          () =>
            [...document.querySelectorAll('.chart-svg')].every((s) => {
              const r = s.getBoundingClientRect().width;
              return r === 0 || Math.abs(r - s.viewBox.baseVal.width) < 6 || s.closest('.chart-pie, .chart-donut');
            }),
          null,
          { timeout: 5_000 },
        )
        .catch(() => {});
      const { smallest, seen } = await smallestText(page);
      assert.ok(seen > 10, `the home page has charts with labels: ${seen}`);
      assert.ok(smallest >= 11, `smallest chart text ${smallest.toFixed(1)} px`);
      assertNoErrors(app);
    } finally {
      await app.context.close();
    }
  });
}
