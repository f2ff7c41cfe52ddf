import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { checkA11y, formatViolations, launchBrowser, newContext, screenshot, VIEWPORTS } from '../lib/browser.mjs';
import { demoRow, uuidOfHex } from '../lib/demo_db.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';

async function accessible(page, name) {
  for (const [suffix, viewport] of [['desktop', VIEWPORTS.desktop], ['phone', VIEWPORTS.phone]]) {
    await page.setViewportSize(viewport);
    const violations = await checkA11y(page);
    assert.deepEqual(violations, [], `${name}-${suffix}:\n${formatViolations(violations)}`);
    await screenshot(page, `${name}-${suffix}`);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

// A child of the demo, followed with her household, whose file fell due (the line is written
// into the demo's database as the daily run writes it: the demo's files are too recent). The
// DPO is told the public archives sort it first, downloads the package for them, is told what
// a complete answer needs, records it, and the list shows it (ADR 0042). Every page passes
// axe, in French and in English.
describe("the public archives' sorting of a minor's file", () => {
  let server;
  let browser;
  let dataDir;
  let child;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-public-archives-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
    const org = `(SELECT m.organisation_id FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE u.email = 'marc.dubois@valbourg.example')`;
    const [hex] = demoRow(dataDir, `SELECT lower(hex(p.id)) FROM persons p
      WHERE p.birth_date > date('now', '-16 years') AND p.organisation_id = ${org}
      AND p.id NOT IN (SELECT person_id FROM retention_reviews) ORDER BY p.id LIMIT 1;`);
    child = uuidOfHex(hex);
    demoRow(dataDir, `INSERT INTO retention_reviews (id, organisation_id, person_id, last_contact_on,
      due_on, minor, decision, created_at, updated_at, version)
      SELECT randomblob(16), organisation_id, id, '2024-01-10', '2026-01-10', 1, 'pending',
      '2026-11-27T08:00:00.000000Z', '2026-11-27T08:00:00.000000Z', 1 FROM persons WHERE id = X'${hex}';`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('the DPO sends the package and records the transfer (fr-FR, then en-GB)', async () => {
    const context = await newContext(browser, { locale: 'fr-FR', acceptDownloads: true });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, 'marc.dubois@valbourg.example', DEMO_PASSWORD);
      await page.goto(new URL('/privacy/retention', server.baseUrl).href);
      const row = page.locator('tbody tr', { hasText: child });
      assert.match(await row.innerText(), /archives publiques : tri à faire/);
      assert.match(await row.innerText(), /après le tri des archives publiques et une approbation/);
      await Promise.all([
        page.waitForURL(/\/privacy\/retention\/public-archives\?line=/),
        row.getByRole('link', { name: `Archives publiques ${child}` }).click(),
      ]);
      assert.equal(await page.locator('h1').innerText(), 'Archives publiques : dossier d\'un mineur');
      await accessible(page, 'public-archives-fr-FR');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Télécharger le paquet pour les archives' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^public-archives-[0-9a-f-]{36}-\d{4}-\d{2}-\d{2}\.zip$/);
      const bytes = await readFile(await download.path());
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip');
      assert.ok(bytes.includes(Buffer.from('bordereau.csv')) && bytes.includes(Buffer.from('dossier.json')));

      // Nothing chosen: each field says what it needs, and the summary leads to it.
      await page.getByRole('button', { name: 'Enregistrer la réponse des archives' }).click();
      const summary = page.locator('#error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /Choisissez ce qu'a fait le service d'archives\./);
      assert.match(await summary.innerText(), /Indiquez la référence des archives/);
      assert.equal(await page.getByLabel('Référence des archives').getAttribute('aria-invalid'), 'true');
      await accessible(page, 'public-archives-error-fr-FR');

      await page.getByLabel('Il a pris le dossier (versement)').check();
      await page.getByLabel('Référence des archives').fill('2026 W 14');
      const today = new Date().toISOString().slice(0, 10);
      await page.getByLabel('Jour de leur réponse').fill(today);
      await Promise.all([
        page.waitForURL(/\/privacy\/retention\?archives=1$/),
        page.getByRole('button', { name: 'Enregistrer la réponse des archives' }).click(),
      ]);
      assert.equal(await page.getByRole('status').innerText(), 'La réponse des archives publiques est enregistrée.');
      const recorded = page.locator('tbody tr', { hasText: child });
      assert.match(await recorded.innerText(), /archives publiques : versé le \d{4}-\d{2}-\d{2}/);
      assert.match(await recorded.innerText(), /après approbation/);
      await accessible(page, 'public-archives-recorded-fr-FR');

      // The same page in English, with what is recorded.
      await page.getByRole('link', { name: 'English' }).click();
      await page.goto(new URL('/privacy/retention', server.baseUrl).href);
      await Promise.all([
        page.waitForURL(/\/privacy\/retention\/public-archives\?line=/),
        page.locator('tbody tr', { hasText: child }).getByRole('link', { name: `Public archives ${child}` }).click(),
      ]);
      assert.equal(await page.locator('h1').innerText(), "Public archives: a minor's file");
      assert.match(await page.locator('dl.facts').innerText(), /2026 W 14/);
      await accessible(page, 'public-archives-en-GB');
    } finally {
      await context.close();
    }
  });
});
