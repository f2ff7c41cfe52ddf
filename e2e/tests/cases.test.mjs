import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';
const TYPED = 'Visite à domicile : la fille aînée est revenue vivre chez sa mère.\n\n- appeler la CAF\n- **relancer** le bailleur';

// A worker opens a case from a person's page, starts a note, and loses the browser (the session
// and everything the tab kept are gone); signed in again in a fresh browser, the draft is on the
// home page and back in the form, and saving it puts the note on the timeline. Every page
// passes axe in French and English, on a desktop and a 360 px phone.
describe('cases, notes and drafts that survive the session', () => {
  let server;
  let browser;
  let caseUrl;
  let dataDir;

  before(async () => {
    // Our own data folder, so the test can reach the demo database as an administrator would.
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-cases-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (path) => new URL(path, server.baseUrl).href;

  test('a worker opens a case and starts a note; the draft is kept on the server', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/persons'));
      await page.locator('#results a[href^="/persons/"]').first().click();
      await page.getByRole('heading', { name: 'Accompagnements' }).waitFor();
      await page.getByRole('link', { name: 'Ouvrir un accompagnement' }).click();
      // Nothing typed: the error summary names the reason, the choices made are kept.
      await page.getByRole('button', { name: "Ouvrir l'accompagnement" }).click();
      await page.getByRole('alert').getByText('Indiquez pourquoi la personne est accompagnée.').waitFor();
      await assertAccessible(page, 'case-open-errors');
      await page.getByLabel("Motif de l'accompagnement").fill('Factures d’énergie impayées, coupure annoncée');
      await page.getByLabel('Orientée par').selectOption({ label: 'CAF / MSA' });
      await page.getByRole('button', { name: "Ouvrir l'accompagnement" }).click();
      await page.getByText("L'accompagnement est ouvert.").waitFor();
      caseUrl = page.url().split('?')[0];
      assert.match(caseUrl, /\/cases\/[0-9a-f-]{36}$/);
      await page.getByText('Accompagnement ouvert').first().waitFor();
      await assertAccessible(page, 'case-overview-fr');

      await page.getByRole('link', { name: 'Écrire une note' }).click();
      await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Visite à domicile' });
      await page.getByLabel('Lieu').fill('Domicile');
      await page.getByLabel('Note', { exact: true }).fill(TYPED);
      // A second after the last keystroke, the draft is on the server.
      await page.locator('#draft-status').getByText(/Brouillon enregistré/).waitFor({ timeout: 10_000 });
      await assertAccessible(page, 'case-note-form-fr');
    } finally {
      // The browser goes away with its cookies and its tab's storage: nothing of the text is
      // left on this side.
      await context.close();
    }
  });

  test('the session ends; signed in again elsewhere, the text is there', async () => {
    // End every session of the account on the server too, as the idle timeout would: the
    // session rows are deleted from the database.
    const db = path.join(dataDir, 'demo', 'passerelle.db');
    const sql = `DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = '${WORKER}');`;
    const result = spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const left = spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, 'SELECT count(*) FROM sessions;'], { encoding: 'utf8' });
    assert.equal(left.stdout.trim(), '0', 'no session left');
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      const drafts = page.locator('section.drafts');
      await drafts.getByRole('heading', { name: 'Brouillons non terminés' }).waitFor();
      await assertAccessible(page, 'home-drafts-fr');
      await drafts.getByRole('link').first().click();
      await page.getByText(/Brouillon restauré du/).waitFor();
      assert.equal(await page.getByLabel('Note', { exact: true }).inputValue(), TYPED);
      assert.equal(await page.getByLabel('Lieu').inputValue(), 'Domicile');
      await page.getByRole('button', { name: 'Enregistrer la note' }).click();
      await page.getByText('La note est enregistrée.').waitFor();
      const note = page.locator('.timeline-entries .entry.note').first();
      await note.getByText('relancer', { exact: true }).waitFor();
      assert.equal(await note.locator('strong', { hasText: 'relancer' }).count(), 1, 'bold from the markup');
      await assertAccessible(page, 'case-overview-with-note-fr');
      // The draft is gone with the saved note.
      await page.goto(url('/'));
      assert.equal(await page.locator('section.drafts').count(), 0);

      // In English: the same pages, every label from the message files.
      await page.goto(url('/language/en'));
      await page.goto(caseUrl);
      await page.getByRole('heading', { name: 'Timeline' }).waitFor();
      await page.getByText('Last contacts').waitFor();
      await assertAccessible(page, 'case-overview-en');
      await page.getByRole('link', { name: 'Write a note' }).click();
      await page.getByRole('heading', { name: 'New note' }).waitFor();
      await assertAccessible(page, 'case-note-form-en');
      await page.goto(caseUrl);
      await page.emulateMedia({ media: 'print' });
      await screenshot(page, 'case-overview-print');
    } finally {
      await context.close();
    }
  });
});
