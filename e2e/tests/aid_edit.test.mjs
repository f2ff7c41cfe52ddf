import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { demoRow, uuidOfHex } from '../lib/demo_db.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';
const MANAGER = 'claire.fontaine@valbourg.example';

// Issue 10, the last gaps (ADR 0030, section of 2026-11-27): the worker corrects an aid request
// before its decision — a refused amount keeps what was typed, the correction shows on the
// request and on the case's timeline; a form left open in another tab is refused with what is
// stored beside what was typed; once before the commission, no correction. The manager sets
// the days a request may wait for documents, in English. Every page passes axe in French and
// English.
describe('correcting an aid request before its decision', () => {
  let server;
  let browser;
  let dataDir;
  let casePath;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-aid-edit-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
    const sql = `SELECT lower(hex(c.id)) FROM cases c WHERE c.status = 'open' AND c.referent_id =
      (SELECT id FROM users WHERE email = '${WORKER}') ORDER BY c.opened_at DESC, c.id LIMIT 1;`;
    casePath = `/cases/${uuidOfHex(demoRow(dataDir, sql)[0])}`;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;
  const euros = async (locator) => (await locator.textContent()).replace(/[\u202f\u00a0]/g, ' ');

  test('prepare, correct, a stale tab refused, no correction before the commission', async () => {
    const worker = await newContext(browser, { locale: 'fr-FR' });
    const english = await newContext(browser, { locale: 'en-GB' });
    try {
      const w = await worker.newPage();
      await signIn(w, server.baseUrl, WORKER, DEMO_PASSWORD);
      await w.goto(url(`${casePath}/aid/new?type=energy_aid`));
      await w.getByLabel('Montant demandé').fill('300');
      await w.getByLabel('Présentation pour les décideurs').fill('Facture de régularisation.');
      await w.getByRole('button', { name: 'Enregistrer la demande' }).click();
      await w.getByText('La demande est enregistrée.').waitFor();
      const requestPath = new URL(w.url()).pathname;

      // The form of the correction, filled with what is stored.
      await w.getByRole('link', { name: 'Corriger la demande' }).click();
      await w.getByRole('heading', { name: 'Corriger la demande d\'aide', level: 1 }).waitFor();
      assert.equal(await w.getByLabel('Montant demandé').inputValue(), '300,00');
      await assertAccessible(w, 'aid-edit-fr');
      // A second tab opens the same form before the first saves.
      const stale = await worker.newPage();
      await stale.goto(url(`${requestPath}/edit`));

      // Three decimals: refused, what was typed kept.
      await w.getByLabel('Montant demandé').fill('450,555');
      await w.getByRole('button', { name: 'Enregistrer les corrections' }).click();
      await w.getByRole('alert').getByText('Un montant a au plus deux décimales (centimes).').waitFor();
      assert.equal(await w.getByLabel('Montant demandé').inputValue(), '450,555');
      await assertAccessible(w, 'aid-edit-errors-fr');
      await w.getByLabel('Montant demandé').fill('450');
      await w.getByLabel('Présentation pour les décideurs').fill('Facture de régularisation, montant corrigé.');
      await w.getByRole('button', { name: 'Enregistrer les corrections' }).click();
      await w.getByText('Les corrections sont enregistrées.').waitFor();
      assert.equal(await euros(w.locator('#aid-asked')), '450,00 €');
      await assertAccessible(w, 'aid-edited-fr');

      // The other tab: refused, both versions shown, nothing overwritten.
      await stale.getByLabel('Montant demandé').fill('999');
      await stale.getByRole('button', { name: 'Enregistrer les corrections' }).click();
      const conflict = stale.locator('#conflict');
      await conflict.getByText('Quelqu\'un a modifié cette demande entre-temps').waitFor();
      await conflict.getByRole('cell', { name: 'Facture de régularisation, montant corrigé.' }).waitFor();
      assert.equal(await stale.getByLabel('Montant demandé').inputValue(), '999');
      await assertAccessible(stale, 'aid-edit-conflict-fr');
      await w.reload();
      assert.equal(await euros(w.locator('#aid-asked')), '450,00 €');

      // The timeline says it was corrected, not how much.
      await w.goto(url(casePath));
      await w.getByText('Demande d\'aide corrigée').first().waitFor();

      // In English, the manager's form and page; then before the commission, no correction.
      const e = await english.newPage();
      await signIn(e, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await e.goto(url(`${requestPath}/edit`));
      await e.getByRole('heading', { name: 'Correct the aid request', level: 1 }).waitFor();
      assert.equal(await e.getByLabel('Amount asked').inputValue(), '450.00');
      await assertAccessible(e, 'aid-edit-en');
      await w.goto(url(requestPath));
      await w.getByRole('button', { name: 'Transmettre à l\'instruction' }).click();
      await w.getByText('La demande a avancé.').waitFor();
      await w.getByRole('link', { name: 'Corriger la demande' }).waitFor();
      await w.getByRole('button', { name: 'Présenter en commission' }).click();
      await w.getByText('La demande a avancé.').waitFor();
      assert.equal(await w.getByRole('link', { name: 'Corriger la demande' }).count(), 0);
      await e.goto(url(`${requestPath}/edit`));
      await e.getByRole('alert').getByText(/can no longer be corrected/).waitFor();
      await assertAccessible(e, 'aid-edit-refused-en');

      // The days a request may wait for documents: the manager's setting, 1 to 90.
      await e.goto(url('/admin/organisation'));
      const days = e.getByLabel('Aid request waiting for documents: task after (days)');
      assert.equal(await days.inputValue(), '15');
      await days.fill('0');
      await e.getByRole('button', { name: 'Save', exact: true }).click();
      await e.getByRole('alert').first().waitFor();
      assert.equal(await e.getByLabel('Aid request waiting for documents: task after (days)').inputValue(), '0');
      await assertAccessible(e, 'aid-settings-days-errors-en');
      await e.getByLabel('Aid request waiting for documents: task after (days)').fill('20');
      await e.getByRole('button', { name: 'Save', exact: true }).click();
      await e.getByText('The settings are saved.').waitFor();
      assert.equal(await e.getByLabel('Aid request waiting for documents: task after (days)').inputValue(), '20');
    } finally {
      await worker.close();
      await english.close();
    }
  });
});
