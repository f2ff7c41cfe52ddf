import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const MANAGER = 'claire.fontaine@valbourg.example';

// A spreadsheet as French offices save them: semicolons, French headers, a household key.
const GOOD = [
  'Nom;Prénom(s);Né(e) le;Téléphone;Foyer;Lien',
  'Quénéhervé;Maïwenn;03/02/1979;06 11 22 33 44;F1;',
  'Quénéhervé;Gwendal;14/09/2012;;F1;enfant mineur',
  'Abalain;Corentin;22/11/1990;;;',
].join('\r\n');
const BAD = GOOD.replace('22/11/1990', '31/02/1990');

// A manager imports a spreadsheet: a file with an impossible date is reported line by line and
// imports nothing; the corrected file imports; sending it again flags duplicates. Axe on every
// page, in French and in English.
describe('import of persons', () => {
  let server;
  let browser;
  let dir;

  before(async () => {
    server = await startServer({ args: ['--demo'] });
    browser = await launchBrowser();
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-import-'));
    await writeFile(path.join(dir, 'bad.csv'), BAD, 'utf8');
    await writeFile(path.join(dir, 'good.csv'), GOOD, 'utf8');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const [locale, lang] of [['fr-FR', 'fr'], ['en-GB', 'en']]) {
    test(`the import pages pass axe (${lang})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
        await page.goto(new URL('/persons/import', server.baseUrl).href);
        await assertAccessible(page, `import-form-${lang}`);
        await page.locator('#file').setInputFiles(path.join(dir, 'bad.csv'));
        await page.locator('form[enctype="multipart/form-data"] button[type=submit]').click();
        await page.locator('#errors-heading').waitFor();
        await assertAccessible(page, `import-report-errors-${lang}`);
      } finally {
        await context.close();
      }
    });
  }

  test('a file with an impossible date imports nothing; the corrected one imports, once', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await page.goto(new URL('/persons', server.baseUrl).href);
      await page.getByRole('link', { name: 'Importer depuis un tableur' }).click();
      await page.getByLabel('Fichier à importer').setInputFiles(path.join(dir, 'bad.csv'));
      await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
      const errors = page.locator('table', { has: page.locator('#errors-caption') });
      await errors.waitFor();
      const rows = await errors.locator('tbody tr').allInnerTexts();
      assert.equal(rows.length, 1, rows.join('\n'));
      assert.match(rows[0], /^4\b/, 'the line as the spreadsheet numbers it');
      await page.getByText('Rien n\'est importé tant que des erreurs restent').waitFor();
      assert.equal(await page.getByRole('button', { name: /^Importer/ }).count(), 0, 'no import button while an error remains');

      await page.goto(new URL('/persons/import', server.baseUrl).href);
      await page.getByLabel('Fichier à importer').setInputFiles(path.join(dir, 'good.csv'));
      await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
      await page.getByRole('button', { name: /^Importer 3 personnes/ }).click();
      await page.getByText('Import terminé').waitFor();
      await assertAccessible(page, 'import-done-fr');

      await page.goto(new URL('/persons/import', server.baseUrl).href);
      await page.getByLabel('Fichier à importer').setInputFiles(path.join(dir, 'good.csv'));
      await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
      await page.locator('#skipped-heading').waitFor();
      const skipped = await page.locator('table', { has: page.locator('#skipped-caption') }).locator('tbody tr').count();
      assert.equal(skipped, 3, 'every row flagged as a possible duplicate');
      await assertAccessible(page, 'import-duplicates-fr');
    } finally {
      await context.close();
    }
  });
});
