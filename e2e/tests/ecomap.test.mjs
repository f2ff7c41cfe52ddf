import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';

// Issue 8 point 6: the demo worker opens the ecomap of a case from its page, is told what is
// missing in a tie, adds two (a sister, strong; a landlord, a source of stress), sees them
// drawn and listed, changes one, removes it. The page passes axe in French and English, on a
// desktop and a 360 px phone (assertAccessible checks both).
describe('ecomap of a case', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-ecomap-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('add, draw, change and remove the ties around the person', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/my-day'));
      await page.locator('li.task', { hasText: 'Préparer le dossier FSL' }).getByRole('link', { name: 'Accompagnement' }).click();
      await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
      await page.getByRole('link', { name: 'Écocarte : qui entoure la personne' }).click();
      await page.getByRole('heading', { name: /^Écocarte de /, level: 1 }).waitFor();
      const ecomapUrl = page.url();

      // A tie without its kind and strength: both named, the name typed kept.
      await page.getByLabel('Avec qui').fill('Sa sœur Leïla');
      await page.getByRole('button', { name: 'Ajouter le lien' }).click();
      await page.getByRole('alert').getByText('Choisissez le type de lien.').waitFor();
      assert.equal(await page.getByLabel('Avec qui').inputValue(), 'Sa sœur Leïla');
      await assertAccessible(page, 'ecomap-refused-fr');

      await page.getByLabel('Type de lien').selectOption('family');
      await page.getByLabel('Fort', { exact: true }).check();
      await page.getByLabel('Ce qu\'il faut en savoir').fill('Vient le dimanche, garde les enfants le mercredi.');
      await page.getByRole('button', { name: 'Ajouter le lien' }).click();
      await page.getByText('Le lien a été ajouté.').waitFor();
      await page.getByLabel('Avec qui').fill('Bailleur social');
      await page.getByLabel('Type de lien').selectOption('service');
      await page.getByLabel('Source de tension').check();
      await page.getByRole('button', { name: 'Ajouter le lien' }).click();
      await page.getByText('Le lien a été ajouté.').waitFor();

      // Drawn (one circle, one square) and described in words; listed in the table.
      const drawing = page.getByRole('img', { name: /^Écocarte de / });
      await drawing.waitFor();
      assert.equal(await page.locator('svg .ecomap-informal').count(), 1);
      assert.equal(await page.locator('svg .ecomap-formal').count(), 1);
      assert.equal(await page.locator('figure.ecomap > svg line.tie-stressful').count(), 1);
      const rows = page.locator('#ties-section tbody tr');
      assert.equal(await rows.count(), 2);
      await assertAccessible(page, 'ecomap-fr');

      // Changed: weaker now.
      await page.getByRole('link', { name: 'Modifier « Sa sœur Leïla »' }).click();
      await page.getByRole('heading', { name: 'Modifier le lien', level: 2 }).waitFor();
      await page.getByLabel('Faible', { exact: true }).check();
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText('Le lien a été modifié.').waitFor();
      await rows.filter({ hasText: 'Sa sœur Leïla' }).getByText('Faible').waitFor();

      // In English.
      await page.goto(url('/language/en'));
      await page.goto(ecomapUrl);
      await page.getByRole('heading', { name: /^Ecomap of /, level: 1 }).waitFor();
      await page.getByRole('columnheader', { name: 'Strength of the tie' }).waitFor();
      await assertAccessible(page, 'ecomap-en');

      // Removed.
      await page.getByRole('button', { name: 'Remove "Bailleur social"' }).click();
      await page.getByText('The tie was removed.').waitFor();
      assert.equal(await rows.count(), 1);
    } finally {
      await context.close();
    }
  });
});
