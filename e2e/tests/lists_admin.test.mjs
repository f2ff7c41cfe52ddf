import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const MANAGER = 'claire.fontaine@valbourg.example';
const WORKER = 'karim.benali@valbourg.example';
const HOUSING = '/admin/lists/housing_situation';

// The manager of the demo's CCAS adapts the housing list to the organisation: hides a value,
// relabels another, adds one of its own after a refused first try; the person form follows.
describe('value lists administration', () => {
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

  test('the manager hides, relabels and extends the housing list, and the person form follows', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await page.goto(new URL('/admin/users', server.baseUrl).href);
      const adminNav = page.getByRole('navigation', { name: 'Administration' });
      await Promise.all([
        page.waitForURL(new URL('/admin/lists', server.baseUrl).href),
        adminNav.getByRole('link', { name: 'Listes de valeurs' }).click(),
      ]);
      assert.equal(await adminNav.getByRole('link', { name: 'Listes de valeurs' }).getAttribute('aria-current'), 'page');
      const rows = await page.locator('tbody tr').allInnerTexts();
      // The seven lists of persons and intake, the three of cases (note types, orientation
      // sources, closure reasons), the life domains of assessments, the document types, and
      // the three of aid (types, payment methods, refusal reasons).
      assert.equal(rows.length, 15, rows.join('\n'));
      assert.ok(rows.some((r) => r.includes("Types d'aide") && r.includes('Aid types')), rows.join('\n'));
      assert.ok(rows.some((r) => r.includes('Domaines de vie (diagnostic)')), rows.join('\n'));
      assert.ok(rows.some((r) => r.includes('Types de documents')), rows.join('\n'));
      assert.ok(rows.some((r) => r.includes("Motifs de fin d'accompagnement") && r.includes('Case closure reasons')), rows.join('\n'));
      assert.ok(rows.some((r) => r.includes('Situation de logement') && r.includes('Housing situation')), rows.join('\n'));
      await assertAccessible(page, 'lists-index-fr');

      await Promise.all([
        page.waitForURL(new URL(HOUSING, server.baseUrl).href),
        page.getByRole('link', { name: 'Situation de logement' }).click(),
      ]);
      assert.equal(await page.locator('h1').innerText(), 'Situation de logement');
      await assertAccessible(page, 'lists-housing-fr');

      // A position that is not a number: refused, everything typed kept.
      await page.getByLabel('Masquer « Propriétaire »').check();
      await page.getByLabel('Libellé français de « Locataire du parc social »').fill('Locataire HLM');
      await page.getByLabel('Position de « Hôtel (115, ASE) »').fill('dix');
      await Promise.all([
        page.waitForLoadState('load'),
        page.waitForSelector('#error-summary'),
        page.getByRole('button', { name: 'Enregistrer la liste' }).click(),
      ]);
      assert.match(await page.locator('#error-summary').innerText(), /Hôtel \(115, ASE\) : la position doit être un nombre entier/);
      assert.equal(await page.getByLabel('Libellé français de « Locataire du parc social »').inputValue(), 'Locataire HLM');
      assert.ok(await page.getByLabel('Masquer « Propriétaire »').isChecked());
      await assertAccessible(page, 'lists-housing-errors-fr');
      await page.locator('#error-summary a').first().click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'position-hotel');

      await page.getByLabel('Position de « Hôtel (115, ASE) »').fill('100');
      await Promise.all([
        page.waitForURL(/notice=saved/),
        page.getByRole('button', { name: 'Enregistrer la liste' }).click(),
      ]);
      assert.match(await page.getByRole('status').innerText(), /La liste est enregistrée/);

      // An own value: a bad code and no French label first.
      await page.getByLabel('Code', { exact: true }).fill('Péniche');
      await page.getByLabel('Libellé anglais (facultatif)').fill('Houseboat');
      await Promise.all([
        page.waitForLoadState('load'),
        page.waitForSelector('#add-error-summary'),
        page.getByRole('button', { name: 'Ajouter la valeur' }).click(),
      ]);
      const summary = await page.locator('#add-error-summary').innerText();
      assert.match(summary, /Le code ne peut contenir que des lettres minuscules/);
      assert.match(summary, /indiquez un libellé français/);
      assert.equal(await page.getByLabel('Libellé anglais (facultatif)').inputValue(), 'Houseboat');
      await assertAccessible(page, 'lists-add-errors-fr');
      await page.getByLabel('Code', { exact: true }).fill('peniche');
      await page.getByLabel('Libellé français', { exact: true }).fill('Péniche');
      await Promise.all([
        page.waitForURL(/notice=added/),
        page.getByRole('button', { name: 'Ajouter la valeur' }).click(),
      ]);
      assert.equal(await page.getByLabel('Libellé français de « Péniche »').inputValue(), 'Péniche');

    } finally {
      await context.close();
    }

    // A worker's person form offers the list as the organisation made it.
    const workers = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await workers.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(new URL('/persons/new', server.baseUrl).href);
      const options = await page.getByLabel('Situation de logement').locator('option').allInnerTexts();
      assert.ok(options.length > 10, options.join(' | '));
      assert.ok(!options.includes('Propriétaire'), options.join(' | '));
      assert.ok(options.includes('Locataire HLM'), options.join(' | '));
      assert.ok(options.includes('Péniche'), options.join(' | '));
    } finally {
      await workers.close();
    }
  });

  test('the list pages read well in English', async () => {
    const context = await newContext(browser, { locale: 'en-GB' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await page.goto(new URL('/admin/lists', server.baseUrl).href);
      assert.equal(await page.locator('h1').innerText(), 'Value lists');
      await assertAccessible(page, 'lists-index-en');
      await page.goto(new URL(HOUSING, server.baseUrl).href);
      assert.equal(await page.getByLabel('Hide “Owner-occupier”').count(), 1);
      await page.getByLabel('Code', { exact: true }).fill('x');
      await Promise.all([
        page.waitForLoadState('load'),
        page.waitForSelector('#add-error-summary'),
        page.getByRole('button', { name: 'Add the value' }).click(),
      ]);
      assert.match(await page.locator('#add-error-summary').innerText(), /The new value: enter a French label/);
      await assertAccessible(page, 'lists-housing-errors-en');
    } finally {
      await context.close();
    }
  });
});
