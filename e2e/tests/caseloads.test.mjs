import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const MANAGER = 'claire.fontaine@valbourg.example';
const COLLEAGUE = 'Léa Girard';

// yyyy-mm-dd, `days` from today.
function inDays(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

// A manager sees the caseloads, opens the demo worker's cases, and gives two of them to a
// colleague until a date (a long absence): a missing date is named and the boxes stay ticked;
// then the colleague holds the two cases, back to their referent after the date. Every page
// passes axe in French and English, on a desktop and a 360 px phone.
describe('caseloads: a manager reassigns two cases until a date', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-caseloads-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    // A second worker of the demo's CCAS, to take the cases (as an administrator would add one).
    const bin = process.env.PASSERELLE_BIN || path.join(process.cwd(), '..', 'target', 'debug', 'passerelle');
    const db = `sqlite://${path.join(dataDir, 'demo', 'passerelle.db')}`;
    const created = spawnSync(bin, ['user', 'create', '--email', 'lea.girard@valbourg.example',
      '--name', COLLEAGUE, '--org', 'ccas-valbourg', '--role', 'worker'], {
      env: { ...process.env, PASSERELLE_DATA_DIR: dataDir, PASSERELLE_DATABASE_URL: db },
      encoding: 'utf8',
    });
    assert.equal(created.status, 0, created.stderr);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('the manager moves two cases to a colleague with an end date', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await page.getByRole('link', { name: 'Voir les portefeuilles' }).click();
      await page.getByRole('heading', { name: 'Portefeuilles', level: 1 }).waitFor();
      await assertAccessible(page, 'caseloads-fr');
      await page.getByRole('link', { name: 'Karim Benali' }).click();
      await page.getByRole('heading', { name: 'Accompagnements de Karim Benali' }).waitFor();
      await assertAccessible(page, 'caseloads-worker-fr');

      const boxes = page.locator('input[name="case"]');
      assert.ok((await boxes.count()) >= 2, 'the demo worker follows several cases');
      await boxes.nth(0).check();
      await boxes.nth(1).check();
      await page.getByLabel('À', { exact: true }).selectOption({ label: COLLEAGUE });
      await page.getByLabel(/Jusqu'à une date/).check();
      // No end date: named in the summary, the boxes stay ticked.
      await page.getByRole('button', { name: 'Réaffecter' }).click();
      await page.getByRole('alert').getByText('Indiquez la date jusqu\'à laquelle les accompagnements sont repris.').waitFor();
      assert.ok(await boxes.nth(0).isChecked() && await boxes.nth(1).isChecked(), 'the ticked cases stay ticked');
      await assertAccessible(page, 'caseloads-reassign-errors-fr');

      await page.getByLabel('Jusqu\'au (inclus)').fill(inDays(14));
      await page.getByRole('button', { name: 'Réaffecter' }).click();
      await page.getByText('2 accompagnements ont été réaffectés.').waitFor();

      // The colleague holds them now, for Karim.
      await page.goto(url('/caseloads'));
      const row = page.locator('tr', { has: page.getByRole('link', { name: COLLEAGUE }) });
      assert.equal((await row.locator('td').allInnerTexts()).join(' ').trim().split(/\s+/)[0], '2');
      await page.getByRole('link', { name: COLLEAGUE }).click();
      await page.getByText(/puis rendu à Karim Benali/).first().waitFor();
      await assertAccessible(page, 'caseloads-delegated-fr');
      // The case's timeline says so.
      await page.locator('table a[href^="/cases/"]').first().click();
      await page.getByText('Accompagnement repris pendant l\'absence du référent').first().waitFor();

      // In English.
      await page.goto(url('/language/en'));
      await page.goto(url('/caseloads'));
      await page.getByRole('heading', { name: 'Caseloads', level: 1 }).waitFor();
      await assertAccessible(page, 'caseloads-en');
      await page.getByRole('link', { name: 'Karim Benali' }).click();
      await page.getByRole('button', { name: 'Reassign' }).waitFor();
      await page.getByRole('button', { name: 'Reassign' }).click();
      await page.getByRole('alert').getByText('Select at least one case.').waitFor();
      await assertAccessible(page, 'caseloads-worker-en');
    } finally {
      await context.close();
    }
  });
});
