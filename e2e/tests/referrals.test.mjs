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
// The demo's partner user, in the department, whose directory entry is linked to it.
const PARTNER = 'thomas.girard@haute-vallee.example';

// Issue 8 (points 2, 3, 5): across two organisations of the demo. The CCAS worker refers a
// person to the department's housing fund with consent and two shared items (name and date
// of birth); the department's partner user finds it in the inbox, sees exactly those two
// items, accepts and completes it; the worker sees the outcome on the case's timeline; the
// person withdraws consent and the partner loses the items at once. Every page passes axe in
// French and English, on a desktop and a 360 px phone.
describe('referrals across two organisations, with consent', () => {
  let server;
  let browser;
  let dataDir;
  let casePath;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-referrals-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
    const sql = `SELECT lower(hex(id)) FROM cases WHERE status = 'open' AND referent_id =
      (SELECT id FROM users WHERE email = '${WORKER}') ORDER BY opened_at DESC, id LIMIT 1;`;
    casePath = `/cases/${uuidOfHex(demoRow(dataDir, sql)[0])}`;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('refer with consent, the partner answers, consent withdrawn cuts the partner off', async () => {
    const worker = await newContext(browser, { locale: 'fr-FR' });
    const partner = await newContext(browser, { locale: 'fr-FR' });
    try {
      const w = await worker.newPage();
      await signIn(w, server.baseUrl, WORKER, DEMO_PASSWORD);
      await w.goto(url(casePath));
      await w.getByRole('link', { name: 'Orienter vers un partenaire' }).first().click();
      await w.getByRole('heading', { name: 'Orienter vers un partenaire', level: 1 }).waitFor();
      await w.getByLabel('Trouver un service').fill('solidarité logement');
      await w.getByRole('button', { name: 'Chercher dans l\'annuaire' }).click();
      await w.getByLabel(/Fonds de solidarité logement/).waitFor();
      await assertAccessible(w, 'referral-form-fr');
      // Nothing else filled: the summary names what is missing, the choice of service is kept.
      await w.getByLabel(/Fonds de solidarité logement/).check();
      await w.getByRole('button', { name: 'Envoyer l\'orientation' }).click();
      await w.getByRole('alert').getByText('Indiquez pourquoi.').waitFor();
      await w.getByRole('alert').getByText(/Le consentement de la personne est nécessaire/).waitFor();
      assert.ok(await w.getByLabel(/Fonds de solidarité logement/).isChecked());
      await assertAccessible(w, 'referral-form-errors-fr');
      await w.getByLabel('Motif de l\'orientation').fill('Impayés de loyer, risque d\'expulsion');
      await w.getByLabel('Ce qui est demandé au partenaire').fill('Instruire une aide du FSL');
      await w.getByLabel('Nom', { exact: true }).check();
      await w.getByLabel('Date de naissance').check();
      await w.getByLabel('La personne accepte de partager ces éléments avec ce partenaire').check();
      await w.getByLabel('Comment').selectOption('signed_form');
      await w.getByRole('button', { name: 'Envoyer l\'orientation' }).click();
      await w.getByText('L\'orientation est enregistrée.').waitFor();
      assert.equal(await w.locator('#referral-status').textContent(), 'Envoyée');
      await assertAccessible(w, 'referral-sent-fr');
      const referralPath = new URL(w.url()).pathname;
      const id = referralPath.split('/').pop();

      // The department's partner user: the inbox, then exactly the two items.
      const p = await partner.newPage();
      await signIn(p, server.baseUrl, PARTNER, DEMO_PASSWORD);
      await p.getByRole('navigation', { name: /principale/i }).getByRole('link', { name: 'Orientations reçues' }).click();
      await p.getByRole('heading', { name: 'Orientations reçues', level: 1 }).waitFor();
      await assertAccessible(p, 'referral-inbox-fr');
      await p.locator(`a[href="/referrals/inbox/${id}"]`).click();
      await p.getByRole('heading', { name: /Orientation reçue/, level: 1 }).waitFor();
      assert.equal(await p.locator('.shared-identity dt').count(), 2, 'exactly two items');
      assert.deepEqual(await p.locator('.shared-identity dt').allTextContents(), ['Nom', 'Date de naissance']);
      assert.equal(await p.locator('.shared-domains, .shared-documents').count(), 0);
      const text = await p.locator('main').textContent();
      assert.ok(text.includes('Impayés de loyer') && text.includes('sur formulaire signé'));
      await assertAccessible(p, 'referral-received-fr');
      // The case itself stays out of reach.
      assert.equal((await p.goto(url(casePath))).status(), 404);
      await p.goto(url(`/referrals/inbox/${id}`));
      await p.getByRole('button', { name: 'Accepter' }).click();
      await p.getByText('L\'orientation est mise à jour.').waitFor();
      await p.getByLabel('Motif ou résultat').fill('Aide du FSL accordée');
      await p.getByRole('button', { name: 'Terminée' }).click();
      await p.getByText('L\'orientation est mise à jour.').waitFor();
      assert.equal(await p.locator('#referral-status').textContent(), 'Terminée');
      await assertAccessible(p, 'referral-completed-fr');

      // The referent sees the outcome on the timeline.
      await w.goto(url(casePath));
      await w.getByText('Orientation terminée').first().waitFor();
      await w.getByText(/Aide du FSL accordée/).first().waitFor();
      await assertAccessible(w, 'referral-case-timeline-fr');
      await w.goto(url(`${casePath}/referrals`));
      await assertAccessible(w, 'referral-case-list-fr');

      // The person withdraws consent, on the register of their page.
      await w.goto(url(referralPath));
      await w.getByRole('link', { name: /Accompagnement de/ }).first().click();
      await w.locator('a[href^="/persons/"]').first().click();
      await w.getByRole('link', { name: 'Registre des consentements' }).click();
      await w.getByRole('heading', { name: /^Consentements/, level: 1 }).waitFor();
      await assertAccessible(w, 'consents-fr');
      await w.getByRole('button', { name: 'La personne retire ce consentement' }).click();
      await w.getByText(/Le consentement est retiré/).waitFor();
      await w.getByText(/^Retiré le/).waitFor();
      await assertAccessible(w, 'consents-withdrawn-fr');

      // At once: the partner keeps the referral and its answers, not the items.
      await p.goto(url(`/referrals/inbox/${id}`));
      await p.getByText(/Consentement retiré le/).waitFor();
      assert.equal(await p.locator('.shared-identity dt').count(), 0);
      await p.getByText(/vos propres réponses/).waitFor();
      await assertAccessible(p, 'referral-withdrawn-fr');

      // In English.
      await p.goto(url('/language/en'));
      await p.goto(url('/referrals/inbox'));
      await p.getByRole('heading', { name: 'Referrals received', level: 1 }).waitFor();
      await assertAccessible(p, 'referral-inbox-en');
      await p.goto(url(`/referrals/inbox/${id}`));
      await p.getByText(/Consent withdrawn on/).waitFor();
      await assertAccessible(p, 'referral-received-en');
      await w.goto(url('/language/en'));
      await w.goto(url(referralPath));
      await w.getByRole('heading', { name: /^Referral/, level: 1 }).waitFor();
      await assertAccessible(w, 'referral-show-en');
      await w.goto(url(`${casePath}/referrals/new`));
      await w.getByRole('heading', { name: 'Refer to a partner', level: 1 }).waitFor();
      await assertAccessible(w, 'referral-form-en');
      await w.goto(url(`${casePath}/referrals`));
      await assertAccessible(w, 'referral-case-list-en');
    } finally {
      await worker.close();
      await partner.close();
    }
  });
});
