import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';

// Local (Europe/Paris, the demo's zone) yyyy-mm-dd and hh:mm, `minutes` from now.
function parisIn(minutes) {
  const at = new Date(Date.now() + minutes * 60_000);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

// Issue 9 slice (b)'s journey: the demo worker books a home visit from a case page (a
// conflict is shown first, then avoided), sees it in the week view, in "my day" and in the
// private calendar feed (initials only), marks it done, which opens the note prefilled as a
// home visit, and files the note; the timeline says both. Every page passes axe in French and
// English, on a desktop and on a 360 px phone (assertAccessible checks both).
describe('appointments, calendar and feed', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-agenda-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('book a home visit from a case, see it in the week and the feed, mark it done', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      // A case of the worker, from "my day".
      await page.goto(url('/my-day'));
      await page.locator('li.task', { hasText: 'Préparer le dossier FSL' }).getByRole('link', { name: 'Accompagnement' }).click();
      await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
      const caseUrl = page.url();
      const person = (await page.locator('h1').innerText()).replace(/^Accompagnement de /, '').replace(/\s+(En cours|Suspendu).*$/s, '').trim();

      // An office slot first, in 5 minutes, so that the visit conflicts with it.
      const soon = parisIn(5);
      await page.goto(url('/appointments/new'));
      await page.getByLabel('Jour').fill(soon.date);
      await page.getByLabel('Heure de début').fill(soon.time);
      await page.getByLabel('Durée (minutes)').fill('30');
      await page.getByRole('button', { name: 'Réserver' }).click();
      await page.getByText('Le rendez-vous a été réservé.').waitFor();

      await page.goto(caseUrl);
      await page.getByRole('link', { name: 'Prendre un rendez-vous pour cet accompagnement' }).click();
      await page.getByRole('heading', { name: 'Prendre un rendez-vous', level: 1 }).waitFor();
      await page.getByText(`Avec ${person}`).waitFor();
      await page.getByLabel('Jour').fill(soon.date);
      await page.getByLabel('Heure de début').fill(soon.time);
      await page.getByLabel('Durée (minutes)').fill('45');
      await page.getByLabel('Visite à domicile').check();
      await page.getByLabel('Adresse ou salle').fill('4 allée des Tilleuls, Valbourg');
      await page.getByLabel('Objet').fill('Point sur le dossier FSL');
      // A reminder to the person is offered, none unless chosen with them (ADR 0027).
      await page.getByRole('group', { name: 'Rappel à la personne' }).waitFor();
      assert.ok(await page.getByLabel('Pas de rappel').isChecked(), 'no reminder unless chosen');
      await page.getByRole('button', { name: 'Réserver' }).click();
      await page.getByRole('alert').getByText(/chevauche un autre rendez-vous/).waitFor();
      assert.equal(await page.getByLabel('Objet').inputValue(), 'Point sur le dossier FSL', 'what was typed is kept');
      await assertAccessible(page, 'appointment-conflict-fr');
      // Half an hour later instead: no conflict.
      const later = parisIn(35);
      await page.getByLabel('Jour').fill(later.date);
      await page.getByLabel('Heure de début').fill(later.time);
      await page.getByRole('button', { name: 'Réserver' }).click();
      await page.getByText('Le rendez-vous a été réservé.').waitFor();

      // The week view lists it, with what for.
      await page.getByRole('heading', { name: /^Agenda : Karim Benali/, level: 1 }).waitFor();
      const visit = page.locator('li.appointment', { hasText: person }).filter({ hasText: 'Visite à domicile' });
      await visit.first().waitFor();
      await visit.getByText('Point sur le dossier FSL').first().waitFor();
      await assertAccessible(page, 'agenda-week-fr');

      // The private feed: made with initials only, read without a session.
      await page.getByRole('link', { name: 'Mon abonnement d\'agenda' }).click();
      await page.getByRole('button', { name: 'Créer l\'adresse de mon abonnement' }).click();
      const feedUrl = await page.getByLabel('Adresse de l\'abonnement').inputValue();
      await assertAccessible(page, 'agenda-feed-fr');
      const feed = await (await fetch(new URL(new URL(feedUrl).pathname, server.baseUrl))).text();
      const initials = person.split(/\s+/).map((w) => `${w[0].toUpperCase()}.`).join(' ');
      assert.ok(feed.includes(`SUMMARY:Visite à domicile — ${initials}`), feed);
      assert.ok(!feed.includes(person.split(/\s+/)[0]), 'no name in the feed by default');

      // Mark it done: the note opens, prefilled as a home visit of 45 minutes.
      await page.goto(caseUrl);
      await page.locator('section', { has: page.getByRole('heading', { name: 'Rendez-vous' }) }).getByRole('link').first().click();
      await page.getByRole('heading', { name: `Rendez-vous avec ${person}` }).waitFor();
      await assertAccessible(page, 'appointment-fr');
      await page.getByRole('button', { name: 'Il a eu lieu : écrire la note' }).click();
      await page.waitForURL(/\/notes\/new\?appointment=/);
      assert.equal(await page.locator('#duration').inputValue(), '45');
      assert.equal(await page.locator('#note_type').inputValue(), 'home_visit');
      await page.locator('#body').fill('Visite faite : le logement est en bon état, dossier FSL complet.');
      await page.getByRole('button', { name: /Enregistrer la note/ }).click();
      await page.waitForURL(/\/cases\/[0-9a-f-]{36}(\?.*)?$/);
      await page.getByText('Rendez-vous honoré').first().waitFor();
      await page.getByText('Visite faite : le logement est en bon état').first().waitFor();

      // In English: the calendar, the appointment and the booking form.
      await page.goto(url('/language/en'));
      await page.goto(url('/agenda'));
      await page.getByRole('heading', { name: /^Calendar: Karim Benali/, level: 1 }).waitFor();
      await assertAccessible(page, 'agenda-week-en');
      await page.goto(url('/appointments/new'));
      await page.getByRole('heading', { name: 'Book an appointment', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Book' }).click();
      await page.getByRole('alert').getByText('Give the day.').waitFor();
      await assertAccessible(page, 'appointment-form-errors-en');
      await page.goto(url('/agenda/feed'));
      await assertAccessible(page, 'agenda-feed-en');
    } finally {
      await context.close();
    }
  });
});
