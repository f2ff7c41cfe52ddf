import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newContext, VIEWPORTS } from '../lib/browser.mjs';
import { assertHomeBasics, homeJourney } from '../lib/journeys.mjs';
import { startServer } from '../lib/server.mjs';

describe('home page', () => {
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

  test('French browser gets the French page', () =>
    homeJourney(browser, server.baseUrl, {
      locale: 'fr-FR',
      lang: 'fr',
      shots: { 'home-fr-desktop': VIEWPORTS.desktop, 'home-fr-phone': VIEWPORTS.phone },
    }));

  test('English browser gets the English page', () =>
    homeJourney(browser, server.baseUrl, {
      locale: 'en-GB',
      lang: 'en',
      shots: { 'home-en-desktop': VIEWPORTS.desktop, 'home-en-phone': VIEWPORTS.phone },
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
