import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { checkA11y, formatViolations, launchBrowser, newContext, screenshot, VIEWPORTS } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';

// The data protection officer opens the register of processing from the main navigation,
// reads it in French and English, and downloads the inventory as CSV.
describe('register of processing', () => {
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

  for (const [locale, nav, title, section] of [
    ['fr-FR', 'Protection des données', 'Registre des traitements', 'Orientations vers les partenaires'],
    ['en-GB', 'Data protection', 'Register of processing', 'Referrals to partners'],
  ]) {
    test(`the DPO reads the register (${locale})`, async () => {
      const context = await newContext(browser, { locale, acceptDownloads: true });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, 'marc.dubois@valbourg.example', DEMO_PASSWORD);
        const main = page.getByRole('navigation', { name: locale === 'fr-FR' ? 'Navigation principale' : 'Main navigation' });
        await Promise.all([
          page.waitForURL(new URL('/privacy/register', server.baseUrl).href),
          main.getByRole('link', { name: nav }).click(),
        ]);
        assert.equal(await main.getByRole('link', { name: nav }).getAttribute('aria-current'), 'page');
        assert.equal(await page.locator('h1').innerText(), title);
        // The contents lead to each processing.
        await page.getByRole('link', { name: section }).click();
        assert.match(page.url(), /#purpose-referrals$/);
        const consents = page.locator('tr[data-table="consents"][data-category="third_party"]');
        assert.match(await consents.innerText(), /recipient, given_by_name/);

        for (const [suffix, viewport] of [['desktop', VIEWPORTS.desktop], ['phone', VIEWPORTS.phone]]) {
          await page.setViewportSize(viewport);
          const violations = await checkA11y(page);
          assert.deepEqual(violations, [], `privacy-register-${locale}-${suffix}:\n${formatViolations(violations)}`);
          await screenshot(page, `privacy-register-${locale}-${suffix}`);
        }
        await page.setViewportSize(VIEWPORTS.desktop);

        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('link', { name: /CSV/ }).click(),
        ]);
        assert.equal(download.suggestedFilename(), 'passerelle-register-of-processing.csv');
        const path = await download.path();
        const { readFile } = await import('node:fs/promises');
        const lines = (await readFile(path, 'utf8')).trim().split('\n');
        assert.ok(lines.length > 500, `one line per column: ${lines.length}`);
        assert.ok(lines.some((l) => l.startsWith('social_support,') && l.includes(',persons,birth_name,identity,')), 'the birth name is identity');
      } finally {
        await context.close();
      }
    });
  }
});
