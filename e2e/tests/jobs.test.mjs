import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const ADMIN = 'admin@passerelle.example';
const WORKER = 'karim.benali@valbourg.example';
// The periodic jobs a server runs at start: the housekeeping purges, and the end of case
// delegations whose date has passed (issue 7), the task reminders, the reminders of documents
// about to expire and of appointments to persons (issue 9), and the retention review (issue 12).
const HOUSEKEEPING = ['purge_sessions', 'purge_invitations', 'purge_import_uploads', 'purge_sign_in_throttle', 'purge_jobs', 'end_case_delegations', 'task_reminders', 'document_expiry_reminders', 'appointment_reminders', 'retention_run'];

// The instance administrator follows the server's background jobs: the housekeeping that ran at
// start, by state, in French and English; a social worker has no such page.
describe('background jobs', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const [locale, names] of [
    ['fr-FR', { nav: 'Navigation principale', link: 'Tâches de fond', done: /^Terminées \((\d+)\)$/, queued: /^En attente \((\d+)\)$/, caption: /Tâches : Terminées/ }],
    ['en-GB', { nav: 'Main navigation', link: 'Background jobs', done: /^Done \((\d+)\)$/, queued: /^Queued \((\d+)\)$/, caption: /Jobs: Done/ }],
  ]) {
    test(`the administrator sees the housekeeping jobs done (${locale})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, ADMIN, DEMO_PASSWORD);
        const nav = page.getByRole('navigation', { name: names.nav });
        await Promise.all([
          page.waitForURL(new URL('/admin/jobs', server.baseUrl).href),
          nav.getByRole('link', { name: names.link }).click(),
        ]);
        assert.equal(await nav.getByRole('link', { name: names.link }).getAttribute('aria-current'), 'page');
        assert.equal(await page.locator('h1').innerText(), names.link);
        await assertAccessible(page, `jobs-index-${locale}`);

        // The runner started with the server; its periodic jobs are done within moments.
        const states = page.getByRole('navigation', { name: locale === 'fr-FR' ? 'États des tâches' : 'Job states' });
        const done = states.getByRole('link', { name: names.done });
        for (let i = 0; i < 50; i += 1) {
          const label = await done.innerText();
          if (Number(label.match(names.done)[1]) >= HOUSEKEEPING.length) break;
          await page.waitForTimeout(200);
          await page.reload();
        }
        assert.equal((await done.innerText()).match(names.done)[1], String(HOUSEKEEPING.length));
        await Promise.all([page.waitForURL(/state=done/), done.click()]);
        assert.equal(await done.getAttribute('aria-current'), 'page');
        assert.match(await page.locator('caption').innerText(), names.caption);
        const kinds = await page.locator('tbody th[scope="row"]').allInnerTexts();
        assert.deepEqual([...kinds].sort(), [...HOUSEKEEPING].sort());
        // Done jobs can be neither retried nor cancelled.
        assert.equal(await page.locator('tbody button').count(), 0);
        await assertAccessible(page, `jobs-done-${locale}`);

        // An empty state reads as such.
        await Promise.all([page.waitForURL(/state=queued/), states.getByRole('link', { name: names.queued }).click()]);
        assert.equal(await page.locator('table').count(), 0);
        await assertAccessible(page, `jobs-empty-${locale}`);
      } finally {
        await context.close();
      }
    });
  }

  test('a social worker has neither the link nor the page', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      assert.equal(await page.getByRole('link', { name: 'Tâches de fond' }).count(), 0);
      const res = await page.goto(new URL('/admin/jobs', server.baseUrl).href);
      assert.equal(res.status(), 404);
    } finally {
      await context.close();
    }
  });
});
