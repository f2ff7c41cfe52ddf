import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext, screenshot } from '../lib/browser.mjs';
import { demoRow, uuidOfHex } from '../lib/demo_db.mjs';
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
    demoRow(dataDir, `DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = '${WORKER}');`);
    assert.equal(demoRow(dataDir, 'SELECT count(*) FROM sessions;')[0], '0', 'no session left');
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

// Break-the-glass: a worker who does not follow a person reads, on the person's page, who
// does, and may open the case in an emergency after giving a reason; the form and the case under
// an emergency grant pass axe in French and English.
describe('emergency access to a case the worker does not follow', () => {
  let server;
  let browser;
  let dataDir;
  let personPath;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-emergency-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
    // One of the worker's demo cases goes to another team and referent, as after a transfer.
    const karim = `(SELECT id FROM users WHERE email = '${WORKER}')`;
    const sql = `
      CREATE TEMP TABLE moved AS SELECT id, person_id FROM cases WHERE referent_id = ${karim} ORDER BY opened_at, id LIMIT 1;
      DELETE FROM case_co_referents WHERE case_id IN (SELECT id FROM moved);
      UPDATE cases SET referent_id = (SELECT id FROM users WHERE email = 'sophie.lambert@valbourg.example'),
        team_id = (SELECT t.id FROM teams t WHERE t.name = 'Pôle seniors' AND t.organisation_id = cases.organisation_id)
        WHERE id IN (SELECT id FROM moved);
      SELECT lower(hex(person_id)) FROM moved;`;
    personPath = `/persons/${uuidOfHex(demoRow(dataDir, sql)[0])}`;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('the reason is asked, then the case reads under a banner', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(new URL(personPath, server.baseUrl).href);
      await page.getByText(/Suivie par/).first().waitFor();
      await page.getByRole('link', { name: "Accès d'urgence" }).first().click();
      await page.getByLabel("Motif de l'accès d'urgence").waitFor();
      await assertAccessible(page, 'case-emergency-form-fr');
      // Too short: refused, the text kept, nothing granted.
      await page.getByLabel("Motif de l'accès d'urgence").fill('urgent');
      await page.getByRole('button', { name: 'Accéder en urgence' }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByLabel("Motif de l'accès d'urgence").inputValue(), 'urgent');
      await assertAccessible(page, 'case-emergency-errors-fr');
      // The same form in English.
      const formUrl = page.url();
      await page.goto(new URL('/language/en', server.baseUrl).href);
      await page.goto(formUrl);
      await page.getByLabel('Reason for emergency access').waitFor();
      await assertAccessible(page, 'case-emergency-form-en');
      await page.goto(new URL('/language/fr', server.baseUrl).href);
      await page.goto(formUrl);
      await page.getByLabel("Motif de l'accès d'urgence").fill('Appel du 115 cette nuit : la personne est à la rue avec ses enfants');
      await page.getByRole('button', { name: 'Accéder en urgence' }).click();
      await page.getByText(/Accès d'urgence jusqu'au/).waitFor();
      assert.match(page.url(), /\/cases\/[0-9a-f-]{36}$/);
      await assertAccessible(page, 'case-emergency-granted-fr');
      await screenshot(page, 'case-emergency-granted-fr');
      // In English, the banner and the case.
      const caseUrl = page.url();
      await page.goto(new URL('/language/en', server.baseUrl).href);
      await page.goto(caseUrl);
      await page.getByText(/Emergency access until/).waitFor();
      await assertAccessible(page, 'case-emergency-granted-en');
    } finally {
      await context.close();
    }
  });
});
