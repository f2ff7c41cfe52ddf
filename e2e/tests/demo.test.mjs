import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn, signOut } from '../lib/auth.mjs';
import { assertAccessible, checkA11y, formatViolations, launchBrowser, newContext, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';

// The demo as a visitor meets it: sign in with a printed account, see the organisations,
// sign out; a wrong password; a mistyped address. Every page accessible in both languages.
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

  for (const [locale, lang, caption, role] of [
    ['fr-FR', 'fr', 'Structures hébergées sur cette instance', 'responsable'],
    ['en-GB', 'en', 'Organisations hosted on this instance', 'manager'],
  ]) {
    test(`the administrator signs in, sees every organisation, signs out (${lang})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, 'admin@passerelle.example', DEMO_PASSWORD);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.match(await page.locator('caption').innerText(), new RegExp(caption));
        const rows = await page.locator('tbody tr').allInnerTexts();
        assert.equal(rows.length, 3);
        assert.ok(rows.some((r) => r.includes('CCAS de Valbourg')), rows.join('\n'));
        await assertAccessible(page, `demo-home-admin-${lang}`);
        await signOut(page, server.baseUrl);
        assert.match(await page.locator('.notice:visible').innerText(), /déconnecté·e|signed out/, 'a signed-out notice is shown');
        await page.goto(new URL('/', server.baseUrl).href);
        assert.equal(new URL(page.url()).pathname, '/login', 'the session is over');
      } finally {
        await context.close();
      }
    });

    test(`a manager sees only their organisation (${lang})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, 'claire.fontaine@valbourg.example', DEMO_PASSWORD);
        assert.match(await page.locator('.lead').innerText(), new RegExp(`CCAS de Valbourg \\(${role}\\)`));
        assert.match(await page.locator('.organisation-name').innerText(), /CCAS de Valbourg/);
        const rows = await page.locator('tbody tr').allInnerTexts();
        assert.equal(rows.length, 1);
        await assertAccessible(page, `demo-home-manager-${lang}`);
      } finally {
        await context.close();
      }
    });

    test(`a wrong password shows an accessible error and keeps the address (${lang})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await page.goto(new URL('/login', server.baseUrl).href);
        await page.getByLabel(/Adresse e-mail|E-mail address/).fill('claire.fontaine@valbourg.example');
        await page.getByLabel(/^(Mot de passe|Password)$/).fill('not the password');
        await page.getByRole('button', { name: /Se connecter|Sign in/ }).click();
        await page.waitForSelector('#error-summary');
        assert.equal(await page.getByLabel(/Adresse e-mail|E-mail address/).inputValue(), 'claire.fontaine@valbourg.example');
        assert.equal(await page.getByLabel(/^(Mot de passe|Password)$/).inputValue(), '', 'the password is not sent back');
        await assertAccessible(page, `login-failed-${lang}`);
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
      } finally {
        await context.close();
      }
    });
  }
});
