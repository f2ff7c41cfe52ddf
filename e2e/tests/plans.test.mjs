import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const OUTPUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'output');
const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';
const GOAL = 'Avoir un logement à moi avant l’hiver';

// A worker opens a case, writes a goal in the person's words with a step, records a victory
// and the person's agreement, reads the plan on the case and downloads the person's PDF. Every
// page passes axe in French and English, on a desktop and a 360 px phone; the PDF is read back
// (pdftotext) and its first page rendered to PNG.
describe('the action plan built with the person', () => {
  let server;
  let browser;
  let dataDir;
  let caseUrl;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-plans-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('goals in the person\'s words, a step, a victory and the agreement', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/persons'));
      await page.locator('#results a[href^="/persons/"]').first().click();
      await page.getByRole('link', { name: 'Ouvrir un accompagnement' }).click();
      await page.getByLabel("Motif de l'accompagnement").fill('Logement insalubre, demande de relogement');
      await page.getByRole('button', { name: "Ouvrir l'accompagnement" }).click();
      await page.getByText("L'accompagnement est ouvert.").waitFor();
      caseUrl = page.url().split('?')[0];
      await page.getByRole('heading', { name: 'Objectifs et prochaines étapes' }).waitFor();
      await page.getByRole('link', { name: 'Voir tout le plan' }).click();
      await page.getByRole('heading', { level: 1, name: /Plan d'action de/ }).waitFor();
      await assertAccessible(page, 'plan-empty-fr');

      // A goal: nothing typed is refused, the ticked domain kept.
      await page.getByRole('link', { name: 'Ajouter un objectif' }).click();
      await page.getByLabel('Logement', { exact: true }).check();
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByRole('alert').getByText('Écrivez-le dans les mots de la personne.').waitFor();
      assert.equal(await page.getByLabel('Logement', { exact: true }).isChecked(), true);
      await assertAccessible(page, 'plan-goal-errors-fr');
      await page.getByLabel('Dans les mots de la personne').fill(GOAL);
      await page.getByLabel('Reformulation du professionnel').fill('Accès à un logement social adapté');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText("L'objectif est ajouté au plan.").waitFor();

      // A step the person does, by a date.
      await page.getByRole('link', { name: /Ajouter une étape/ }).first().click();
      await page.getByLabel('Ce qui est à faire').fill('Rassembler les trois dernières fiches de paie');
      await page.getByLabel('La personne').check();
      await page.getByLabel('Pour le').fill('2030-01-15');
      await assertAccessible(page, 'plan-step-form-fr');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText("L'étape est ajoutée.").waitFor();

      // A victory, in the person's words.
      await page.getByRole('link', { name: 'Noter une victoire' }).first().click();
      await page.getByLabel('La victoire, dans les mots de la personne').fill("J'ai appelé le bailleur toute seule");
      await page.getByLabel('Objectif concerné').selectOption({ label: GOAL });
      await assertAccessible(page, 'plan-victory-form-fr');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText('La victoire est notée.').waitFor();

      // The person's agreement.
      await page.getByRole('link', { name: "Enregistrer l'accord de la personne" }).click();
      await page.getByRole('button', { name: "Enregistrer l'accord" }).click();
      await page.getByRole('alert').getByText('Choisissez comment la personne a donné son accord.').waitFor();
      await assertAccessible(page, 'plan-agreement-errors-fr');
      await page.getByLabel('Accord oral').check();
      await page.getByRole('button', { name: "Enregistrer l'accord" }).click();
      await page.getByText("L'accord de la personne est enregistré.").waitFor();
      await page.getByText(/Accord du .* \(Accord oral\)/).waitFor();
      await page.getByRole('table', { name: "Étapes de l'objectif 1" }).waitFor();
      await assertAccessible(page, 'plan-fr');

      // The case overview: the goal, its next step, the victory; the timeline's plan events.
      await page.goto(caseUrl);
      const panel = page.locator('section[aria-labelledby="case-plan-heading"]');
      await panel.getByText(GOAL).waitFor();
      await panel.getByText(/Prochaine étape : Rassembler les trois dernières fiches de paie — la personne, pour le 15\/01\/2030/).waitFor();
      await panel.getByText("J'ai appelé le bailleur toute seule").waitFor();
      await page.locator('.timeline-entries').getByText('Objectif ajouté', { exact: true }).waitFor();
      await page.locator('.timeline-entries').getByText('La personne a donné son accord sur le plan', { exact: true }).waitFor();
      await assertAccessible(page, 'plan-case-overview-fr');

      // In English.
      await page.goto(url('/language/en'));
      await page.goto(`${caseUrl}/plan`);
      await page.getByRole('heading', { level: 1, name: /Action plan of/ }).waitFor();
      await page.getByText('Agreed on').waitFor();
      await assertAccessible(page, 'plan-en');
      await page.getByRole('link', { name: /Change the goal/ }).click();
      await page.getByLabel("In the person's own words").waitFor();
      await assertAccessible(page, 'plan-goal-form-en');
      await page.getByLabel('Achieved').check();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('The goal is saved.').waitFor();
      await page.getByText('The plan has changed since the agreement.').waitFor();
      await page.getByRole('link', { name: 'Record a victory' }).first().click();
      await assertAccessible(page, 'plan-victory-form-en');
      await page.goto(`${caseUrl}/plan/agreement`);
      await assertAccessible(page, 'plan-agreement-form-en');
      await page.goto(`${caseUrl}/plan`);
      await page.emulateMedia({ media: 'print' });
      await screenshot(page, 'plan-print');
      await page.emulateMedia({ media: 'screen' });

      // The person's PDF, in French (the demo person's language, or French by default) and in
      // English on request.
      await mkdir(OUTPUT_DIR, { recursive: true });
      for (const lang of ['fr', 'en']) {
        const res = await page.request.get(`${caseUrl}/plan.pdf?lang=${lang}`);
        assert.equal(res.status(), 200);
        assert.equal(res.headers()['content-type'], 'application/pdf');
        const bytes = await res.body();
        assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
        const file = path.join(OUTPUT_DIR, `plan-${lang}.pdf`);
        await writeFile(file, bytes);
        const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
        assert.equal(text.status, 0, text.stderr);
        assert.match(text.stdout, lang === 'fr' ? /Mon plan d.action/ : /My action plan/);
        assert.match(text.stdout, /Avoir un logement à moi/);
        assert.match(text.stdout, /Rassembler les trois dernières fiches de paie/);
        assert.match(text.stdout, /J'ai appelé le bailleur toute seule/);
        assert.match(text.stdout, lang === 'fr' ? /Page 1 sur 1/ : /Page 1 of 1/);
        const png = spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, path.join(OUTPUT_DIR, `plan-${lang}-page`)]);
        assert.equal(png.status, 0);
      }
    } finally {
      await context.close();
    }
  });

  test('the same goal changed in two tabs: the second sees both versions and loses nothing', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const first = await context.newPage();
      await signIn(first, server.baseUrl, WORKER, DEMO_PASSWORD);
      await first.goto(url('/language/fr'));
      await first.goto(`${caseUrl}/plan`);
      await first.getByRole('link', { name: /Modifier l'objectif/ }).first().click();
      const editUrl = first.url();
      const second = await context.newPage();
      await second.goto(editUrl);
      await first.getByLabel('Reformulation du professionnel').fill('Relogement dans le parc social, T2');
      await first.getByRole('button', { name: 'Enregistrer' }).click();
      await first.getByText("L'objectif est enregistré.").waitFor();
      await second.getByLabel('Dans les mots de la personne').fill('Un logement à moi, même petit');
      await second.getByRole('button', { name: 'Enregistrer' }).click();
      await second.getByRole('heading', { name: 'Enregistré entre-temps' }).waitFor();
      await second.locator('.conflict').getByText('Relogement dans le parc social, T2').waitFor();
      assert.equal(await second.getByLabel('Dans les mots de la personne').inputValue(), 'Un logement à moi, même petit');
      await assertAccessible(second, 'plan-goal-conflict-fr');
      // Sent again, knowingly: it replaces the version shown.
      await second.getByRole('button', { name: 'Enregistrer' }).click();
      await second.getByText("L'objectif est enregistré.").waitFor();
      await second.locator('blockquote.person-words', { hasText: 'Un logement à moi, même petit' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
