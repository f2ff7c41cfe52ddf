import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { demoRow, uuidOfHex } from '../lib/demo_db.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';
const OUTPUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'output');

// A worker opens one of their demo cases, follows the link to the summary PDF, is refused a
// form with nothing chosen (the error summary links to the parts), then downloads a PDF of the
// chosen parts, whose text (pdftotext) carries the confidentiality banner and the page numbers;
// page 1 is kept as a PNG beside the screenshots. The form and its errors pass axe in French
// and English, on a desktop and a 360 px phone.
describe('the case summary PDF', () => {
  let server;
  let browser;
  let dataDir;
  let casePath;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-summary-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
    const sql = `SELECT lower(hex(id)) FROM cases WHERE referent_id = (SELECT id FROM users WHERE email = '${WORKER}') AND status = 'open' ORDER BY opened_at, id LIMIT 1;`;
    casePath = `/cases/${uuidOfHex(demoRow(dataDir, sql)[0])}`;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('a worker chooses the parts and downloads the PDF', async () => {
    const context = await newContext(browser, { locale: 'fr-FR', acceptDownloads: true });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url(casePath));
      await page.getByRole('link', { name: 'Synthèse PDF' }).click();
      await page.getByRole('heading', { name: /Synthèse de l'accompagnement de/ }).waitFor();
      await assertAccessible(page, 'case-summary-form-fr');

      // Nothing chosen: refused, each problem in the summary linking to its group.
      for (const box of await page.getByRole('checkbox').all()) await box.uncheck();
      await page.getByRole('button', { name: 'Générer le PDF' }).click();
      const alert = page.getByRole('alert');
      await alert.getByRole('link', { name: 'Choisissez au moins une partie.' }).waitFor();
      await alert.getByRole('link', { name: "Choisissez l'objet de la synthèse." }).waitFor();
      await assertAccessible(page, 'case-summary-errors-fr');

      await page.getByLabel('Identité et foyer').check();
      await page.getByLabel('Motif et référents').check();
      await page.getByLabel('Derniers contacts').check();
      await page.getByLabel('Réunion de synthèse').check();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Générer le PDF' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^synthese-\d{4}-\d{2}-\d{2}\.pdf$/);
      await mkdir(OUTPUT_DIR, { recursive: true });
      const file = path.join(OUTPUT_DIR, 'case-summary.pdf');
      await download.saveAs(file);
      assert.equal((await readFile(file)).subarray(0, 5).toString(), '%PDF-');
      const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      assert.equal(text.status, 0, text.stderr);
      for (const expected of ['Confidentiel — secret professionnel', "Synthèse de l'accompagnement", 'Identité et foyer', 'Motif et référents', 'Derniers contacts', 'Page 1 sur']) {
        assert.ok(text.stdout.includes(expected), `${expected} missing from the PDF:\n${text.stdout}`);
      }
      assert.ok(!text.stdout.includes('Signalements d'), 'the flags were not chosen');
      const png = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, path.join(OUTPUT_DIR, 'case-summary-page1')]);
      assert.equal(png.status, 0);

      // The same form in English.
      await page.goto(url('/language/en'));
      await page.goto(url(`${casePath}/summary`));
      await page.getByRole('heading', { name: /Case summary for/ }).waitFor();
      await assertAccessible(page, 'case-summary-form-en');
      for (const box of await page.getByRole('checkbox').all()) await box.uncheck();
      await page.getByRole('button', { name: 'Make the PDF' }).click();
      await page.getByRole('alert').getByRole('link', { name: 'Choose at least one part.' }).waitFor();
      await assertAccessible(page, 'case-summary-errors-en');
    } finally {
      await context.close();
    }
  });
});
