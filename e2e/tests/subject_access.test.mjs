import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { checkA11y, formatViolations, launchBrowser, newContext, screenshot, VIEWPORTS } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';

// The data protection officer logs a person's access request (the person found by name, then
// chosen), reads its deadline, and downloads the export as a zip and as a PDF (ADR 0035).
describe('subject access requests', () => {
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

  const check = async (page, name) => {
    for (const [suffix, viewport] of [['desktop', VIEWPORTS.desktop], ['phone', VIEWPORTS.phone]]) {
      await page.setViewportSize(viewport);
      const violations = await checkA11y(page);
      assert.deepEqual(violations, [], `${name}-${suffix}:\n${formatViolations(violations)}`);
      await screenshot(page, `${name}-${suffix}`);
    }
    await page.setViewportSize(VIEWPORTS.desktop);
  };

  for (const [locale, l] of [
    ['fr-FR', {
      nav: 'Demandes d\'exercice des droits', title: 'Demandes des personnes sur leurs données',
      query: 'Nom de la personne', find: 'Chercher la personne', log: 'Enregistrer la demande',
      kind: 'Demande', portability: 'Portabilité (art. 20)', created: 'La demande est enregistrée.',
      zip: 'Télécharger les données (JSON et fichiers, zip)', pdf: 'Télécharger le PDF lisible', main: 'Navigation principale',
    }],
    ['en-GB', {
      nav: 'Subject requests', title: 'Requests from persons about their data',
      query: 'The person\'s name', find: 'Find the person', log: 'Log the request',
      kind: 'Request', portability: 'Portability (art. 20)', created: 'The request is logged.',
      zip: 'Download the data (JSON and files, zip)', pdf: 'Download the readable PDF', main: 'Main navigation',
    }],
  ]) {
    test(`the DPO logs a request and downloads the export (${locale})`, async () => {
      const context = await newContext(browser, { locale, acceptDownloads: true });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, 'marc.dubois@valbourg.example', DEMO_PASSWORD);
        const main = page.getByRole('navigation', { name: l.main });
        await Promise.all([
          page.waitForURL(new URL('/privacy/requests', server.baseUrl).href),
          main.getByRole('link', { name: l.nav }).click(),
        ]);
        assert.equal(await page.locator('h1').innerText(), l.title);
        assert.equal(await main.getByRole('link', { name: l.nav }).getAttribute('aria-current'), 'page');
        await check(page, `subject-requests-${locale}`);

        // Found by name, then chosen.
        await page.getByLabel(l.query).fill('Martin');
        await page.getByLabel(l.kind, { exact: true }).selectOption({ label: l.portability });
        await page.getByRole('button', { name: l.find }).click();
        const choices = page.locator('input[name="person_id"]');
        assert.ok(await choices.count() > 0, 'persons named Martin are offered');
        await check(page, `subject-requests-choose-${locale}`);
        await choices.first().check();
        await Promise.all([
          page.waitForURL(/\/privacy\/requests\/[0-9a-f-]+\?done=created$/),
          page.getByRole('button', { name: l.log }).click(),
        ]);
        assert.equal(await page.getByRole('status').innerText(), l.created);
        await check(page, `subject-request-${locale}`);

        for (const [name, suffix] of [[l.zip, '.zip'], [l.pdf, '.pdf']]) {
          const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.getByRole('link', { name }).click(),
          ]);
          assert.ok(download.suggestedFilename().endsWith(suffix), download.suggestedFilename());
          const { readFile } = await import('node:fs/promises');
          const bytes = await readFile(await download.path());
          assert.ok(bytes.length > 500, `${suffix}: ${bytes.length} bytes`);
        }
        // Both exports are listed on the request.
        await page.reload();
        assert.equal(await page.locator('#exports-caption + thead + tbody tr').count(), 2);
      } finally {
        await context.close();
      }
    });
  }
});
