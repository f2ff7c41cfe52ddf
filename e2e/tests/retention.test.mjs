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

// The data protection officer goes from the register to the retention review list, reads the
// organisation's rules, and changes a setting: a value out of bounds is refused with an error
// summary that leads to the field, a valid one is saved.
describe('retention review list and settings', () => {
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

  for (const [locale, link, title, settingsLink, settingsTitle, caseMonths, error, save, saved] of [
    ['fr-FR', 'Revue des durées de conservation', 'Revue des durées de conservation', 'Modifier les réglages de conservation',
      'Réglages de conservation', 'Mois de conservation après le dernier contact', 'Indiquez un nombre entier de 1 à 120.',
      'Enregistrer les réglages', 'Les réglages de conservation sont enregistrés.'],
    ['en-GB', 'Retention review list', 'Retention review list', 'Change the retention settings',
      'Retention settings', 'Months a file is kept after the last contact', 'Give a whole number from 1 to 120.',
      'Save the settings', 'The retention settings are saved.'],
  ]) {
    test(`the DPO reviews retention and sets its durations (${locale})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, 'marc.dubois@valbourg.example', DEMO_PASSWORD);
        await page.goto(new URL('/privacy/register', server.baseUrl).href);
        await Promise.all([
          page.waitForURL(new URL('/privacy/retention', server.baseUrl).href),
          page.getByRole('link', { name: link }).click(),
        ]);
        assert.equal(await page.locator('h1').innerText(), title);
        await accessible(page, `retention-list-${locale}`);

        await Promise.all([
          page.waitForURL(new URL('/privacy/retention/settings', server.baseUrl).href),
          page.getByRole('link', { name: settingsLink }).click(),
        ]);
        assert.equal(await page.locator('h1').innerText(), settingsTitle);
        await accessible(page, `retention-settings-${locale}`);

        const months = page.getByLabel(caseMonths);
        await months.fill('0');
        await page.getByRole('button', { name: save }).click();
        const summary = page.locator('#error-summary');
        await summary.waitFor();
        assert.match(await summary.innerText(), new RegExp(error.replace(/[.()]/g, '\\$&')));
        assert.equal(await months.getAttribute('aria-invalid'), 'true');
        await accessible(page, `retention-settings-error-${locale}`);
        await summary.getByRole('link', { name: error }).click();
        assert.match(page.url(), /#case_months$/);

        await months.fill('36');
        await Promise.all([
          page.waitForURL(/\/privacy\/retention\/settings\?saved=1$/),
          page.getByRole('button', { name: save }).click(),
        ]);
        assert.equal(await page.getByRole('status').innerText(), saved);
        assert.equal(await page.getByLabel(caseMonths).inputValue(), '36');
        // Back to 24 for the next language's run.
        await page.getByLabel(caseMonths).fill('24');
        await Promise.all([
          page.waitForURL(/\/privacy\/retention\/settings\?saved=1$/),
          page.getByRole('button', { name: save }).click(),
        ]);
      } finally {
        await context.close();
      }
    });
  }
});

// With one month of retention and a year of grace, the demo's persons registered this year
// without a case fall due; `passerelle retention run` lists them without running any. The DPO
// opens a line, is told a hold needs a reason, then holds it with one.
describe('retention decisions', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-retention-'));
    server = await startServer({ args: ['--demo'], env: { PASSERELLE_DATA_DIR: dataDir } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('the DPO holds a file due with a reason (fr-FR, then en-GB)', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, 'marc.dubois@valbourg.example', DEMO_PASSWORD);
      await page.goto(new URL('/privacy/retention/settings', server.baseUrl).href);
      await page.getByLabel('Mois de conservation après le dernier contact').fill('1');
      await page.getByLabel("Jours d'attente d'une décision").fill('365');
      await Promise.all([
        page.waitForURL(/saved=1$/),
        page.getByRole('button', { name: 'Enregistrer les réglages' }).click(),
      ]);
      // The run, as an administrator would start it, on the demo's own database.
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
      assert.match(run.stdout, /anonymised: 0, archived: 0/);
      assert.doesNotMatch(run.stdout, /newly listed: 0,/);

      await page.goto(new URL('/privacy/retention', server.baseUrl).href);
      await accessible(page, 'retention-list-lines-fr-FR');
      const first = page.locator('table').first().locator('tbody tr').first();
      const record = (await first.locator('th').innerText()).trim();
      await Promise.all([
        page.waitForURL(/\/privacy\/retention\/decide\?line=/),
        first.getByRole('link').click(),
      ]);
      assert.equal(await page.locator('h1').innerText(), 'Décider pour un dossier arrivé à échéance');
      await accessible(page, 'retention-decide-fr-FR');
      await page.getByLabel(/Geler pour motif légal/).check();
      await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
      const summary = page.locator('#error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /Indiquez un motif/);
      await accessible(page, 'retention-decide-error-fr-FR');
      await page.getByLabel('Motif', { exact: true }).fill('Contentieux en cours');
      await Promise.all([
        page.waitForURL(/decided=1$/),
        page.getByRole('button', { name: 'Enregistrer la décision' }).click(),
      ]);
      assert.equal(await page.getByRole('status').innerText(), 'La décision est enregistrée.');
      const row = page.locator('tbody tr', { hasText: record });
      assert.match(await row.innerText(), /gel pour motif légal/);
      assert.match(await row.innerText(), /Contentieux en cours/);

      // The same page in English.
      await page.getByRole('link', { name: 'English' }).click();
      await page.goto(new URL('/privacy/retention', server.baseUrl).href);
      assert.equal(await page.locator('h1').innerText(), 'Retention review list');
      await accessible(page, 'retention-list-lines-en-GB');
      await page.locator('table').first().locator('tbody tr').first().getByRole('link').click();
      await page.waitForURL(/decide\?line=/);
      assert.equal(await page.locator('h1').innerText(), 'Decide on a file due');
      await accessible(page, 'retention-decide-en-GB');
    } finally {
      await context.close();
    }
  });
});
