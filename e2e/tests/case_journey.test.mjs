import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile, copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';
const OUTPUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'output');
// The 13 domains assessed (of the 14 defaults: French language is left out), with the
// worker's need level and the person's own rating at the first assessment and three months
// later.
const DOMAINS = [
  ['housing', 4, 3, 2, 2], ['employment', 3, 2, 3, 2], ['budget', 4, 4, 2, 3],
  ['health', 2, 1, 2, 1], ['mental_health', 3, 2, 2, 2], ['family', 1, 1, 1, 0],
  ['justice', 0, 0, 0, 0], ['education', 2, 3, 2, 2], ['mobility', 3, 3, 1, 1],
  ['social_life', 3, 4, 2, 2], ['rights', 4, 3, 1, 1], ['food', 2, 2, 1, 1],
  ['digital', 3, 3, 3, 2],
];
const GOALS = [
  'Je veux un logement à moi, pour que mes enfants aient chacun leur chambre',
  "Ne plus avoir peur d'ouvrir le courrier",
];

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

// Issue 7's acceptance journey, as a worker, in English: open a case, assess 13 domains with the
// person's ratings, write two goals in the person's words with steps, record a home-visit
// note and a victory, reassess three months later, see the radar compare both, print the plan
// PDF and turn its first page into a picture.
describe('the case file journey of issue 7', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-journey-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  async function assess(page, caseUrl, date, column) {
    await page.goto(`${caseUrl}/assessments/new`);
    await page.getByLabel('Date of the assessment').fill(date);
    for (const row of DOMAINS) {
      const [code] = row;
      await page.locator(`#need-${code}-${row[column]}`).check();
      await page.locator(`#person-${code}-${row[column + 1]}`).check();
    }
    await page.locator('#strengths-housing').fill('Tient à ses enfants, connaît bien son quartier');
    await page.locator('#priority-housing').check();
    await page.getByRole('button', { name: 'Save the assessment' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}(\/assessments\/[0-9a-f-]{36})?(\?.*)?$/);
  }

  test('open, assess, plan, note, victory, reassess, radar, plan PDF', async () => {
    const context = await newContext(browser, { locale: 'en-GB' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);

      // A new person, then a case for them.
      await page.goto(url('/persons/new'));
      await page.getByLabel('Birth name').fill('Traoré-Lefebvre');
      await page.getByLabel('First names').fill('Awa');
      await page.getByRole('button', { name: /Register|Save/ }).first().click();
      await page.waitForURL(/\/persons\/[0-9a-f-]{36}/);
      await page.getByRole('link', { name: 'Open a case' }).click();
      await page.getByLabel('Reason for the case').fill('Rent arrears, a housing request to renew');
      await page.getByRole('button', { name: 'Open the case' }).click();
      await page.waitForURL(/\/cases\/[0-9a-f-]{36}/);
      const caseUrl = page.url().split('?')[0];

      // The first assessment, three months ago.
      const now = new Date();
      const before = new Date(now.getTime() - 92 * 24 * 3600 * 1000);
      await assess(page, caseUrl, isoDate(before), 1);

      // Two goals in the person's words, with steps.
      for (const [i, words] of GOALS.entries()) {
        await page.goto(`${caseUrl}/plan/goals/new`);
        await page.getByLabel("In the person's own words").fill(words);
        await page.locator(i === 0 ? '#domain-housing' : '#domain-budget').check();
        await page.getByRole('button', { name: 'Save' }).click();
        await page.waitForURL(/\/plan(\?.*)?(#.*)?$/);
      }
      const steps = [
        [1, 'Renouveler la demande de logement social', 'person'],
        [1, 'Appeler le bailleur pour un plan d’apurement', 'worker'],
        [2, 'Ouvrir le courrier ensemble une fois par semaine', 'person'],
      ];
      for (const [goal, action, owner] of steps) {
        await page.goto(`${caseUrl}/plan`);
        await page.getByRole('link', { name: `Add a step — Goal ${goal}` }).click();
        await page.getByLabel('What is to be done').fill(action);
        await page.locator(`#owner-${owner}`).check();
        await page.getByLabel('By').fill(isoDate(new Date(now.getTime() + 30 * 24 * 3600 * 1000)));
        await page.getByRole('button', { name: 'Save' }).click();
        await page.waitForURL(/\/plan(\?.*)?(#.*)?$/);
      }
      for (const [, action] of steps) await page.getByText(action).first().waitFor();
      await assertAccessible(page, 'journey-plan-en');

      // A home-visit note.
      await page.goto(`${caseUrl}/notes/new`);
      await page.getByLabel('Type').selectOption({ label: 'Home visit' });
      await page.getByLabel('Note', { exact: true }).fill('Visite à domicile : le logement est humide, **trois** pièces pour quatre.');
      await page.getByRole('button', { name: 'Save the note' }).click();
      await page.waitForURL(/\/cases\/[0-9a-f-]{36}\?note=saved/);

      // A victory, in the person's words.
      await page.goto(`${caseUrl}/plan/victories/new`);
      await page.getByLabel("The victory, in the person's words").fill("J'ai ouvert toutes mes lettres de la semaine");
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/plan(\?.*)?(#.*)?$/);

      // Reassessed today: the radar on the case page compares both.
      await assess(page, caseUrl, isoDate(now), 3);
      await page.goto(caseUrl);
      const radar = page.locator('svg[role="img"]').first();
      await radar.waitFor();
      const legend = await page.locator('.case-overview').innerText();
      assert.match(legend, /Previous, of/);
      assert.ok((await radar.locator('polygon').count()) >= 2, 'latest and previous shapes');
      await mkdir(OUTPUT_DIR, { recursive: true });
      await radar.screenshot({ path: path.join(OUTPUT_DIR, 'journey-radar.png') });
      // The timeline holds the note, both assessments, the goals and the victory.
      const timeline = await page.locator('.timeline-entries').innerText();
      assert.match(timeline, /le logement est humide/);
      assert.match(timeline, /J'ai ouvert toutes mes lettres de la semaine/);
      assert.match(timeline, /Ne plus avoir peur d'ouvrir le courrier/);
      // Written in the same minute as the case's opening and the goals, after them: above them.
      assert.ok(timeline.indexOf('le logement est humide') < timeline.indexOf('Case opened'), timeline);
      assert.ok(timeline.indexOf('le logement est humide') < timeline.indexOf('Goal added'), timeline);
      await assertAccessible(page, 'journey-case-en');

      // The plan PDF renders: its text holds the goals, its first page becomes a picture.
      const response = await page.request.get(`${caseUrl}/plan.pdf`);
      assert.equal(response.status(), 200);
      assert.match(response.headers()['content-type'], /application\/pdf/);
      const pdf = path.join(dataDir, 'plan.pdf');
      await writeFile(pdf, await response.body());
      await mkdir(OUTPUT_DIR, { recursive: true });
      await copyFile(pdf, path.join(OUTPUT_DIR, 'journey-plan.pdf'));
      const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      assert.equal(text.status, 0, text.stderr);
      const flat = text.stdout.replace(/\s+/g, ' ');
      for (const words of GOALS) assert.ok(flat.includes(words), `${words} in the PDF`);
      assert.ok(flat.includes('Renouveler la demande de logement social'));
      assert.match(flat, /Page 1 (sur|of) 1/, 'the page numbers are filled in');
      const png = path.join(dataDir, 'plan-page');
      const render = spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, png]);
      assert.equal(render.status, 0, String(render.stderr));
      assert.ok((await stat(`${png}.png`)).size > 5000, 'a page with something on it');
      await mkdir(OUTPUT_DIR, { recursive: true });
      await copyFile(`${png}.png`, path.join(OUTPUT_DIR, 'journey-plan-pdf-page1.png'));
      assert.ok((await readFile(pdf)).subarray(0, 5).toString() === '%PDF-');
    } finally {
      await context.close();
    }
  });

  test('closing a case schedules follow-up checks, one is recorded, and a manager changes the referents', async () => {
    const context = await newContext(browser, { locale: 'en-GB' });
    let caseUrl;
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/persons/new'));
      await page.getByLabel('Birth name').fill('Martin-Nguyen');
      await page.getByLabel('First names').fill('Lucien');
      await page.getByRole('button', { name: /Register|Save/ }).first().click();
      await page.waitForURL(/\/persons\/[0-9a-f-]{36}/);
      await page.getByRole('link', { name: 'Open a case' }).click();
      await page.getByLabel('Reason for the case').fill('Isolement après un déménagement');
      await page.getByRole('button', { name: 'Open the case' }).click();
      await page.waitForURL(/\/cases\/[0-9a-f-]{36}/);
      caseUrl = page.url().split('?')[0];
      // Closed with a reason: the follow-up page proposes checks at 3, 6 and 12 months.
      await page.getByLabel('New status').selectOption({ label: 'Close' });
      await page.getByLabel('Closure reason').selectOption({ index: 1 });
      await page.getByRole('button', { name: 'Change the status' }).click();
      await page.waitForURL(/\/follow-ups\?closed=1/);
      const proposed = await page.locator('input[name="due"]').evaluateAll((ins) => ins.map((i) => i.value));
      assert.equal(proposed.filter(Boolean).length, 3, `three dates proposed: ${proposed}`);
      await assertAccessible(page, 'journey-follow-ups-proposed-en');
      await page.getByRole('button', { name: 'Schedule' }).click();
      await page.locator('table').getByText('Scheduled').first().waitFor();
      assert.equal(await page.locator('table tbody tr').count(), 3);
      // The first check, done at a contact: wellbeing, power to act, whether changes held.
      await page.getByRole('link', { name: /^Record/ }).first().click();
      await page.getByLabel('Wellbeing').selectOption('7');
      await page.getByLabel('Power to act').selectOption('6');
      await page.locator('#domain-social_life-held').check();
      await page.locator('#domain-housing-partly').check();
      await assertAccessible(page, 'journey-follow-up-record-en');
      await page.getByRole('button', { name: 'Record the check' }).click();
      await page.getByText('The check was recorded.').waitFor();
      const table = await page.locator('table').innerText();
      assert.match(table, /Done/);
      // The timeline says so.
      await page.goto(caseUrl);
      await page.locator('.timeline-entries').getByText(/follow-up/i).first().waitFor();
    } finally {
      await context.close();
    }
    // A manager changes the referents, in French.
    const fr = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await fr.newPage();
      await signIn(page, server.baseUrl, 'claire.fontaine@valbourg.example', DEMO_PASSWORD);
      await page.goto(`${caseUrl}/referents`);
      await assertAccessible(page, 'journey-referents-fr');
    } finally {
      await fr.close();
    }
  });
});
