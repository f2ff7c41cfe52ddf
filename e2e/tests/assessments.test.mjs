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
const DOMAINS = [
  'housing', 'employment', 'budget', 'health', 'mental_health', 'family', 'justice',
  'education', 'mobility', 'social_life', 'rights', 'food', 'digital',
];

/** `yyyy-mm-dd`, `days` before today (UTC). */
function daysAgo(days) {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** `dd/mm/yyyy`, as the pages write dates. */
function french(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

// A worker assesses 13 life domains of a case with the person's own ratings, reassesses three
// months later, and sees the radar compare both on the assessment, the comparison and the case
// page; the form, the assessment, the comparison and the case page pass axe in French and
// English, on a desktop and a 360 px phone.
describe('assessments and the radar', () => {
  let server;
  let browser;
  let dataDir;
  let casePath;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-assessments-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
    // One of the worker's open demo cases.
    const sql = `SELECT lower(hex(id)) FROM cases WHERE status = 'open' AND referent_id =
      (SELECT id FROM users WHERE email = '${WORKER}') ORDER BY opened_at, id LIMIT 1;`;
    casePath = `/cases/${uuidOfHex(demoRow(dataDir, sql)[0])}`;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  async function assess(page, date, need, words) {
    await page.goto(url(`${casePath}/assessments/new`));
    await page.getByRole('heading', { name: 'Nouveau diagnostic' }).waitFor();
    await page.getByLabel('Date du diagnostic').fill(date);
    for (const [i, code] of DOMAINS.entries()) {
      const level = need(i);
      await page.locator(`#need-${code}-${level}`).check();
      await page.locator(`#person-${code}-${Math.max(0, level - 1)}`).check();
    }
    await page.locator('#priority-housing').check();
    await page.locator('#person_words-housing').fill(words);
    await page.locator('#strengths-family').fill('Sa sœur peut l’héberger quelques semaines');
    await page.locator('#draft-status').getByText(/Brouillon enregistré/).waitFor({ timeout: 10_000 });
  }

  test('a first assessment of 13 domains, with the person’s own ratings', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      // Nothing chosen: the error summary says so, the date typed is kept.
      await page.goto(url(`${casePath}/assessments/new`));
      await page.getByRole('button', { name: 'Enregistrer le diagnostic' }).click();
      await page.getByRole('alert').getByText(/Évaluez au moins un domaine/).waitFor();
      await assertAccessible(page, 'assessment-form-errors-fr');

      const first = daysAgo(92);
      await assess(page, first, (i) => 2 + (i % 3), 'Je dors chez ma sœur, ça ne peut pas durer');
      await assertAccessible(page, 'assessment-form-fr');
      await page.getByRole('button', { name: 'Enregistrer le diagnostic' }).click();
      await page.getByText('Le diagnostic est enregistré.').waitFor();
      await page.getByText('13 domaines évalués · 1 priorité').waitFor();
      assert.equal(await page.locator('svg.chart.radar').count(), 1);
      await assertAccessible(page, 'assessment-first-fr');
      await screenshot(page, 'assessment-first-fr');
    } finally {
      await context.close();
    }
  });

  test('three months later, the radar compares both', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      const second = daysAgo(0);
      await assess(page, second, (i) => (i % 3), 'J’ai un logement à moi depuis octobre');
      await page.getByRole('button', { name: 'Enregistrer le diagnostic' }).click();
      await page.getByText('Le diagnostic est enregistré.').waitFor();
      // The radar: the latest solid, the previous dashed, both named in the legend.
      const radar = page.locator('svg.chart.radar');
      await radar.getByText(`Diagnostic du ${french(second)}`).waitFor();
      await radar.getByText(/^Précédent, du /).waitFor();
      assert.equal(await radar.locator('polygon[stroke-dasharray]').count(), 1);
      await assertAccessible(page, 'assessment-second-fr');
      await screenshot(page, 'assessment-second-fr');

      // The comparison, with arrows in words.
      await page.getByRole('link', { name: /Comparer avec celui du/ }).click();
      await page.getByRole('heading', { name: /Évolution du .* au / }).waitFor();
      await page.getByText('↘ en progrès').first().waitFor();
      await assertAccessible(page, 'assessment-compare-fr');
      await screenshot(page, 'assessment-compare-fr');

      // The case page: the radar panel with the previous one overlaid, its table, the
      // timeline events.
      await page.goto(url(casePath));
      const panel = page.locator('section.assessment-panel');
      await panel.getByText(`Dernier diagnostic : ${french(second)}`).waitFor();
      assert.equal(await panel.locator('svg.chart.radar polygon[stroke-dasharray]').count(), 1);
      await page.getByText('Diagnostic enregistré').first().waitFor();
      await assertAccessible(page, 'case-with-radar-fr');
      await page.emulateMedia({ media: 'print' });
      await screenshot(page, 'case-with-radar-print');
      await page.emulateMedia({ media: 'screen' });

      // The list with an evolution chart per domain.
      await page.goto(url(`${casePath}/assessments`));
      assert.equal(await page.locator('svg.chart.line').count(), 13);
      await assertAccessible(page, 'assessment-list-fr');

      // In English.
      await page.goto(url('/language/en'));
      await page.goto(url(casePath));
      await page.locator('section.assessment-panel').getByText(/Latest assessment:/).waitFor();
      await assertAccessible(page, 'case-with-radar-en');
      await page.goto(url(`${casePath}/assessments`));
      await page.getByRole('heading', { name: 'Assessments', exact: true }).waitFor();
      await assertAccessible(page, 'assessment-list-en');
      await page.goto(url(`${casePath}/assessments/compare`));
      await page.getByText('↘ better').first().waitFor();
      await assertAccessible(page, 'assessment-compare-en');
      await page.goto(url(`${casePath}/assessments/new`));
      await page.getByRole('heading', { name: 'New assessment' }).waitFor();
      await assertAccessible(page, 'assessment-form-en');
    } finally {
      await context.close();
    }
  });
});
