import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const MANAGER = 'claire.fontaine@valbourg.example';
const WORKER = 'karim.benali@valbourg.example';

// A small HSDS 3.0 JSON datapackage: two organisations, three services, one with a theme
// of another taxonomy that maps to a life domain.
function hsdsPackage() {
  return JSON.stringify({
    name: 'e2e-directory',
    resources: [
      { name: 'organization', data: [
        { id: 'o1', name: 'Mission locale du Val', description: 'Jeunes de 16 à 25 ans' },
        { id: 'o2', name: 'Point justice de Montclair' },
      ] },
      { name: 'service', data: [
        { id: 's1', organization_id: 'o1', name: 'Contrat d\'engagement jeune', status: 'active' },
        { id: 's2', organization_id: 'o1', name: 'Atelier logement', status: 'active' },
        { id: 's3', organization_id: 'o2', name: 'Permanence avocat', status: 'active', email: 'pas-un-courriel' },
      ] },
      { name: 'taxonomy_term', data: [
        { id: 't1', code: 'housing', name: 'housing', taxonomy: 'passerelle_life_domain' },
        { id: 't2', code: 'trouver-un-emploi', name: 'Trouver un emploi', taxonomy: 'data_inclusion' },
      ] },
      { name: 'attribute', data: [
        { id: 'a1', link_id: 's2', link_entity: 'service', taxonomy_term_id: 't1' },
        { id: 'a2', link_id: 's1', link_entity: 'service', taxonomy_term_id: 't2' },
      ] },
    ],
  });
}

// A manager builds the directory — adds a partner (a missing name is named first), a service
// tagged with a need, the organisation's private notes — imports an HSDS datapackage after its
// preview (one row left out, in French), searches by need; a worker reads but has no editing
// link; the same pages in English. Every page passes axe at desktop and 360 px widths.
describe('partner directory: add, import, search, in both languages', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-partners-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('a manager keeps the directory and a worker reads it', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await page.getByRole('navigation', { name: /principale/i }).getByRole('link', { name: 'Annuaire des partenaires' }).click();
      await page.getByRole('heading', { name: 'Annuaire des partenaires', level: 1 }).waitFor();
      await assertAccessible(page, 'partners-list-fr');

      await page.getByRole('link', { name: 'Ajouter un partenaire' }).click();
      await page.getByRole('heading', { name: 'Nouveau partenaire' }).waitFor();
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByRole('alert').getByText('Nom : obligatoire').waitFor();
      await assertAccessible(page, 'partners-form-errors-fr');
      await page.getByLabel('Nom', { exact: true }).fill('Épicerie solidaire du Lac');
      await page.getByLabel('Type de structure').selectOption('association');
      await page.getByLabel('Commune').fill('Valbourg');
      await page.getByLabel('Code postal').fill('99100');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText('Le partenaire est enregistré.').waitFor();

      await page.getByRole('link', { name: 'Ajouter un service' }).click();
      await page.getByLabel('Nom', { exact: true }).fill('Colis alimentaires');
      await page.getByLabel('Territoire desservi').fill('Valbourg; Montclair');
      await page.getByLabel('Horaires').fill('Mardi 9h-12h');
      await page.getByLabel('Alimentation').check();
      await assertAccessible(page, 'partners-service-form-fr');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText('Le service est enregistré.').waitFor();
      await page.getByLabel('Contacts directs').fill('Mme Roux, 06 00 00 00 00');
      await page.getByLabel('Notes', { exact: true }).fill('Répond le matin');
      await page.getByRole('button', { name: 'Enregistrer les notes' }).click();
      await page.getByText('Les notes de votre organisation sont enregistrées.').waitFor();
      await assertAccessible(page, 'partners-show-fr');

      // Import after a preview.
      const file = path.join(dataDir, 'datapackage.json');
      await writeFile(file, hsdsPackage());
      await page.goto(url('/partners/import'));
      await assertAccessible(page, 'partners-import-fr');
      await page.getByLabel('Fichier à importer').setInputFiles(file);
      await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
      await page.getByRole('heading', { name: 'Aperçu de « datapackage.json »' }).waitFor();
      await page.getByText('Courriel : ce n\'est pas une adresse de courriel').waitFor();
      await assertAccessible(page, 'partners-import-preview-fr');
      await page.getByRole('button', { name: 'Importer' }).click();
      await page.getByText('Import terminé : 4 fiches ajoutées, 0 modifiées.').waitFor();

      // Search by need.
      await page.goto(url('/partners'));
      await page.getByLabel('Besoin (domaine de vie)').selectOption({ label: 'Emploi, insertion' });
      await page.getByRole('button', { name: 'Chercher' }).click();
      await page.getByRole('link', { name: 'Contrat d\'engagement jeune' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Colis alimentaires' }).count(), 0);
      await assertAccessible(page, 'partners-search-fr');

      // In English.
      await page.goto(url('/language/en'));
      await page.goto(url('/partners?area=valbourg'));
      await page.getByRole('heading', { name: 'Partner directory', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Colis alimentaires' }).click();
      await page.getByRole('heading', { name: 'Épicerie solidaire du Lac' }).waitFor();
      await page.getByText('Répond le matin').waitFor();
      await assertAccessible(page, 'partners-show-en');
      await page.getByRole('link', { name: 'Change Épicerie solidaire du Lac' }).click();
      await assertAccessible(page, 'partners-form-en');
      await page.goto(url('/partners/import'));
      await page.getByRole('heading', { name: 'Import and export the directory' }).waitFor();
      await assertAccessible(page, 'partners-import-en');
    } finally {
      await context.close();
    }

    const workerContext = await newContext(browser, { locale: 'en-GB' });
    try {
      const page = await workerContext.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/partners?q=epicerie'));
      await page.getByRole('link', { name: 'Colis alimentaires' }).click();
      await page.getByText('Répond le matin').waitFor();
      assert.equal(await page.getByRole('link', { name: /^Change/ }).count(), 0, 'no editing for a worker');
      await assertAccessible(page, 'partners-show-worker-en');
    } finally {
      await workerContext.close();
    }
  });
});
