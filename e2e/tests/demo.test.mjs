import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkA11y, formatViolations, launchBrowser, newContext, screenshot, VIEWPORTS } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

// The demo as a visitor first sees it: real rows in the organisations table, and the error
// page a mistyped address leads to, both accessible in both languages.
describe('demo instance', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const [locale, lang, caption] of [
    ['fr-FR', 'fr', 'Structures hébergées sur cette instance'],
    ['en-GB', 'en', 'Organisations hosted on this instance'],
  ]) {
    test(`home page lists the demo organisations (${lang})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await page.goto(new URL('/', server.baseUrl).href);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.match(await page.locator('caption').innerText(), new RegExp(caption));
        const rows = await page.locator('tbody tr').allInnerTexts();
        assert.equal(rows.length, 3);
        assert.ok(rows.some((r) => r.includes('CCAS de Valbourg')), rows.join('\n'));
        for (const [name, viewport] of [[`demo-home-${lang}-desktop`, VIEWPORTS.desktop], [`demo-home-${lang}-phone`, VIEWPORTS.phone]]) {
          await page.setViewportSize(viewport);
          const violations = await checkA11y(page);
          assert.deepEqual(violations, [], `${name}:\n${formatViolations(violations)}`);
          await screenshot(page, name);
        }
      } finally {
        await context.close();
      }
    });

    test(`a missing page shows an accessible 404 (${lang})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        const response = await page.goto(new URL('/nothing/here', server.baseUrl).href);
        assert.equal(response.status(), 404);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.match(await page.locator('h1').innerText(), lang === 'fr' ? /Page introuvable/ : /Page not found/);
        const violations = await checkA11y(page);
        assert.deepEqual(violations, [], formatViolations(violations));
        await screenshot(page, `not-found-${lang}`);
        await Promise.all([page.waitForURL(new URL('/', server.baseUrl).href), page.locator('main a.button').click()]);
      } finally {
        await context.close();
      }
    });
  }
});
