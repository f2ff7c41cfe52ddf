import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { checkA11y, formatViolations, launchBrowser, newContext, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

// The caller provides a fresh, empty database; without one this suite must show
// up as skipped rather than pass unnoticed.
const databaseUrl = process.env.PASSERELLE_E2E_POSTGRES_URL;
// scripts/test.sh sets this: there, a missing database is a failure, not a skip.
const required = process.env.PASSERELLE_E2E_REQUIRE_POSTGRES === '1';
const TEST_SECRET_KEY = '5e11e2e05e11e2e05e11e2e05e11e2e05e11e2e05e11e2e05e11e2e05e11e2e0';

// An administrator sets up an organisation and an account from the command line; the new
// user opens the printed link, chooses a password and signs in — all on PostgreSQL.
test(
  'first account on PostgreSQL: link, password, sign-in',
  { skip: databaseUrl || required ? false : 'PASSERELLE_E2E_POSTGRES_URL is not set' },
  async () => {
    if (!databaseUrl) throw new Error('PASSERELLE_E2E_REQUIRE_POSTGRES=1 but PASSERELLE_E2E_POSTGRES_URL is not set');
    const server = await startServer({
      env: {
        PASSERELLE_DATABASE_URL: databaseUrl,
        PASSERELLE_SECRET_KEY: TEST_SECRET_KEY,
        PASSERELLE_ARGON2_MEMORY_KIB: '1024',
        PASSERELLE_ARGON2_ITERATIONS: '1',
      },
    });
    let browser;
    try {
      server.cli(['org', 'create', '--slug', 'ccas-e2e', '--name', 'CCAS de Bellerive']);
      const out = server.cli([
        'user', 'create', '--email', 'lea.nguyen@bellerive.example', '--name', 'Léa Nguyen',
        '--org', 'ccas-e2e', '--role', 'worker',
      ]);
      const link = out.split('\n').find((l) => l.startsWith('http'));
      assert.ok(link, out);

      browser = await launchBrowser();
      const context = await newContext(browser, { locale: 'fr-FR' });
      const page = await context.newPage();
      await page.goto(link);
      let violations = await checkA11y(page);
      assert.deepEqual(violations, [], formatViolations(violations));
      await screenshot(page, 'postgres-set-password');
      const phrase = 'le héron traverse la passerelle 3 fois';
      await page.getByLabel('Nouveau mot de passe').fill(phrase);
      await page.getByLabel('Confirmer le mot de passe').fill(phrase);
      await Promise.all([page.waitForURL(/\/login/), page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click()]);
      assert.match(await page.locator('.notice:visible').innerText(), /mot de passe est enregistré/);

      await signIn(page, server.baseUrl, 'lea.nguyen@bellerive.example', phrase);
      assert.match(await page.locator('.lead').innerText(), /CCAS de Bellerive/);
      violations = await checkA11y(page);
      assert.deepEqual(violations, [], formatViolations(violations));
      await screenshot(page, 'postgres-home');

      // The link is spent.
      await page.goto(link);
      assert.match(await page.locator('main').innerText(), /n'est plus valable/);
      server.cli(['audit', 'verify']);
    } finally {
      await browser?.close();
      await server.stop();
    }
  },
);
