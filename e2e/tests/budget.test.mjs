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

// Issue 10 point 4: the demo worker registers a mother and her son (birth date unknown), makes
// them a household, draws up its budget — told that the son must be said adult or child and
// that an amount has too many decimals, what was typed kept — then reads the reste à vivre per
// consumption unit per day (1 300 − 610 = 690 for 1.15 UC: 20,00 € a day), in French and in
// English, and adds a debt. Every page passes axe on a desktop and a 360 px phone.
describe('household budget', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-budget-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('draw up a budget, read the reste à vivre, add a debt', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/persons/new'));
      await page.getByLabel('Nom de naissance').fill('Ouvrard');
      await page.getByLabel('Prénoms').fill('Maëlys');
      await page.getByLabel('Date de naissance').fill('14/05/1986');
      await Promise.all([
        page.waitForURL(/\/persons\/[0-9a-f-]{36}\?created=1$/),
        page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
      ]);
      await Promise.all([
        page.waitForURL(/\/households\/[0-9a-f-]{36}$/),
        page.getByRole('button', { name: 'Créer un foyer avec cette personne' }).click(),
      ]);
      const householdUrl = page.url();
      await page.getByRole('link', { name: 'Enregistrer une nouvelle personne pour ce foyer' }).click();
      await page.getByLabel('Nom de naissance').fill('Ouvrard');
      await page.getByLabel('Prénoms').fill('Timéo');
      await Promise.all([
        page.waitForURL(/\/households\/[0-9a-f-]{36}\?added=/),
        page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
      ]);
      await page.getByLabel('Lien avec la personne de référence').selectOption({ label: 'Enfant mineur' });
      await Promise.all([
        page.waitForURL(householdUrl),
        page.getByRole('button', { name: 'Ajouter au foyer' }).click(),
      ]);

      await page.getByRole('link', { name: 'Budget et dettes du ménage' }).click();
      await page.getByRole('heading', { name: 'Budget du ménage', level: 1 }).waitFor();
      await page.getByText('Aucun budget n’a encore été établi').waitFor();
      await assertAccessible(page, 'budget-01-empty-fr');
      await page.getByRole('link', { name: 'Établir un nouveau budget' }).click();
      await page.getByRole('heading', { name: 'Établir un nouveau budget', level: 1 }).waitFor();
      await assertAccessible(page, 'budget-02-form-fr');

      await page.getByLabel('Ressource 1', { exact: true }).selectOption('rsa');
      await page.getByLabel('Montant de la ressource 1').fill('900');
      await page.getByLabel('Ressource 2', { exact: true }).selectOption('family_benefits');
      await page.getByLabel('Montant de la ressource 2').fill('400,005');
      await page.getByLabel('Loyer (net de l’aide au logement)').fill('450');
      await page.getByLabel('Énergie').fill('160');
      await page.getByLabel('Alimentation (non retenue)').fill('300');
      await page.getByLabel('Ouvrard Timéo vit la moitié du temps dans le ménage (garde alternée)').check();
      await page.getByRole('button', { name: 'Enregistrer le budget' }).click();
      const summary = page.locator('#error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /Indiquez si Ouvrard Timéo est adulte ou enfant/);
      assert.match(await summary.innerText(), /Deux chiffres au plus après la virgule/);
      assert.equal(await page.getByLabel('Montant de la ressource 2').inputValue(), '400,005', 'what was typed is kept');
      assert.ok(await page.getByLabel('Ouvrard Timéo vit la moitié du temps dans le ménage (garde alternée)').isChecked());
      await assertAccessible(page, 'budget-03-form-errors-fr');

      await page.getByLabel('Ouvrard Timéo : adulte ou enfant ?').selectOption('child');
      await page.getByLabel('Montant de la ressource 2').fill('400');
      await page.getByRole('button', { name: 'Enregistrer le budget' }).click();
      await page.getByText('Le budget est enregistré.').waitFor();
      assert.equal(await page.locator('#reste-a-vivre').innerText(), '20,00\u00a0€');
      const figures = await page.locator('#budget-figures').innerText();
      assert.match(figures, /Unités de consommation\s+1,15/);
      assert.match(figures, /Aucun seuil fixé/);
      await assertAccessible(page, 'budget-04-figures-fr');

      await page.getByLabel('Créancier').fill('Énergie Ouest');
      await page.getByLabel('Montant dû').fill('842,50');
      await page.getByLabel('Mensualité du plan').fill('50');
      await page.getByLabel('Procédure de surendettement').selectOption('file_being_prepared');
      await page.getByRole('button', { name: 'Ajouter la dette' }).click();
      await page.getByText('La dette est ajoutée.').waitFor();
      await page.locator('#debts tbody tr', { hasText: 'Énergie Ouest' }).waitFor();
      await assertAccessible(page, 'budget-05-debt-fr');

      const budgetUrl = page.url().replace(/\?.*$/, '');
      await page.goto(url('/language/en'));
      await page.goto(budgetUrl);
      await page.getByRole('heading', { name: 'Household budget', level: 1 }).waitFor();
      assert.equal(await page.locator('#reste-a-vivre').innerText(), '€20.00');
      await assertAccessible(page, 'budget-06-figures-en');
      await page.getByRole('link', { name: 'Draw up a new budget' }).click();
      await page.getByRole('heading', { name: 'Draw up a new budget', level: 1 }).waitFor();
      await assertAccessible(page, 'budget-07-form-en');
    } finally {
      await context.close();
    }
  });
});
