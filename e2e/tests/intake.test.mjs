import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const RECEPTION = 'julie.morel@valbourg.example';
const WORKER = 'karim.benali@valbourg.example';
const MANAGER = 'claire.fontaine@valbourg.example';

// The front desk, the team queue and merging: reception records a visit with an urgency for
// the insertion team, the team's worker finds it at the top of the queue and takes it in hand,
// the manager is warned of a duplicate, merges the two records and undoes the merge. Every
// page passes axe.
describe('front desk, urgencies and merges', () => {
  let server;
  let browser;
  let personUrl;

  before(async () => {
    server = await startServer({ args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const url = (path) => new URL(path, server.baseUrl).href;

  test('reception records a visit with an urgency for a team', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, RECEPTION, DEMO_PASSWORD);
      await page.locator('.main-nav').getByRole('link', { name: 'Guichet', exact: true }).click();
      await assertAccessible(page, 'intake-desk');
      await page.getByLabel('Trouver une personne').fill('Lemaitre Brigitte');
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await page.getByText('Aucune personne trouvée').waitFor();
      await assertAccessible(page, 'intake-desk-none');
      await page.getByRole('link', { name: 'Enregistrer une nouvelle personne' }).click();
      await page.getByLabel('Nom de naissance').fill('Lemaître');
      await page.getByLabel('Prénoms').fill('Brigitte');
      await page.getByLabel('Date de naissance').fill('17/04/1962');
      await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await page.getByText('La personne est enregistrée.').waitFor();
      personUrl = page.url().split('?')[0];

      await page.getByRole('link', { name: 'Noter un passage ou une urgence' }).click();
      // Nothing filled in: every problem is said, nothing is lost.
      await page.getByLabel('Note pour l’équipe (facultatif)').or(page.getByLabel("Note pour l'équipe (facultatif)")).fill('Revient avec le courrier du bailleur');
      await page.getByRole('button', { name: 'Enregistrer le passage' }).click();
      await page.getByRole('alert').getByText('Indiquez pourquoi la personne est venue.').waitFor();
      assert.equal(await page.getByLabel("Note pour l'équipe (facultatif)").inputValue(), 'Revient avec le courrier du bailleur');
      await assertAccessible(page, 'intake-visit-errors');

      await page.getByLabel('Motif de la venue').fill('Commandement de quitter les lieux reçu hier');
      await page.getByLabel("Doit rencontrer un travailleur social de l'équipe").check();
      await page.getByLabel('Équipe', { exact: true }).selectOption({ label: 'Pôle insertion' });
      await page.getByLabel('Expulsion imminente').check();
      await page.getByLabel("Ce que l'équipe doit savoir de l'urgence (facultatif)").fill('Expulsion prévue vendredi');
      await assertAccessible(page, 'intake-visit-filled');
      await page.getByRole('button', { name: 'Enregistrer le passage' }).click();
      await page.getByText('Le passage est enregistré.').waitFor();
      const urgencies = page.locator('section.urgencies');
      await urgencies.getByText('Expulsion imminente').waitFor();
      await urgencies.getByText('pas encore prise en charge').waitFor();
      await assertAccessible(page, 'intake-person-flagged');
    } finally {
      await context.close();
    }
  });

  test('the team worker is told, finds the person first in the queue and takes it in hand', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/notifications'));
      await page.getByText('a signalé une urgence dans CCAS de Valbourg : Expulsion imminente').waitFor();
      await page.locator('.main-nav').getByRole('link', { name: "File de l'équipe", exact: true }).click();
      const first = page.locator('ol.queue > li').first();
      await first.getByText('Urgent, pas encore pris en charge').waitFor();
      await first.getByText('Lemaître Brigitte').waitFor();
      await assertAccessible(page, 'queue-urgent-first');
      await first.getByLabel('À réexaminer le').fill('31/12/2099');
      await first.getByRole('button', { name: 'Prendre en charge' }).click();
      await page.waitForURL(/\/queue\?flag=acknowledged$/);
      await page.getByText('Urgence prise en charge').first().waitFor();
      await assertAccessible(page, 'queue-taken-in-hand');
      await page.goto(personUrl);
      await page.locator('section.urgencies').getByText('prise en charge, à réexaminer le 31/12/2099').waitFor();
    } finally {
      await context.close();
    }
  });

  test('the desk, the visit form, the queue and the merge pages pass axe in English too', async () => {
    for (const [who, pages] of [
      [RECEPTION, ['/intake', `${new URL(personUrl).pathname}/visit`, '/queue']],
      [WORKER, ['/queue', new URL(personUrl).pathname]],
      [MANAGER, [`${new URL(personUrl).pathname}/merge`]],
    ]) {
      const context = await newContext(browser, { locale: 'en-GB' });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, who, DEMO_PASSWORD);
        for (const path of pages) {
          await page.goto(url(path));
          assert.equal(await page.locator('html').getAttribute('lang'), 'en');
          await assertAccessible(page, `en-${who.split('@')[0]}-${path.split('/').filter(Boolean).slice(-1)[0]}`);
        }
      } finally {
        await context.close();
      }
    }
  });

  test('the manager is warned of a duplicate, merges the two records and undoes it', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await page.goto(url('/persons/new'));
      await page.getByLabel('Nom de naissance').fill('Lemaitre');
      await page.getByLabel('Prénoms').fill('Brigite');
      await page.getByLabel('Date de naissance').fill('17/04/1962');
      await page.getByLabel('Commune').fill('Valbourg');
      await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      const warning = page.locator('#duplicates');
      await warning.getByText('Cette personne est peut-être déjà enregistrée').waitFor();
      await warning.getByText('nom proche, même date de naissance').waitFor();
      assert.equal(await page.getByLabel('Commune').inputValue(), 'Valbourg', 'what was typed stays');
      await assertAccessible(page, 'duplicate-warning');
      await page.getByRole('button', { name: 'Enregistrer comme une personne différente' }).click();
      await page.getByText('La personne est enregistrée.').waitFor();
      const twinUrl = page.url().split('?')[0];

      await page.goto(personUrl);
      await page.getByRole('link', { name: 'Fusionner avec une autre fiche' }).click();
      await page.getByLabel("Trouver l'autre fiche").fill('lemaitre brigite');
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await page.getByRole('link', { name: /Comparer avec Lemaitre Brigite/ }).click();
      await assertAccessible(page, 'merge-compare');
      await page.locator('fieldset', { hasText: 'Commune' }).getByLabel(/L'autre fiche/).check();
      await page.getByRole('button', { name: /^Fusionner Lemaitre Brigite dans Lemaître Brigitte$/ }).click();
      await page.getByText('Les fiches sont fusionnées.').waitFor();
      await page.locator('.facts').getByText('Valbourg').waitFor();
      await assertAccessible(page, 'merge-done');
      // The merged record leads to the kept one.
      await page.goto(twinUrl);
      assert.equal(page.url().split('?')[0], personUrl);
      await page.getByRole('button', { name: 'Annuler cette fusion' }).click();
      await page.getByText('La fusion est annulée').waitFor();
      assert.equal(await page.locator('.facts').getByText('Valbourg').count(), 0, 'the merge’s change is undone');
      await assertAccessible(page, 'merge-undone');
    } finally {
      await context.close();
    }
  });
});
