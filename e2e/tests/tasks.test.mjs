import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { VIEWPORTS, assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';
const TITLE = 'Appeler le bailleur pour le plan d\'apurement';

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

// Issue 9 slice (a): the demo worker starts the day on "my day" (an overdue task, one for
// today, one next week), adds a task from a case for today, finds it on "my day", marks it
// done, and the case's timeline says so. Every page passes axe in French and English, on a
// desktop and on a 360 px phone.
describe('tasks and my day', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-tasks-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  for (const [viewport, size] of Object.entries(VIEWPORTS)) {
    test(`a task added from a case is on my day and done on the timeline (${viewport})`, async () => {
      const context = await newContext(browser, { locale: 'fr-FR', viewport: size });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
        await page.goto(url('/my-day'));
        await page.getByRole('heading', { name: /^Ma journée/, level: 1 }).waitFor();
        await page.getByRole('heading', { name: /tâches? en retard/ }).waitFor();
        await page.getByRole('link', { name: 'Relancer la CAF pour le dossier d\'aide au logement' }).waitFor();
        await page.getByRole('link', { name: 'Préparer le dossier FSL pour la commission' }).waitFor();
        await assertAccessible(page, `my-day-fr-${viewport}`);

        // From the overdue task, to its case, and a new task for today.
        const overdue = page.locator('li.task', { hasText: 'Relancer la CAF' });
        await overdue.getByRole('link', { name: 'Accompagnement' }).click();
        await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
        const caseUrl = page.url();
        await page.getByRole('heading', { name: /^Tâches/ }).waitFor();
        await page.getByRole('link', { name: 'Ajouter une tâche pour cet accompagnement' }).click();
        await page.getByRole('heading', { name: 'Nouvelle tâche', level: 1 }).waitFor();
        // Nothing typed: the summary names what is missing.
        await page.getByRole('button', { name: 'Ajouter la tâche' }).click();
        await page.getByRole('alert').getByText('Indiquez ce qu\'il faut faire.').waitFor();
        await assertAccessible(page, `task-form-errors-fr-${viewport}`);
        await page.getByLabel('À faire').fill(`${TITLE} ${viewport}`);
        await page.getByLabel('Échéance').fill(isoDate(new Date()));
        await page.getByLabel('Précisions').fill('Proposer 50 € par mois.');
        await page.getByRole('button', { name: 'Ajouter la tâche' }).click();
        await page.getByText('La tâche a été ajoutée.').waitFor();
        assert.equal(new URL(page.url()).pathname, new URL(caseUrl).pathname);
        await page.locator('#tasks').getByRole('link', { name: `${TITLE} ${viewport}` }).waitFor();
        await assertAccessible(page, `case-tasks-fr-${viewport}`);

        // On my day, for today; done from there.
        await page.getByRole('navigation', { name: /principale|Main/ }).getByRole('link', { name: 'Ma journée' }).click();
        const todays = page.locator('section', { has: page.getByRole('heading', { name: /pour aujourd'hui/ }) });
        await todays.getByRole('link', { name: `${TITLE} ${viewport}` }).waitFor();
        await todays.getByRole('button', { name: `Marquer comme faite — ${TITLE} ${viewport}` }).click();
        await page.getByText('La tâche est faite.').waitFor();
        assert.equal(await page.getByRole('link', { name: `${TITLE} ${viewport}` }).count(), 0, 'done, it leaves my day');
        await assertAccessible(page, `my-day-done-fr-${viewport}`);

        // The case's timeline says it was done, and links to the task.
        await page.goto(caseUrl);
        const event = page.locator('article, li', { hasText: `${TITLE} ${viewport}` }).filter({ hasText: 'Tâche faite' });
        await event.first().waitFor();

        // In English: the tasks page and a task's page.
        await page.goto(url('/language/en'));
        await page.goto(url('/tasks'));
        await page.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor();
        await page.getByRole('heading', { name: /Done or cancelled in the last 14 days/ }).waitFor();
        await assertAccessible(page, `tasks-en-${viewport}`);
        await page.getByRole('link', { name: `${TITLE} ${viewport}` }).click();
        await page.getByRole('button', { name: 'Reopen' }).waitFor();
        await assertAccessible(page, `task-en-${viewport}`);
        await page.goto(url('/my-day'));
        await page.getByRole('heading', { name: /^My day/, level: 1 }).waitFor();
        await assertAccessible(page, `my-day-en-${viewport}`);
        await page.goto(url('/language/fr'));
      } finally {
        await context.close();
      }
    });
  }
});
