import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newContext, VIEWPORTS } from '../lib/browser.mjs';
import { assertHomeBasics, homeJourney } from '../lib/journeys.mjs';
import { startServer } from '../lib/server.mjs';

// A first visit: the sign-in page, in the browser's language, keyboard- and axe-clean.
describe('first visit', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a French browser gets the French sign-in page', () =>
    homeJourney(browser, server.baseUrl, {
      locale: 'fr-FR',
      lang: 'fr',
      shots: { 'login-fr-desktop': VIEWPORTS.desktop, 'login-fr-phone': VIEWPORTS.phone },
    }));

  test('an English browser gets the English sign-in page', () =>
    homeJourney(browser, server.baseUrl, {
      locale: 'en-GB',
      lang: 'en',
      shots: { 'login-en-desktop': VIEWPORTS.desktop, 'login-en-phone': VIEWPORTS.phone },
    }));

  test('language switcher overrides Accept-Language and is remembered', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await page.goto(new URL('/', server.baseUrl).href);
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');

      await Promise.all([page.waitForEvent('load'), page.locator('a[hreflang="en"]').first().click()]);
      await assertHomeBasics(page, 'en');

      // The browser still asks for French; only a stored choice can keep English.
      await page.goto(new URL('/', server.baseUrl).href);
      assert.equal(await page.getAttribute('html', 'lang'), 'en', 'language choice was not remembered');
    } finally {
      await context.close();
    }
  });
});
