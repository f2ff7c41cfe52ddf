import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
const MANAGER = 'claire.fontaine@valbourg.example';
const OUTPUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'output');

// Issue 10 (points 2, 3 and 4): the manager sets the organisation's reste-à-vivre threshold;
// the worker prepares an energy-bill aid for a person of the demo whose household has no
// budget yet, is told so on the request, draws up the household's budget from there and finds
// its reste à vivre against the threshold on the request; sees the missing documents, sends
// it to the commission; the manager puts it on a
// session's agenda and decides it (partly granted); the worker prints the decision letter
// (converted to PNG to be looked at) and records the payment to the energy supplier; the
// case's timeline shows each step. Every page passes axe in French and English, desktop and
// phone.
describe('an energy-bill aid through the commission', () => {
  let server;
  let browser;
  let dataDir;
  let casePath;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-aid-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
    // An open case of the worker's whose person lives in a household without a budget.
    const sql = `SELECT lower(hex(c.id)) FROM cases c WHERE c.status = 'open' AND c.referent_id =
      (SELECT id FROM users WHERE email = '${WORKER}') AND EXISTS (SELECT 1 FROM household_members m
      WHERE m.person_id = c.person_id AND m.to_date IS NULL AND NOT EXISTS
      (SELECT 1 FROM budgets b WHERE b.household_id = m.household_id))
      ORDER BY c.opened_at DESC, c.id LIMIT 1;`;
    casePath = `/cases/${uuidOfHex(demoRow(dataDir, sql)[0])}`;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('threshold, prepare with the budget, send to the commission, decide, print the letter, pay', async () => {
    const worker = await newContext(browser, { locale: 'fr-FR' });
    const manager = await newContext(browser, { locale: 'fr-FR' });
    const english = await newContext(browser, { locale: 'en-GB' });
    try {
      // The manager sets the threshold: 15 € per consumption unit per day; a bad amount first.
      const m = await manager.newPage();
      await signIn(m, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await m.goto(url('/admin/organisation'));
      await m.getByLabel('Seuil de reste à vivre (euros par unité de consommation et par jour)').fill('15,001');
      await m.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await m.getByText('Un montant a au plus deux décimales (centimes).').first().waitFor();
      assert.equal(await m.getByLabel('Seuil de reste à vivre (euros par unité de consommation et par jour)').inputValue(), '15,001');
      await assertAccessible(m, 'aid-settings-threshold-errors-fr');
      await m.getByLabel('Seuil de reste à vivre (euros par unité de consommation et par jour)').fill('15,00');
      await m.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await m.getByText('Les paramètres sont enregistrés.').waitFor();
      assert.equal(await m.getByLabel('Seuil de reste à vivre (euros par unité de consommation et par jour)').inputValue(), '15,00');
      await assertAccessible(m, 'aid-settings-threshold-fr');

      const w = await worker.newPage();
      await signIn(w, server.baseUrl, WORKER, DEMO_PASSWORD);
      await w.goto(url(casePath));
      await w.getByRole('link', { name: 'Préparer une demande d\'aide' }).first().click();
      await w.getByRole('heading', { name: 'Préparer une demande d\'aide', level: 1 }).waitFor();
      await assertAccessible(w, 'aid-form-fr');
      // A type chosen, an amount with three decimals: refused, what was typed kept.
      await w.getByLabel('Type d\'aide').selectOption('energy_aid');
      await w.getByLabel('Montant demandé').fill('1 234,567');
      await w.getByRole('button', { name: 'Enregistrer la demande' }).click();
      await w.getByRole('alert').getByText('Un montant a au plus deux décimales (centimes).').waitFor();
      assert.equal(await w.getByLabel('Montant demandé').inputValue(), '1 234,567');
      await assertAccessible(w, 'aid-form-errors-fr');
      await w.getByLabel('Montant demandé').fill('1 234,56');
      await w.getByLabel('Présentation pour les décideurs').fill('Facture de régularisation après un hiver sans chauffage réparé.');
      await w.getByRole('button', { name: 'Enregistrer la demande' }).click();
      await w.getByText('La demande est enregistrée.').waitFor();
      const requestPath = new URL(w.url()).pathname;
      assert.equal(await w.locator('#aid-status').textContent(), 'En préparation');
      assert.equal((await w.locator('#aid-asked').textContent()).replace(/[\u202f\u00a0]/g, ' '), '1 234,56 €');
      // The missing documents checklist.
      assert.match(await w.locator('#aid-missing').textContent(), /Il manque \d justificatifs?/);
      await assertAccessible(w, 'aid-prepared-fr');
      // No budget yet: the request says so and leads to the household's budget, drawn up now.
      const budget = w.locator('#budget');
      await budget.getByText('Aucun budget n’a encore été établi pour ce ménage.').waitFor();
      await budget.getByRole('link', { name: 'Budget et dettes du ménage' }).click();
      await w.getByRole('heading', { name: 'Budget du ménage', level: 1 }).waitFor();
      await w.getByRole('link', { name: 'Établir un nouveau budget' }).click();
      await w.getByRole('heading', { name: 'Établir un nouveau budget', level: 1 }).waitFor();
      await w.getByLabel('Ressource 1', { exact: true }).selectOption('rsa');
      await w.getByLabel('Montant de la ressource 1').fill('900');
      await w.getByLabel('Loyer (net de l’aide au logement)').fill('450');
      await w.getByLabel('Énergie').fill('160');
      // Members without a birth date are said adult or child.
      for (const band of await w.getByLabel(/adulte ou enfant \?/).all()) {
        await band.selectOption('adult');
      }
      await w.getByRole('button', { name: 'Enregistrer le budget' }).click();
      await w.getByText('Le budget est enregistré.').waitFor();
      const daily = await w.locator('#reste-a-vivre').innerText();
      const standing = await w.locator('#budget-standing').innerText();
      assert.match(standing, /(En dessous|Au-dessus) du seuil \(15,00\s€ par jour et par UC\)/);
      await assertAccessible(w, 'aid-budget-fr');
      await w.goto(url(requestPath));
      assert.equal(await w.locator('#aid-budget-daily').innerText(), daily);
      await budget.getByText(standing).waitFor();
      await assertAccessible(w, 'aid-prepared-budget-fr');
      await w.getByRole('button', { name: 'Transmettre à l\'instruction' }).click();
      await w.getByText('La demande a avancé.').waitFor();
      await w.getByRole('button', { name: 'Présenter en commission' }).click();
      await w.getByText('La demande a avancé.').waitFor();
      assert.equal(await w.locator('#aid-status').textContent(), 'Présentée en commission');

      // The manager: a session, the request on its agenda, the decision.
      await m.goto(url('/'));
      await m.getByRole('link', { name: 'Commission', exact: true }).click();
      await m.getByRole('heading', { name: 'Séances de commission', level: 1 }).waitFor();
      await assertAccessible(m, 'aid-sessions-fr');
      await m.getByLabel('Intitulé').fill('Commission permanente de décembre');
      await m.getByLabel('Date de la séance').fill('03/12/2026');
      await m.getByRole('button', { name: 'Créer la séance' }).click();
      await m.getByRole('heading', { name: /Commission permanente de décembre/, level: 1 }).waitFor();
      await m.getByLabel(/Aide énergie/).check();
      await m.getByRole('button', { name: 'Inscrire à l\'ordre du jour' }).click();
      await m.getByText('L\'ordre du jour est à jour.').waitFor();
      await assertAccessible(m, 'aid-session-agenda-fr');
      await m.getByLabel('Décision').selectOption('partly_accepted');
      await m.getByLabel('Montant accordé').fill('450');
      await m.getByLabel('Commentaire').fill('Au vu du budget du foyer.');
      await m.getByRole('button', { name: 'Enregistrer les décisions' }).click();
      await m.getByText('La décision est enregistrée.').waitFor();
      await m.getByRole('link', { name: 'Imprimer le procès-verbal (PDF)' }).waitFor();
      await assertAccessible(m, 'aid-session-decided-fr');

      // The worker prints the decision letter: to PNG, to be looked at.
      await w.goto(url(requestPath));
      assert.equal(await w.locator('#aid-status').textContent(), 'Accordée en partie');
      const letter = await worker.request.get(url(`${requestPath}/letter`));
      assert.equal(letter.status(), 200);
      assert.equal(letter.headers()['content-type'], 'application/pdf');
      await mkdir(OUTPUT_DIR, { recursive: true });
      const pdf = path.join(OUTPUT_DIR, 'aid-decision-letter-fr.pdf');
      await writeFile(pdf, await letter.body());
      const png = spawnSync('pdftoppm', ['-png', '-r', '80', '-singlefile', pdf, path.join(OUTPUT_DIR, 'aid-decision-letter-fr')]);
      assert.equal(png.status, 0, String(png.stderr));
      const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout.replace(/[\u202f\u00a0]/g, ' ');
      assert.match(text, /Accordée en partie/);
      assert.match(text, /450,00 €/);

      // The payment, to the energy supplier.
      await w.getByLabel('Mode de paiement').selectOption('paid_to_creditor');
      await w.getByLabel('Le fournisseur d\'énergie').check();
      await w.getByLabel('Nom du créancier').fill('Énergie Ouest');
      await w.getByRole('button', { name: 'Enregistrer le versement' }).click();
      await w.getByText('Le versement est enregistré.').waitFor();
      assert.equal(await w.locator('#aid-status').textContent(), 'Versée');
      assert.match(await w.locator('#aid-payment').textContent(), /Énergie Ouest/);
      await assertAccessible(w, 'aid-paid-fr');
      // The timeline shows it.
      await w.goto(url(casePath));
      await w.getByText('Aide versée').first().waitFor();
      await w.getByText('Aide accordée en partie').first().waitFor();
      await w.getByText('Demande d\'aide présentée en commission').first().waitFor();

      // In English: the request, the case's list, the catalogue and the session, with axe.
      const e = await english.newPage();
      await signIn(e, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await e.goto(url(requestPath));
      assert.equal(await e.locator('#aid-status').textContent(), 'Paid');
      assert.equal((await e.locator('#aid-asked').textContent()).replace(/[\u202f\u00a0]/g, ' '), '€1,234.56');
      assert.equal(await e.locator('#aid-granted').textContent(), '€450.00');
      await assertAccessible(e, 'aid-paid-en');
      await e.goto(url(`${casePath}/aid`));
      await assertAccessible(e, 'aid-case-en');
      await e.goto(url('/aid/sessions'));
      await assertAccessible(e, 'aid-sessions-en');
      await e.getByRole('link', { name: 'Commission permanente de décembre' }).click();
      await assertAccessible(e, 'aid-session-en');
      await e.goto(url('/admin/aid?type=energy_aid'));
      await assertAccessible(e, 'aid-catalogue-en');
      await e.goto(url('/admin/organisation'));
      assert.equal(await e.getByLabel('Reste à vivre threshold (euros per consumption unit per day)').inputValue(), '15.00');
      await assertAccessible(e, 'aid-settings-threshold-en');
      await m.goto(url('/admin/aid?type=energy_aid'));
      await assertAccessible(m, 'aid-catalogue-fr');
    } finally {
      await worker.close();
      await manager.close();
      await english.close();
    }
  });
});
