import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { checkA11y, formatViolations, launchBrowser, newContext, screenshot, VIEWPORTS } from '../lib/browser.mjs';
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

// With one month of retention, no grace and the restricted archive as what happens to a file
// due, `passerelle retention run` archives the demo's persons without a recent contact. The
// DPO opens an archived line from the review list, is told to choose and to give a reason,
// then takes the file out of the archive with one (ADR 0040).
describe('restricted archive', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-archive-'));
    server = await startServer({ args: ['--demo'], env: { PASSERELLE_DATA_DIR: dataDir } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('the DPO takes a file out of the archive with a reason (fr-FR, then en-GB)', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, 'marc.dubois@valbourg.example', DEMO_PASSWORD);
      await page.goto(new URL('/privacy/retention/settings', server.baseUrl).href);
      await page.getByLabel('Mois de conservation après le dernier contact').fill('1');
      await page.getByLabel("Jours d'attente d'une décision").fill('0');
      await page.getByLabel('Archive à accès restreint').check();
      await Promise.all([
        page.waitForURL(/saved=1$/),
        page.getByRole('button', { name: 'Enregistrer les réglages' }).click(),
      ]);
      const bin = process.env.PASSERELLE_BIN || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'target', 'debug', 'passerelle');
      const run = spawnSync(bin, ['retention', 'run'], {
        env: {
          ...process.env,
          PASSERELLE_DATA_DIR: dataDir,
          PASSERELLE_DATABASE_URL: `sqlite:${path.join(dataDir, 'demo', 'passerelle.db')}`,
          PASSERELLE_LOG: 'warn',
        },
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      assert.doesNotMatch(run.stdout, /archived: 0,/);

      await page.goto(new URL('/privacy/retention', server.baseUrl).href);
      const archived = page.getByRole('link', { name: /Ouvrir, sortir ou anonymiser/ });
      assert.ok(await archived.count() > 0, 'archived lines are listed with their actions');
      await Promise.all([
        page.waitForURL(/\/privacy\/retention\/archive\?line=/),
        archived.first().click(),
      ]);
      assert.equal(await page.locator('h1').innerText(), "Un dossier de l'archive restreinte");
      await accessible(page, 'retention-archive-fr-FR');
      await page.getByRole('button', { name: 'Confirmer' }).click();
      const summary = page.locator('#error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /Choisissez que faire/);
      await accessible(page, 'retention-archive-error-fr-FR');
      await page.getByLabel(/Le sortir de l'archive/).check();
      await page.getByRole('button', { name: 'Confirmer' }).click();
      await summary.waitFor();
      assert.match(await summary.innerText(), /Indiquez un motif/);
      assert.equal(await page.getByLabel('Motif', { exact: true }).getAttribute('aria-invalid'), 'true');
      await page.getByLabel('Motif', { exact: true }).fill('La personne revient');
      await Promise.all([
        page.waitForURL(/decided=1$/),
        page.getByRole('button', { name: 'Confirmer' }).click(),
      ]);
      assert.match(await page.locator('table').first().innerText(), /La personne revient/);

      // The same page in English.
      await page.getByRole('link', { name: 'English' }).click();
      await page.goto(new URL('/privacy/retention', server.baseUrl).href);
      await Promise.all([
        page.waitForURL(/\/privacy\/retention\/archive\?line=/),
        page.getByRole('link', { name: /Open, restore or anonymise/ }).first().click(),
      ]);
      assert.equal(await page.locator('h1').innerText(), 'A file of the restricted archive');
      await accessible(page, 'retention-archive-en-GB');
    } finally {
      await context.close();
    }
  });
});
