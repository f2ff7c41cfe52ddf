import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { sqlite, uuidOfHex } from '../lib/demo_db.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const ADMIN = 'admin@passerelle.example';
const WORKER = 'karim.benali@valbourg.example';

// Issue 8 point 4: two demo instances on loopback. The administrators pair them on their
// pages (A registers B's card for a directory partner not hosted on A; B registers A's card
// for one of its organisations, issues A a token, A records it); the worker on A refers a
// person to that partner's service and the referral's page shows the package delivered; on B
// the import page refuses a file that is not a package. Every page passes axe in French and
// English.
describe('federation of referrals between two instances', () => {
  let a;
  let b;
  let browser;
  const dirs = [];

  before(async () => {
    for (let i = 0; i < 2; i += 1) dirs.push(await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-fed-')));
    a = await startServer({ env: { PASSERELLE_DATA_DIR: dirs[0] }, args: ['--demo'] });
    b = await startServer({ env: { PASSERELLE_DATA_DIR: dirs[1] }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await a?.stop();
    await b?.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('pair, send, see the delivery; import refuses what is not a package', async () => {
    const dbA = path.join(dirs[0], 'demo', 'passerelle.db');
    const dbB = path.join(dirs[1], 'demo', 'passerelle.db');
    // The department's housing fund, hosted on no organisation of A: on A its directory entry
    // is unlinked, so referrals to it go to the peer.
    const partnerName = sqlite(dbA, `SELECT p.name FROM partner_organisations p JOIN partner_services s
      ON s.partner_id = p.id WHERE s.name LIKE 'Fonds de solidarit%' LIMIT 1;`);
    assert.ok(partnerName.length > 0);
    sqlite(dbA, `UPDATE partner_organisations SET linked_organisation_id = NULL WHERE name = '${partnerName.replace(/'/g, "''")}';`);
    const orgB = sqlite(dbB, `SELECT name FROM organisations WHERE slug = 'le-relais';`);
    const caseHex = sqlite(dbA, `SELECT lower(hex(id)) FROM cases WHERE status = 'open' AND referent_id =
      (SELECT id FROM users WHERE email = '${WORKER}') ORDER BY opened_at DESC, id LIMIT 1;`);
    const cardA = await (await fetch(new URL('/api/v1/federation/instance', a.baseUrl))).text();
    const cardB = await (await fetch(new URL('/api/v1/federation/instance', b.baseUrl))).text();

    const ctxA = await newContext(browser, { locale: 'fr-FR' });
    const ctxB = await newContext(browser, { locale: 'fr-FR' });
    try {
      // B's administrator registers A, issues its token.
      const pb = await ctxB.newPage();
      await signIn(pb, b.baseUrl, ADMIN, DEMO_PASSWORD);
      await pb.goto(new URL('/admin/federation', b.baseUrl).href);
      await pb.getByRole('heading', { name: 'Instances partenaires', level: 1 }).waitFor();
      await assertAccessible(pb, 'federation-admin-fr');
      await pb.getByLabel('Carte du partenaire').fill('pas une carte');
      await pb.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await pb.getByRole('alert').getByText(/Ce n’est pas une carte/).waitFor();
      assert.equal(await pb.getByLabel('Carte du partenaire').inputValue(), 'pas une carte');
      await assertAccessible(pb, 'federation-admin-error-fr');
      await pb.getByLabel('Carte du partenaire').fill(cardA);
      await pb.getByLabel('Ses orientations arrivent dans la boîte de').selectOption({ label: orgB });
      await pb.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await pb.getByText('L’instance partenaire est enregistrée.', { exact: false }).waitFor();
      await pb.getByRole('button', { name: 'Lui remettre un nouveau jeton' }).click();
      const token = (await pb.locator('code.token').textContent()).trim();
      assert.match(token, /^pslf_[0-9a-f]{64}$/);
      await assertAccessible(pb, 'federation-admin-token-fr');

      // A's administrator registers B for the directory partner, records B's token.
      const pa = await ctxA.newPage();
      await signIn(pa, a.baseUrl, ADMIN, DEMO_PASSWORD);
      await pa.goto(new URL('/admin/federation', a.baseUrl).href);
      await pa.getByLabel('Carte du partenaire').fill(cardB);
      await pa.getByLabel('Les orientations vers ce partenaire de l’annuaire lui sont envoyées').selectOption({ label: partnerName });
      await pa.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await pa.getByText('L’instance partenaire est enregistrée.', { exact: false }).waitFor();
      await pa.getByLabel('Jeton que le partenaire a remis à cette instance').fill(token);
      await pa.getByRole('button', { name: 'Enregistrer le jeton' }).click();
      await pa.getByText('Le jeton du partenaire est enregistré.').waitFor();
      await assertAccessible(pa, 'federation-admin-paired-fr');
      await pa.goto(new URL('/language/en', a.baseUrl).href);
      await pa.goto(new URL('/admin/federation', a.baseUrl).href);
      await pa.getByRole('heading', { name: 'Partner instances', level: 1 }).waitFor();
      await assertAccessible(pa, 'federation-admin-en');

      // The worker on A refers the person to the partner's service.
      const w = await ctxA.newPage();
      const worker = await newContext(browser, { locale: 'fr-FR' });
      const ww = await worker.newPage();
      await signIn(ww, a.baseUrl, WORKER, DEMO_PASSWORD);
      await ww.goto(new URL(`/cases/${uuidOfHex(caseHex)}/referrals/new`, a.baseUrl).href);
      await ww.getByLabel('Trouver un service').fill('solidarité logement');
      await ww.getByRole('button', { name: 'Chercher dans l\'annuaire' }).click();
      await ww.getByLabel(/Fonds de solidarité logement/).check();
      await ww.getByLabel('Motif de l\'orientation').fill('Recherche d\'un hébergement');
      await ww.getByLabel('Ce qui est demandé au partenaire').fill('Un premier rendez-vous');
      await ww.getByLabel('Nom', { exact: true }).check();
      await ww.getByLabel('La personne accepte de partager ces éléments avec ce partenaire').check();
      await ww.getByRole('button', { name: 'Envoyer l\'orientation' }).click();
      await ww.getByText('L\'orientation est enregistrée.').waitFor();
      const referralPath = new URL(ww.url()).pathname;
      // The delivery job runs beside the server: the state goes from waiting to delivered.
      let state = '';
      for (let i = 0; i < 60 && state !== 'remis'; i += 1) {
        await ww.goto(new URL(referralPath, a.baseUrl).href);
        state = (await ww.locator('.delivery-state').first().textContent()).trim();
        if (state !== 'remis') await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(state, 'remis', `the package of ${partnerName} is delivered`);
      await assertAccessible(ww, 'federation-referral-delivered-fr');
      await ww.goto(new URL('/language/en', a.baseUrl).href);
      await ww.goto(new URL(referralPath, a.baseUrl).href);
      assert.equal((await ww.locator('.delivery-state').first().textContent()).trim(), 'delivered');
      await assertAccessible(ww, 'federation-referral-delivered-en');
      await worker.close();
      await w.close();

      // On B, the import page, and a file that is not a package.
      const manager = sqlite(dbB, `SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id
        JOIN organisations o ON o.id = m.organisation_id WHERE o.slug = 'le-relais' AND m.role = 'worker'
        ORDER BY u.email LIMIT 1;`);
      const recv = await newContext(browser, { locale: 'fr-FR' });
      const r = await recv.newPage();
      await signIn(r, b.baseUrl, manager, DEMO_PASSWORD);
      await r.goto(new URL('/referrals/inbox', b.baseUrl).href);
      await r.locator('a[href^="/referrals/federated/"]').first().click();
      await r.getByText('Recherche d\'un hébergement').first().waitFor();
      await assertAccessible(r, 'federation-received-fr');
      await r.goto(new URL('/referrals/inbox', b.baseUrl).href);
      await r.getByRole('link', { name: 'Importer un paquet reçu sous forme de fichier' }).click();
      await r.getByRole('heading', { name: 'Importer un paquet', level: 1 }).waitFor();
      await assertAccessible(r, 'federation-import-fr');
      const bogus = path.join(dirs[1], 'paquet.json');
      await writeFile(bogus, '{"v":1}');
      await r.getByLabel('Fichier du paquet').setInputFiles(bogus);
      await r.getByRole('button', { name: 'Importer' }).click();
      await r.getByRole('alert').getByText('Ce fichier n’est pas un paquet Passerelle.').waitFor();
      await assertAccessible(r, 'federation-import-refused-fr');
      await r.goto(new URL('/language/en', b.baseUrl).href);
      await r.goto(new URL('/federation/import', b.baseUrl).href);
      await r.getByRole('heading', { name: 'Import a package', level: 1 }).waitFor();
      await assertAccessible(r, 'federation-import-en');
      await recv.close();
    } finally {
      await ctxA.close();
      await ctxB.close();
    }
  });
});
