import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const MANAGER = 'claire.fontaine@valbourg.example';

// The statutory tables (issue 11 point 4, ADR 0038) from the demo's records: the manager goes
// from the dashboard to the tables, drills down from a row to its cases, then edits a table's
// definition (a wrong line named with what was typed, then saved) and sees the page follow.
// Every page passes axe in French and English.
describe('statutory tables and their definitions', () => {
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

  const year = new Date().getFullYear();

  for (const [locale, w] of [
    ['fr-FR', {
      link: /Tableaux réglementaires/, title: 'Tableaux réglementaires', age: "Personnes suivies par tranche d'âge",
      band: '25 à 59 ans', behind: /accompagnements? derrière ce chiffre/, edit: /Modifier les tableaux/,
      admin: 'Tableaux statistiques réglementaires', housing: 'Personnes suivies par situation de logement',
      rows: 'Lignes (pour les autres tableaux)', save: 'Enregistrer le tableau', unknown: /Ligne 1 : le code « castle » n'est pas dans la liste/,
      fr: 'Intitulé en français', saved: 'Le tableau est enregistré.', newTitle: 'Logement (financeur A)',
    }],
    ['en-GB', {
      link: /Statutory tables/, title: 'Statutory tables', age: 'Persons followed by age band',
      band: '25 to 59 years', behind: /cases? behind this figure/, edit: /Edit the tables/,
      admin: 'Statutory statistical tables', housing: 'Persons followed by housing situation',
      rows: 'Rows (for the other tables)', save: 'Save the table', unknown: /Line 1: the code "castle" is not in the list/,
      fr: 'Title in French', saved: 'The table is saved.', newTitle: 'Logement (financeur A)',
    }],
  ]) {
    test(`the manager reads the tables, drills down and edits one (${locale})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
        await page.goto(new URL(`/statistics?from=${year - 2}-01-01&to=${year}-12-31`, server.baseUrl).href);
        await page.getByRole('link', { name: w.link }).click();
        await page.getByRole('heading', { name: w.title, level: 1 }).waitFor();
        const age = page.getByRole('table', { name: w.age });
        await age.waitFor();
        await assertAccessible(page, `statistics-tables-${locale}`);

        // A row with persons leads to their cases.
        const link = age.getByRole('row', { name: new RegExp(`^${w.band}`) }).getByRole('link');
        const count = Number(await link.innerText());
        assert.ok(count > 0, 'the demo has adults of 25 to 59');
        await link.click();
        await page.getByText(w.behind).waitFor();
        assert.ok((await page.locator('tbody th[scope="row"] a').count()) >= count, 'a person may have two cases');
        await assertAccessible(page, `statistics-tables-cases-${locale}`);
        await page.goBack();

        // The definitions: a wrong line is named, what was typed stays; then saved.
        await page.getByRole('link', { name: w.edit }).click();
        await page.getByRole('heading', { name: w.admin, level: 1 }).waitFor();
        await assertAccessible(page, `statistics-tables-admin-${locale}`);
        await page.getByRole('link', { name: w.housing }).click();
        await page.getByLabel(w.rows).fill('Château | Castle | castle');
        await page.getByRole('button', { name: w.save }).click();
        await page.getByRole('alert').getByText(w.unknown).waitFor();
        assert.equal(await page.getByLabel(w.rows).inputValue(), 'Château | Castle | castle');
        await assertAccessible(page, `statistics-tables-admin-error-${locale}`);
        await page.getByLabel(w.fr).fill(`${w.newTitle} ${locale}`);
        await page.getByLabel(w.rows).fill('Locataires | Tenants | social_tenant, private_tenant\nSans logement | Homeless | no_accommodation, makeshift');
        await page.getByRole('button', { name: w.save }).click();
        await page.getByText(w.saved).waitFor();
        await page.goto(new URL(`/statistics/tables?from=${year - 2}-01-01&to=${year}-12-31`, server.baseUrl).href);
        if (locale === 'fr-FR') {
          await page.getByRole('table', { name: `${w.newTitle} ${locale}` }).waitFor();
        }
      } finally {
        await context.close();
      }
    });
  }
});
