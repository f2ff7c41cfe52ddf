import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { checkA11y, formatViolations, launchBrowser, newContext, screenshot, VIEWPORTS } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';

// The data protection officer searches the audit log of their organisation from the main
// navigation; a social worker has no such entry and the page does not exist for them.
describe('audit log search', () => {
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

  test('the DPO finds sign-ins in the audit log and exports them', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, 'marc.dubois@valbourg.example', DEMO_PASSWORD);
      const nav = page.getByRole('navigation', { name: 'Navigation principale' });
      await Promise.all([
        page.waitForURL(new URL('/admin/audit', server.baseUrl).href),
        nav.getByRole('link', { name: "Journal d'audit" }).click(),
      ]);
      assert.equal(await nav.getByRole('link', { name: "Journal d'audit" }).getAttribute('aria-current'), 'page');
      assert.match(await page.locator('h1').innerText(), /Journal d'audit/);
      assert.equal(await page.locator('table').count(), 0, 'no results before a search');

      await page.getByLabel('Action', { exact: true }).selectOption('login_succeeded');
      await Promise.all([
        page.waitForLoadState('load'),
        page.waitForSelector('.audit-table tbody tr'),
        page.getByRole('button', { name: 'Rechercher' }).click(),
      ]);
      // The criteria went in the request body: the address stays bare.
      assert.equal(page.url(), new URL('/admin/audit', server.baseUrl).href);
      const rows = await page.locator('.audit-table tbody tr').allInnerTexts();
      assert.ok(rows.length >= 1, 'at least the DPO\'s own sign-in');
      assert.ok(rows.every((r) => r.includes('Connexion réussie')), rows.join('\n'));
      assert.ok(rows.some((r) => r.includes('marc.dubois@valbourg.example')), rows.join('\n'));
      assert.equal(await page.getByLabel('Action', { exact: true }).inputValue(), 'login_succeeded', 'the criterion stays chosen');

      for (const [suffix, viewport] of [['desktop', VIEWPORTS.desktop], ['phone', VIEWPORTS.phone]]) {
        await page.setViewportSize(viewport);
        const violations = await checkA11y(page);
        assert.deepEqual(violations, [], `audit-search-fr-${suffix}:\n${formatViolations(violations)}`);
        await screenshot(page, `audit-search-fr-${suffix}`);
      }
      await page.setViewportSize(VIEWPORTS.desktop);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Exporter en CSV' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^audit-\d{8}-\d{6}\.csv$/);

      // Wrong criteria: a summary that links to each field, messages by the fields, and
      // what was typed kept.
      await page.getByLabel(/^Élément concerné/).fill('1234');
      await page.getByLabel('Du', { exact: true }).fill('2026-02-01');
      await page.getByLabel('Au', { exact: true }).fill('2026-01-31');
      await Promise.all([
        page.waitForSelector('#error-summary'),
        page.getByRole('button', { name: 'Rechercher' }).click(),
      ]);
      const summary = await page.locator('#error-summary').innerText();
      assert.match(summary, /identifiant de 36 caractères/);
      assert.match(summary, /date de fin/);
      assert.equal(await page.getByLabel(/^Élément concerné/).inputValue(), '1234');
      assert.equal(await page.getByLabel('Du', { exact: true }).inputValue(), '2026-02-01');
      assert.equal(await page.getByLabel(/^Élément concerné/).getAttribute('aria-invalid'), 'true');
      const violations = await checkA11y(page);
      assert.deepEqual(violations, [], formatViolations(violations));
      await screenshot(page, 'audit-errors-fr-desktop');
    } finally {
      await context.close();
    }
  });

  test('a social worker has no audit entry and the page is not found', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, 'karim.benali@valbourg.example', DEMO_PASSWORD);
      const nav = page.getByRole('navigation', { name: 'Navigation principale' });
      assert.equal(await nav.getByRole('link', { name: "Journal d'audit" }).count(), 0);
      assert.equal(await page.locator('a[href^="/admin/audit"]').count(), 0);
      const response = await page.goto(new URL('/admin/audit', server.baseUrl).href);
      assert.equal(response.status(), 404);
      assert.match(await page.locator('h1').innerText(), /Page introuvable/);
    } finally {
      await context.close();
    }
  });
});
