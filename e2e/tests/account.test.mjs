import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, checkA11y, formatViolations, launchBrowser, newContext, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { base32Decode, totpCode } from '../lib/totp.mjs';

const DEMO_PASSWORD = 'passerelle-demo';

describe('my account', () => {
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

  test('a worker turns on two-step verification, then signs in with a code', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, 'karim.benali@valbourg.example', DEMO_PASSWORD);
      await page.getByRole('link', { name: /Connecté·e en tant que Karim Benali/ }).click();
      assert.equal(await page.locator('h1').innerText(), 'Mon compte');
      await assertAccessible(page, 'account-fr');
      await page.getByRole('link', { name: 'Gérer la vérification en deux étapes' }).click();
      assert.equal(await page.locator('.qr svg').count(), 1, 'a QR code');
      await assertAccessible(page, 'second-factor-enrol-fr');
      const secret = base32Decode(await page.locator('.secret-key').innerText());
      await page.getByLabel(/Saisissez le code/).fill(totpCode(secret));
      await page.getByRole('button', { name: 'Activer' }).click();
      await page.waitForSelector('.recovery-codes');
      assert.equal(await page.locator('.recovery-codes li').count(), 10);
      await assertAccessible(page, 'second-factor-recovery-codes-fr');

      // A new browser: the password, then the code of the next time step.
      const other = await newContext(browser, { locale: 'fr-FR' });
      const second = await other.newPage();
      await second.goto(new URL('/login', server.baseUrl).href);
      await second.getByLabel('Adresse e-mail').fill('karim.benali@valbourg.example');
      await second.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
      await Promise.all([second.waitForURL(/\/login\/second-factor/), second.getByRole('button', { name: 'Se connecter' }).click()]);
      await assertAccessible(second, 'second-factor-challenge-fr');
      await second.getByLabel(/Code à 6 chiffres/).fill(totpCode(secret, 1));
      await Promise.all([second.waitForURL(new URL('/', server.baseUrl).href), second.getByRole('button', { name: 'Vérifier' }).click()]);
      assert.match(await second.locator('.lead').innerText(), /CCAS de Valbourg/);
      await other.close();
    } finally {
      await context.close();
    }
  });

  test('a supervisor of two organisations switches from one to the other', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, 'sophie.lambert@valbourg.example', DEMO_PASSWORD);
      assert.match(await page.locator('.organisation-name').innerText(), /Association Le Relais|CCAS de Valbourg/);
      const before = await page.locator('.organisation-name').innerText();
      const cookieBefore = (await context.cookies()).find((c) => c.name === 'passerelle_session').value;
      await page.getByRole('link', { name: /Connecté·e en tant que Sophie Lambert/ }).click();
      await assertAccessible(page, 'account-two-organisations-fr');
      const other = before.includes('Relais') ? 'CCAS de Valbourg' : 'Association Le Relais';
      await Promise.all([
        page.waitForURL(new URL('/', server.baseUrl).href),
        page.getByRole('button', { name: new RegExp(`Travailler dans cette structure : ${other}`) }).click(),
      ]);
      assert.equal(await page.locator('.organisation-name').innerText(), other);
      assert.match(await page.locator('.lead').innerText(), new RegExp(`${other} \\(superviseur·e\\)`));
      const cookieAfter = (await context.cookies()).find((c) => c.name === 'passerelle_session').value;
      assert.notEqual(cookieAfter, cookieBefore, 'a new session id after the switch');
    } finally {
      await context.close();
    }
  });

  test('the session warning offers to stay signed in, and what was typed is kept on the server', async () => {
    const context = await newContext(browser, { locale: 'en-GB' });
    try {
      const page = await context.newPage();
      await page.clock.install();
      await signIn(page, server.baseUrl, 'julie.morel@valbourg.example', DEMO_PASSWORD);
      await page.goto(new URL('/persons/new', server.baseUrl).href);
      await page.getByLabel('Birth name').fill('Nguyễn-Morel');
      assert.equal(await page.locator('#session-warning').isVisible(), false);
      await page.clock.fastForward('28:30');
      await page.waitForSelector('#session-warning[open]');
      const violations = await checkA11y(page);
      assert.deepEqual(violations, [], formatViolations(violations));
      await screenshot(page, 'session-warning-en');
      const keepAlive = page.waitForResponse((r) => r.url().endsWith('/account/keep-alive'));
      await page.getByRole('button', { name: 'Stay signed in' }).click();
      assert.equal((await keepAlive).status(), 204);
      assert.equal(await page.locator('#session-warning').isVisible(), false);
      // Just before the end, what was typed goes to the server (nothing in the browser's
      // storage), then the page leaves for the sign-in page.
      const kept = page.waitForResponse((r) => r.url().endsWith('/account/form-draft'));
      await page.clock.fastForward('29:55');
      assert.equal((await kept).status(), 204);
      // The server's clock does not follow the page's: the session ends by losing its cookie.
      await context.clearCookies();
      await page.clock.fastForward('00:11');
      await page.waitForURL(/\/login\?notice=expired/);
      const stored = await page.evaluate(() => [sessionStorage.length, localStorage.length]);
      assert.deepEqual(stored, [0, 0], 'nothing typed is kept in the browser');
      // Signing in again and coming back to the page brings it back, once.
      await signIn(page, server.baseUrl, 'julie.morel@valbourg.example', DEMO_PASSWORD);
      await page.goto(new URL('/persons/new', server.baseUrl).href);
      await page.waitForSelector('#draft-restored:not([hidden])');
      assert.equal(await page.getByLabel('Birth name').inputValue(), 'Nguyễn-Morel');
      await page.reload();
      await page.waitForLoadState('networkidle');
      assert.equal(await page.getByLabel('Birth name').inputValue(), '');
    } finally {
      await context.close();
    }
  });

  test('a session gone before the page could keep what was typed hides the page and keeps it after signing in again', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await page.clock.install();
      await signIn(page, server.baseUrl, 'julie.morel@valbourg.example', DEMO_PASSWORD);
      await page.goto(new URL('/persons/new', server.baseUrl).href);
      await page.getByLabel('Nom de naissance').fill('Lê-Dupuis');
      // The computer slept: the session ended on the server before the page could send.
      await context.clearCookies();
      const refused = page.waitForResponse((r) => r.url().endsWith('/account/form-draft'));
      await page.clock.fastForward('29:55');
      assert.notEqual((await refused).status(), 204);
      await page.waitForSelector('#session-ended:not([hidden])');
      assert.equal(await page.locator('main').isVisible(), false, 'the content is hidden');
      const violations = await checkA11y(page);
      assert.deepEqual(violations, [], formatViolations(violations));
      // Asking before signing in again says so, and loses nothing.
      await page.getByRole('button', { name: 'Je me suis reconnecté·e : garder ma saisie' }).click();
      await page.waitForSelector('#session-not-yet:not([hidden])');
      // Signed in again in another tab, the page keeps what was typed and brings it back.
      const other = await context.newPage();
      await signIn(other, server.baseUrl, 'julie.morel@valbourg.example', DEMO_PASSWORD);
      await other.close();
      await Promise.all([
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Je me suis reconnecté·e : garder ma saisie' }).click(),
      ]);
      await page.waitForSelector('#draft-restored:not([hidden])');
      assert.equal(await page.getByLabel('Nom de naissance').inputValue(), 'Lê-Dupuis');
      assert.deepEqual(await page.evaluate(() => [sessionStorage.length, localStorage.length]), [0, 0]);
    } finally {
      await context.close();
    }
  });
});
