import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const MANAGER = 'claire.fontaine@valbourg.example';
const WORKER = 'karim.benali@valbourg.example';

// The annual activity report (issue 11 point 4, ADR 0039): from the dashboard, the manager
// opens the report of last year (the demo's history), writes the introduction and saves it,
// and downloads the PDF. A wrong year is named with what was typed. Every page passes axe in
// French and English, on a desktop and a phone.
describe('the annual activity report', () => {
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

  const year = new Date().getFullYear() - 1;

  for (const [locale, w] of [
    ['fr-FR', {
      link: "Rapport d'activité annuel", year: 'Année', show: 'Afficher', intro: 'Introduction', save: 'Enregistrer les textes',
      saved: 'Les textes sont enregistrés.', pdf: 'Télécharger le rapport (PDF)', months: 'Contacts par mois',
      wrongYear: "Indiquez l'année en quatre chiffres", text: 'Une année de travail avec les partenaires du quartier.',
    }],
    ['en-GB', {
      link: 'Annual activity report', year: 'Year', show: 'Show', intro: 'Introduction', save: 'Save the texts',
      saved: 'The texts are saved.', pdf: 'Download the report (PDF)', months: 'Contacts per month',
      wrongYear: 'Enter the year as four digits', text: 'A year of work with the partners of the area.',
    }],
  ]) {
    test(`the manager writes the report's introduction and downloads it (${locale})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
        await page.goto(new URL('/statistics', server.baseUrl).href);
        await page.getByRole('link', { name: w.link }).click();
        await page.getByRole('heading', { name: w.link, level: 1 }).waitFor();

        // A wrong year: named, kept.
        await page.getByRole('textbox', { name: w.year, exact: true }).fill('20x5');
        await page.getByRole('button', { name: w.show }).click();
        await page.getByRole('alert').getByText(w.wrongYear).waitFor();
        assert.equal(await page.getByRole('textbox', { name: w.year, exact: true }).inputValue(), '20x5');
        await assertAccessible(page, `report-error-${locale}`);

        await page.getByRole('textbox', { name: w.year, exact: true }).fill(String(year));
        await page.getByRole('button', { name: w.show }).click();
        await page.getByRole('img', { name: w.months }).waitFor();

        await page.getByLabel(w.intro, { exact: true }).fill(w.text);
        await page.getByRole('button', { name: w.save }).click();
        await page.getByRole('status').getByText(w.saved).waitFor();
        assert.equal(await page.getByLabel(w.intro, { exact: true }).inputValue(), w.text);
        await assertAccessible(page, `report-${locale}`);

        const link = page.getByRole('link', { name: w.pdf });
        assert.equal(await link.getAttribute('href'), `/statistics/report.pdf?year=${year}`);
        const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
        assert.match(download.suggestedFilename(), new RegExp(`-${year}\\.pdf$`));
        const bytes = await readFile(await download.path());
        assert.equal(bytes.subarray(0, 4).toString(), '%PDF');
      } finally {
        await context.close();
      }
    });
  }

  test('a worker has no report', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(new URL('/statistics', server.baseUrl).href);
      assert.equal(await page.getByRole('link', { name: "Rapport d'activité annuel" }).count(), 0);
      const res = await page.goto(new URL('/statistics/report', server.baseUrl).href);
      assert.equal(res.status(), 404);
    } finally {
      await context.close();
    }
  });
});
