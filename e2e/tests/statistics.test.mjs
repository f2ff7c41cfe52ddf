import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const MANAGER = 'claire.fontaine@valbourg.example';
const WORKER = 'karim.benali@valbourg.example';
const RECEPTION = 'julie.morel@valbourg.example';

// The activity dashboard from the demo's recorded work (issue 11): the manager reads the
// organisation's figures for a period, drills down from a figure to the cases behind it and
// opens one; a worker reads their own caseload's; reception has no statistics. Every page
// passes axe in French and English, on a desktop and a phone.
describe('activity statistics and their drill-down', () => {
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
      nav: 'Navigation principale', link: 'Statistiques', title: "Statistiques d'activité", from: 'Du', to: 'Au', show: 'Afficher',
      followed: 'Accompagnements en cours pendant la période', scope: 'Toute la structure', behind: /accompagnements? derrière ce chiffre/,
      names: 'Mettre le nom des personnes dans le fichier', confirm: /^Je confirme avoir besoin de ces noms/, list: 'Télécharger la liste (CSV)', unconfirmed: 'Pour mettre les noms dans le fichier, cochez la confirmation.',
      back: 'Retour aux statistiques', csv: 'Télécharger en CSV', suppressed: 'masqué', reversed: 'La date de fin est avant la date de début.', contacts: 'Contacts par type',
    }],
    ['en-GB', {
      nav: 'Main navigation', link: 'Statistics', title: 'Activity statistics', from: 'From', to: 'To', show: 'Show',
      followed: 'Cases followed during the period', scope: 'The whole organisation', behind: /cases? behind this figure/,
      names: "Put the persons' names in the file", confirm: /^I confirm that I need these names/, list: 'Download the list (CSV)', unconfirmed: 'To put the names in the file, tick the confirmation.',
      back: 'Back to the statistics', csv: 'Download as CSV', suppressed: 'suppressed', reversed: 'The end date is before the start date.', contacts: 'Contacts by type',
    }],
  ]) {
    test(`the manager reads the figures and the cases behind one (${locale})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
        const nav = page.getByRole('navigation', { name: w.nav });
        await nav.getByRole('link', { name: w.link, exact: true }).click();
        await page.getByRole('heading', { name: w.title, level: 1 }).waitFor();
        assert.equal(await nav.getByRole('link', { name: w.link, exact: true }).getAttribute('aria-current'), 'page');

        // A reversed period is named, what was typed stays, no figure is shown.
        await page.getByLabel(w.from, { exact: true }).fill(`${year}-06-30`);
        await page.getByLabel(w.to, { exact: true }).fill(`${year}-01-01`);
        await page.getByRole('button', { name: w.show }).click();
        await page.getByRole('alert').getByText(w.reversed).waitFor();
        assert.equal(await page.getByLabel(w.from, { exact: true }).inputValue(), `${year}-06-30`);
        assert.equal(await page.locator('#figures-heading').count(), 0);
        await assertAccessible(page, `statistics-error-${locale}`);

        // The demo's history covers the last two years.
        await page.getByLabel(w.from, { exact: true }).fill(`${year - 2}-01-01`);
        await page.getByLabel(w.to, { exact: true }).fill(`${year}-12-31`);
        await page.getByRole('button', { name: w.show }).click();
        await page.locator('#figures-heading').waitFor();
        assert.match(await page.locator('#figures-heading').innerText(), new RegExp(w.scope));
        // The chart is an image with its title, and its table says the same.
        await page.getByRole('img', { name: w.contacts }).waitFor();
        await assertAccessible(page, `statistics-dashboard-${locale}`);
        // The export for outside the team downloads as a file, small counts suppressed.
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: w.csv }).click()]);
        assert.match(download.suggestedFilename(), /^statistiques-.*\.csv$/);
        const csv = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
        assert.match(csv, new RegExp(w.suppressed));

        const row = page.getByRole('row', { name: new RegExp(`^${w.followed}`) });
        const link = row.getByRole('link');
        const count = Number(await link.innerText());
        assert.ok(count > 0, 'the demo has cases followed');
        await link.click();
        await page.getByText(w.behind).waitFor();
        assert.match(await page.getByText(w.behind).innerText(), new RegExp(String(count)));
        // The manager may open every case of the organisation: each one is named and linked.
        const names = page.locator('tbody th[scope="row"] a');
        assert.equal(await names.count(), Math.min(count, 500));
        await assertAccessible(page, `statistics-cases-${locale}`);
        const first = await names.first().getAttribute('href');
        assert.match(first, /^\/cases\/[0-9a-f-]{36}$/);
        const firstName = (await names.first().innerText()).trim();

        // The list downloads; names only once the manager confirms why.
        await page.getByLabel(w.names).check();
        await page.getByRole('button', { name: w.list }).click();
        await page.getByRole('alert').getByText(w.unconfirmed).waitFor();
        assert.ok(await page.getByLabel(w.names).isChecked(), 'the choice is kept');
        await assertAccessible(page, `statistics-list-unconfirmed-${locale}`);
        await page.getByLabel(w.confirm).check();
        const [list] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: w.list }).click()]);
        assert.match(list.suggestedFilename(), /^statistics-cases-followed\.csv$/);
        const named = await (await import('node:fs/promises')).readFile(await list.path(), 'utf8');
        assert.ok(named.includes(firstName), `${firstName} in the named list`);

        // Back to the same period and scope.
        await page.getByRole('link', { name: w.back }).click();
        await page.locator('#figures-heading').waitFor();
        assert.equal(await page.getByLabel(w.from, { exact: true }).inputValue(), `${year - 2}-01-01`);

        await page.goto(new URL(first, server.baseUrl).href);
        assert.match(page.url(), /\/cases\//);
        assert.notEqual(await page.locator('h1').count(), 0);
      } finally {
        await context.close();
      }
    });
  }

  test('a worker reads their own caseload, reception has no statistics', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(new URL(`/statistics?from=${year - 2}-01-01&to=${year}-12-31`, server.baseUrl).href);
      await page.locator('#figures-heading').waitFor();
      assert.match(await page.locator('#figures-heading').innerText(), /Mon portefeuille/);
      // No choice of team or worker: their own figures only.
      assert.equal(await page.locator('select#team, select#worker').count(), 0);
      await assertAccessible(page, 'statistics-worker-fr');
      const res = await page.goto(new URL('/statistics?team=00000000-0000-0000-0000-000000000000', server.baseUrl).href);
      assert.equal(res.status(), 404);
    } finally {
      await context.close();
    }
    const reception = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await reception.newPage();
      await signIn(page, server.baseUrl, RECEPTION, DEMO_PASSWORD);
      const nav = page.getByRole('navigation', { name: 'Navigation principale' });
      assert.equal(await nav.getByRole('link', { name: 'Statistiques', exact: true }).count(), 0);
      const res = await page.goto(new URL('/statistics', server.baseUrl).href);
      assert.equal(res.status(), 404);
    } finally {
      await reception.close();
    }
  });
});
