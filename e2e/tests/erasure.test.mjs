import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { checkA11y, formatViolations, launchBrowser, newContext, screenshot, VIEWPORTS } from '../lib/browser.mjs';
import { demoRow, uuidOfHex } from '../lib/demo_db.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';

// The data protection officer logs a person's erasure request, sees what would go (or why the
// law keeps the file: a followed person), confirms, and the request is answered with the
// person gone (ADR 0036). Each page passes axe, in French and in English.
describe('erasure on request', () => {
  let server;
  let browser;
  let dataDir;
  // A person of the demo with an open case: the law keeps their file.
  let followed;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-erasure-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
    const sql = `SELECT lower(hex(p.id)), coalesce(p.used_name, p.birth_name) || ' ' || p.first_names
      FROM persons p JOIN cases c ON c.person_id = p.id WHERE c.status = 'open' AND p.first_names IS NOT NULL
      AND p.organisation_id = (SELECT m.organisation_id FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE u.email = 'marc.dubois@valbourg.example') ORDER BY c.opened_at, c.id LIMIT 1;`;
    const [hex, name] = demoRow(dataDir, sql);
    followed = { id: uuidOfHex(hex), name };
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const check = async (page, name) => {
    for (const [suffix, viewport] of [['desktop', VIEWPORTS.desktop], ['phone', VIEWPORTS.phone]]) {
      await page.setViewportSize(viewport);
      const violations = await checkA11y(page);
      assert.deepEqual(violations, [], `${name}-${suffix}:\n${formatViolations(violations)}`);
      await screenshot(page, `${name}-${suffix}`);
    }
    await page.setViewportSize(VIEWPORTS.desktop);
  };

  for (const [locale, l] of [
    ['fr-FR', {
      query: 'Nom de la personne', find: 'Chercher la personne', log: 'Enregistrer la demande',
      kind: 'Demande', erasure: 'Effacement (art. 17)', open: 'Voir ce qui serait effacé',
      going: 'Ce qui sera effacé', refused: 'Le dossier ne peut pas être effacé maintenant',
      confirm: 'J\'ai vérifié que la loi permet cet effacement, et je comprends qu\'il est définitif.',
      submit: 'Effacer définitivement le dossier', tick: 'Cochez la case pour confirmer l\'effacement.',
      done: 'Le dossier de la personne est effacé et la demande a reçu sa réponse.', erased: 'Personne effacée',
      name: 'Bernard',
    }],
    ['en-GB', {
      query: 'The person\'s name', find: 'Find the person', log: 'Log the request',
      kind: 'Request', erasure: 'Erasure (art. 17)', open: 'See what would be erased',
      going: 'What will be erased', refused: 'The file cannot be erased now',
      confirm: 'I have checked that the law allows this erasure, and I understand it cannot be undone.',
      submit: 'Erase the file for good', tick: 'Tick the box to confirm the erasure.',
      done: 'The person\'s file is erased and the request answered.', erased: 'Erased person',
      name: 'Dubois',
    }],
  ]) {
    test(`the DPO erases a person's file from their request (${locale})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, 'marc.dubois@valbourg.example', DEMO_PASSWORD);

        // A followed person: the page says why the law keeps the file, and offers no erasure.
        await page.goto(new URL('/privacy/requests', server.baseUrl).href);
        await page.getByLabel(l.query).fill(followed.name);
        await page.getByLabel(l.kind, { exact: true }).selectOption({ label: l.erasure });
        await page.getByRole('button', { name: l.find }).click();
        await page.locator(`input[name="person_id"][value="${followed.id}"]`).check();
        await Promise.all([
          page.waitForURL(/\/privacy\/requests\/[0-9a-f-]+\?done=created$/),
          page.getByRole('button', { name: l.log }).click(),
        ]);
        await Promise.all([page.waitForURL(/\/erase$/), page.getByRole('link', { name: l.open }).click()]);
        assert.equal(await page.locator('h2').first().innerText(), l.refused);
        assert.equal(await page.getByRole('button', { name: l.submit }).count(), 0, 'nothing to confirm');
        await check(page, `erasure-refused-open-case-${locale}`);

        let erased = false;
        let sawRefusal = false;
        // The demo follows a few persons (their case is open: the law keeps their file); try
        // the persons of that name from the last, until one may be erased.
        for (let attempt = 0; attempt < 8 && !erased; attempt++) {
          await page.goto(new URL('/privacy/requests', server.baseUrl).href);
          await page.getByLabel(l.query).fill(l.name);
          await page.getByLabel(l.kind, { exact: true }).selectOption({ label: l.erasure });
          await page.getByRole('button', { name: l.find }).click();
          const choices = page.locator('input[name="person_id"]');
          const count = await choices.count();
          assert.ok(count > 0, `persons named ${l.name} are offered`);
          await choices.nth(Math.max(0, count - 1 - attempt)).check();
          await Promise.all([
            page.waitForURL(/\/privacy\/requests\/[0-9a-f-]+\?done=created$/),
            page.getByRole('button', { name: l.log }).click(),
          ]);
          if (attempt === 0) await check(page, `erasure-request-${locale}`);
          await Promise.all([
            page.waitForURL(/\/erase$/),
            page.getByRole('link', { name: l.open }).click(),
          ]);
          const heading = await page.locator('h2').first().innerText();
          if (heading === l.refused) {
            if (!sawRefusal) await check(page, `erasure-refused-${locale}`);
            sawRefusal = true;
            continue;
          }
          assert.equal(heading, l.going);
          await check(page, `erasure-confirm-${locale}`);
          // Not ticked: asked again, with the error summary.
          await page.getByRole('button', { name: l.submit }).click();
          assert.ok((await page.getByRole('alert').innerText()).includes(l.tick));
          await check(page, `erasure-confirm-error-${locale}`);
          await page.getByLabel(l.confirm).check();
          await Promise.all([
            page.waitForURL(/\/privacy\/requests\/[0-9a-f-]+\?done=erased$/),
            page.getByRole('button', { name: l.submit }).click(),
          ]);
          assert.equal(await page.getByRole('status').innerText(), l.done);
          assert.ok((await page.locator('h1').innerText()).includes(l.erased));
          await check(page, `erasure-done-${locale}`);
          erased = true;
        }
        assert.ok(erased, 'a person could be erased');
      } finally {
        await context.close();
      }
    });
  }
});
