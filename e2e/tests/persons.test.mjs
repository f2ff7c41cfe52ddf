import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';

// Birth dates of the household, and the ages the pages must show for them today (the server
// counts in UTC days).
const ZOE_BIRTH = [1987, 2, 14];
const LEO_BIRTH = [2015, 9, 3];

function ageToday([year, month, day]) {
  const now = new Date();
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
  return y - year - (m < month || (m === month && d < day) ? 1 : 0);
}

const french = ([y, m, d]) => `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;

function todayFrench() {
  const now = new Date();
  return french([now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()]);
}

// Axe needs scripts, which a context without JavaScript cannot run: the page as the server
// sent it is audited in a scripted twin (its own scripts blocked), same URL, same styles.
async function assertAccessibleWithoutScripts(browser, page, name, locale) {
  const html = await page.content();
  const twin = await newContext(browser, { locale });
  try {
    const copy = await twin.newPage();
    await copy.route('**/*.js*', (route) => route.abort());
    await copy.route(page.url(), (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await copy.goto(page.url());
    await assertAccessible(copy, name);
  } finally {
    await twin.close();
  }
}

// The household page's table of today's members.
const members = (page) => page.locator('table', { has: page.locator('#members-caption') });

// The rows of a table body as arrays of cell texts (row header first).
async function rows(locator) {
  return locator.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.innerText.trim())));
}

// A worker at the desk: registers a woman and her son (accents everywhere), finds her again
// from a misspelt name typed without accents (live, and without JavaScript), and two
// colleagues edit her record at once. Every page passes axe in French, the search and the
// person's page in English too.
describe('persons and households', () => {
  let server;
  let browser;
  // Filled by the first journey, used by the next ones.
  let zoeUrl;

  before(async () => {
    server = await startServer({ args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const url = (path) => new URL(path, server.baseUrl).href;

  test('a worker registers a person with accents, then her household from her page', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.locator('.main-nav').getByRole('link', { name: 'Personnes', exact: true }).click();
      await page.waitForURL(url('/persons'));
      await assertAccessible(page, 'persons-01-index-empty-fr');

      await page.getByRole('link', { name: 'Enregistrer une personne' }).click();
      await page.waitForURL(url('/persons/new'));
      assert.equal(await page.locator('h1').innerText(), 'Enregistrer une personne');
      await assertAccessible(page, 'persons-02-register-form-fr');

      // A first try with an impossible date: the form comes back with everything typed.
      await page.getByLabel('Nom de naissance').fill('Hénaff');
      await page.getByLabel('Prénoms').fill('Zoé Maëlle');
      await page.getByLabel('Date de naissance').fill('31/02/1987');
      await page.getByLabel('Lieu de naissance').fill('Pontivy');
      await page.getByLabel('Langues parlées').fill('français, breton');
      await page.getByLabel('Téléphones').fill('06 12 34 56 78');
      await page.getByLabel('Adresse', { exact: true }).fill('12 rue de l’Églantière');
      await page.getByLabel('Code postal').fill('42000');
      await page.getByLabel('Commune').fill('Saint-Étienne');
      await page.getByLabel('RSA', { exact: true }).check();
      await page.getByLabel('Montant mensuel de RSA, en euros').fill('607,75');
      await page.getByLabel('Sa situation, avec ses mots').fill('« Je cherche un logement plus grand pour Léo. »');
      await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await page.waitForSelector('#error-summary');
      const summary = page.locator('#error-summary');
      assert.match(await summary.innerText(), /Date de naissance : Ce n'est pas une date/);
      assert.equal(await page.getByLabel('Nom de naissance').inputValue(), 'Hénaff', 'what was typed is kept');
      assert.equal(await page.getByLabel('Montant mensuel de RSA, en euros').inputValue(), '607,75');
      assert.ok(await page.getByLabel('RSA', { exact: true }).isChecked());
      assert.equal(await page.getByLabel('Date de naissance').getAttribute('aria-invalid'), 'true');
      await assertAccessible(page, 'persons-03-register-error-fr');
      // The summary's link takes the keyboard to the field.
      await summary.getByRole('link').first().click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'birth_date');

      await page.getByLabel('Date de naissance').fill(french(ZOE_BIRTH));
      await Promise.all([
        page.waitForURL(/\/persons\/[0-9a-f-]{36}\?created=1$/),
        page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
      ]);
      zoeUrl = page.url().replace(/\?.*$/, '');
      assert.equal(await page.locator('h1').innerText(), 'Hénaff Zoé Maëlle');
      assert.match(await page.locator('.notice:visible').innerText(), /La personne est enregistrée/);
      const facts = await page.locator('.facts').allInnerTexts();
      assert.match(facts.join('\n'), /Saint-Étienne/);
      assert.match(facts.join('\n'), /RSA : 607,75 € par mois/);
      assert.match(await page.locator('.missing').innerText(), /Ce qui manque/);
      await assertAccessible(page, 'persons-04-person-created-fr');

      // The household is created from her page; her son is registered from the household's.
      await Promise.all([
        page.waitForURL(/\/households\/[0-9a-f-]{36}$/),
        page.getByRole('button', { name: 'Créer un foyer avec cette personne' }).click(),
      ]);
      const householdUrl = page.url();
      assert.deepEqual((await rows(members(page))).map((r) => r.slice(0, 3)), [
        ['Hénaff Zoé Maëlle', 'Personne de référence', `${ageToday(ZOE_BIRTH)} ans`],
      ]);
      await assertAccessible(page, 'persons-05-household-created-fr');

      await page.getByRole('link', { name: 'Enregistrer une nouvelle personne pour ce foyer' }).click();
      await page.waitForURL(/\/persons\/new\?household=/);
      await page.getByLabel('Nom de naissance').fill('Hénaff');
      await page.getByLabel('Prénoms').fill('Léo');
      await page.getByLabel('Date de naissance').fill(french(LEO_BIRTH));
      // Same family name, another birth date: not taken for a duplicate of his mother.
      await Promise.all([
        page.waitForURL(/\/households\/[0-9a-f-]{36}\?added=/),
        page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
      ]);
      assert.equal(page.url().replace(/\?.*$/, ''), householdUrl, 'back to the household');
      const leo = page.getByRole('radio', { name: /Hénaff Léo/ });
      assert.ok(await leo.isChecked(), 'the person just registered is chosen');
      await assertAccessible(page, 'persons-06-household-add-fr');

      await page.getByLabel('Lien avec la personne de référence').selectOption({ label: 'Enfant mineur' });
      await page.getByLabel('Dans le foyer depuis').fill(french(LEO_BIRTH));
      await Promise.all([
        page.waitForURL(householdUrl),
        page.getByRole('button', { name: 'Ajouter au foyer' }).click(),
      ]);
      assert.deepEqual((await rows(members(page))).map((r) => r.slice(0, 4)), [
        ['Hénaff Zoé Maëlle', 'Personne de référence', `${ageToday(ZOE_BIRTH)} ans`, todayFrench()],
        ['Hénaff Léo', 'Enfant mineur', `${ageToday(LEO_BIRTH)} ans`, french(LEO_BIRTH)],
      ]);
      await assertAccessible(page, 'persons-07-household-two-members-fr');

      // A departure with an impossible date is refused next to its box, and nothing changes.
      const leaving = page.getByLabel('Date de départ de Hénaff Léo');
      await leaving.fill('31/02/2026');
      await page.getByRole('row', { name: /Hénaff Léo/ }).getByRole('button', { name: 'Enregistrer le départ' }).click();
      await page.waitForSelector('td .field-error');
      const refused = page.getByLabel('Date de départ de Hénaff Léo');
      assert.equal(await refused.getAttribute('aria-invalid'), 'true');
      const describedBy = await refused.getAttribute('aria-describedby');
      assert.match(await page.locator(`#${describedBy}`).innerText(), /Ce n'est pas une date/);
      assert.equal((await rows(members(page))).length, 2, 'both still members');
      await assertAccessible(page, 'persons-07b-household-departure-error-fr');

      // Her page lists the household with everyone's age.
      await page.getByRole('link', { name: 'Hénaff Zoé Maëlle' }).click();
      await page.waitForURL(zoeUrl);
      const household = page.locator('section', { has: page.getByRole('heading', { name: 'Foyer', exact: true }) });
      assert.deepEqual((await rows(household)).map((r) => r.slice(0, 3)), [
        ['Hénaff Zoé Maëlle', 'Personne de référence', `${ageToday(ZOE_BIRTH)} ans`],
        ['Hénaff Léo', 'Enfant mineur', `${ageToday(LEO_BIRTH)} ans`],
      ]);
      assert.equal(await household.getByRole('button', { name: 'Créer un foyer avec cette personne' }).count(), 0,
        'no second household while she is in one');
      await assertAccessible(page, 'persons-08-person-with-household-fr');
    } finally {
      await context.close();
    }
  });

  test('live search finds her from a misspelt name typed without accents, without pressing Enter', async () => {
    assert.ok(zoeUrl, 'the registration journey did not finish');
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/persons'));
      assert.equal(await page.locator('#results-caption').innerText(), 'Personnes enregistrées ou modifiées récemment');
      await assertAccessible(page, 'persons-09-search-fr');

      const searches = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/persons/search') searches.push(r.headers());
      });
      let navigations = 0;
      page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations += 1; });

      // "Hénaff" with an m for the n, "Zoé" without its accent.
      await page.getByLabel('Trouver une personne').pressSequentially('hemaff zoe', { delay: 40 });
      await page.waitForFunction(() => {
        const status = document.querySelector('#results-status')?.textContent.trim();
        const input = document.getElementById('q');
        return status === 'Une personne trouvée' && input.value === 'hemaff zoe';
      });
      assert.equal(navigations, 0, 'the page was not reloaded');
      assert.equal(new URL(page.url()).pathname, '/persons');
      assert.ok(searches.length > 0 && searches.every((h) => h['hx-request'] === 'true'), 'results came through htmx');
      assert.ok(searches.every((h) => h['x-csrf-token']), 'htmx requests carry the anti-forgery token');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'q', 'the cursor stays in the box');
      assert.equal(await page.locator('#results-caption').innerText(), 'Personnes correspondant à la recherche, les plus proches d\'abord');
      const found = await rows(page.locator('#results'));
      assert.equal(found.length, 1);
      assert.equal(found[0][0], 'Hénaff Zoé Maëlle');
      assert.match(found[0][1], new RegExp(`${french(ZOE_BIRTH)} \\(${ageToday(ZOE_BIRTH)} ans\\)`));
      await assertAccessible(page, 'persons-10-live-search-fr');

      // Emptied: the count goes, and the recent list comes back as the page first showed it.
      await page.getByLabel('Trouver une personne').fill('');
      await page.waitForFunction(() => document.querySelector('#results-status')?.textContent.trim() === ''
        && document.querySelector('#results-caption')?.textContent.trim() === 'Personnes enregistrées ou modifiées récemment');
    } finally {
      await context.close();
    }
  });

  test('without JavaScript, the search is a plain form that finds her too (English)', async () => {
    assert.ok(zoeUrl, 'the registration journey did not finish');
    const context = await newContext(browser, { locale: 'en-GB', javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/persons'));
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await assertAccessibleWithoutScripts(browser, page, 'persons-11-search-no-js-en', 'en-GB');
      // Words in another order, one letter missing, no accents.
      await page.getByLabel('Find a person').fill('zoe henaf');
      await Promise.all([
        page.waitForURL(url('/persons/search')),
        page.getByRole('button', { name: 'Search', exact: true }).click(),
      ]);
      assert.equal(await page.getByLabel('Find a person').inputValue(), 'zoe henaf', 'the query is kept');
      assert.equal(await page.locator('.results-status').innerText(), 'One person found');
      const found = await rows(page.locator('#results'));
      assert.deepEqual(found.map((r) => r[0]), ['Hénaff Zoé Maëlle']);
      await assertAccessibleWithoutScripts(browser, page, 'persons-12-search-results-no-js-en', 'en-GB');

      await page.getByRole('link', { name: 'Hénaff Zoé Maëlle' }).click();
      await page.waitForURL(zoeUrl);
      const household = page.locator('section', { has: page.getByRole('heading', { name: 'Household', exact: true }) });
      assert.deepEqual((await rows(household)).map((r) => r.slice(0, 3)), [
        ['Hénaff Zoé Maëlle', 'Reference person', `${ageToday(ZOE_BIRTH)} years old`],
        ['Hénaff Léo', 'Minor child', `${ageToday(LEO_BIRTH)} years old`],
      ]);
      await assertAccessibleWithoutScripts(browser, page, 'persons-13-person-no-js-en', 'en-GB');
    } finally {
      await context.close();
    }
  });

  test('two colleagues edit the record at once: the second save shows both versions and keeps what was typed', async () => {
    assert.ok(zoeUrl, 'the registration journey did not finish');
    const first = await newContext(browser, { locale: 'fr-FR' });
    const second = await newContext(browser, { locale: 'fr-FR' });
    try {
      const a = await first.newPage();
      const b = await second.newPage();
      await signIn(a, server.baseUrl, WORKER, DEMO_PASSWORD);
      await signIn(b, server.baseUrl, WORKER, DEMO_PASSWORD);
      await a.goto(`${zoeUrl}/edit`);
      await b.goto(`${zoeUrl}/edit`);
      assert.equal(await a.locator('h1').innerText(), 'Modifier la fiche de Hénaff Zoé Maëlle');
      await assertAccessible(a, 'persons-14-edit-fr');

      // The first moves her to Firminy and changes her phone; the second, meanwhile, writes
      // another town and nothing else.
      await a.getByLabel('Commune').fill('Firminy');
      await a.getByLabel('Téléphones').fill('07 98 76 54 32');
      await Promise.all([
        a.waitForURL(`${zoeUrl}?saved=1`),
        a.getByRole('button', { name: 'Enregistrer les modifications' }).click(),
      ]);
      assert.match(await a.locator('.notice:visible').innerText(), /La fiche est enregistrée/);

      await b.getByLabel('Commune').fill('Roche-la-Molière');
      const [response] = await Promise.all([
        b.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${zoeUrl}/edit`),
        b.getByRole('button', { name: 'Enregistrer les modifications' }).click(),
      ]);
      assert.equal(response.status(), 409);
      await b.waitForSelector('#conflict');
      const conflict = b.locator('#conflict');
      assert.match(await conflict.getByRole('heading').innerText(), /Quelqu'un a enregistré cette fiche/);
      assert.deepEqual(await rows(conflict), [['Commune', 'Firminy', 'Roche-la-Molière']]);
      assert.equal(await b.getByLabel('Commune').inputValue(), 'Roche-la-Molière', 'what was typed is kept');
      assert.equal(await b.getByLabel('Téléphones').inputValue(), '07 98 76 54 32', 'the colleague\'s phone is merged in');
      await assertAccessible(b, 'persons-15-edit-conflict-fr');

      // Saving again now means "keep mine", knowingly.
      await Promise.all([
        b.waitForURL(`${zoeUrl}?saved=1`),
        b.getByRole('button', { name: 'Enregistrer les modifications' }).click(),
      ]);
      const facts = (await b.locator('.facts').allInnerTexts()).join('\n');
      assert.match(facts, /Roche-la-Molière/);
      assert.match(facts, /07 98 76 54 32/);
      assert.doesNotMatch(facts, /Firminy/);
      await assertAccessible(b, 'persons-16-person-after-conflict-fr');
    } finally {
      await first.close();
      await second.close();
    }
  });
});
