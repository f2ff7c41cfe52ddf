import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const RECEPTION = 'julie.morel@valbourg.example';

// Issue 10 point 5: at the desk, a reception agent registers a person, gives them a postal
// address (renewal a year on), is told what is missing in a mail form, registers a letter,
// sees it on the desk's list and hands it over. Pages pass axe in French and English.
describe('domiciliation at the desk', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-domiciliation-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('register the election and the mail, hand it over', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, RECEPTION, DEMO_PASSWORD);
      await page.goto(url('/persons/new'));
      await page.getByLabel('Nom de naissance').fill('Kouyaté');
      await page.getByLabel('Prénoms').fill('Awa');
      await page.getByLabel('Date de naissance').fill('03/07/1979');
      await Promise.all([
        page.waitForURL(/\/persons\/[0-9a-f-]{36}\?created=1$/),
        page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
      ]);
      await page.getByRole('link', { name: 'Domiciliation et courrier' }).click();
      await page.getByRole('heading', { name: 'Domiciliation de Kouyaté Awa', level: 1 }).waitFor();
      await assertAccessible(page, 'domiciliation-01-none-fr');
      await page.getByLabel('Début').fill('2026-01-15');
      await page.getByRole('button', { name: 'Enregistrer la domiciliation' }).click();
      await page.getByText('La domiciliation est enregistrée.').waitFor();
      assert.match(await page.locator('#election').innerText(), /15\/01\/2027/);

      // Mail without its kind: named, the sender typed kept.
      await page.getByLabel('Expéditeur').fill('Caisse d’allocations familiales');
      await page.getByRole('button', { name: 'Enregistrer le courrier' }).click();
      await page.locator('#error-summary').getByText('Choisissez le type de courrier.').waitFor();
      assert.equal(await page.getByLabel('Expéditeur').inputValue(), 'Caisse d’allocations familiales');
      await assertAccessible(page, 'domiciliation-02-mail-error-fr');
      await page.getByLabel('Type de courrier').selectOption('registered');
      await page.getByRole('button', { name: 'Enregistrer le courrier' }).click();
      await page.getByText('Le courrier est enregistré.').waitFor();
      await assertAccessible(page, 'domiciliation-03-election-fr');

      await page.getByRole('link', { name: 'Courrier des personnes domiciliées' }).click();
      await page.getByRole('heading', { name: 'Courrier des personnes domiciliées', level: 1 }).waitFor();
      const row = page.locator('tbody tr', { hasText: 'Kouyaté Awa' });
      await row.waitFor();
      await assertAccessible(page, 'domiciliation-04-desk-fr');
      await row.getByRole('button', { name: /^Remis aujourd'hui à Kouyaté Awa/ }).click();
      await page.getByText('Le courrier est noté comme remis.').waitFor();

      await page.goto(url('/language/en'));
      await page.goto(url('/domiciliation/mail'));
      await page.getByRole('heading', { name: 'Mail of persons with a postal address here', level: 1 }).waitFor();
      await assertAccessible(page, 'domiciliation-05-desk-en');
      await page.getByRole('link', { name: 'Kouyaté Awa' }).first().click();
      await page.getByRole('heading', { name: 'Postal address of Kouyaté Awa', level: 1 }).waitFor();
      await assertAccessible(page, 'domiciliation-06-election-en');
    } finally {
      await context.close();
    }
  });
});
