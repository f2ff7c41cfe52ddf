import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';

// A worker chooses, from their account, which notifications also come by e-mail; the demo
// server has no SMTP, which the page says. In French and English, each page checked by axe.
describe('notifications by e-mail', () => {
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

  for (const [locale, user, names] of [
    ['fr-FR', 'karim.benali@valbourg.example', {
      account: /Connecté·e en tant que/,
      link: 'Choisir les notifications reçues aussi par e-mail',
      title: 'Notifications par e-mail',
      off: /pas encore configuré/,
      urgency: 'Une urgence est signalée pour une personne suivie par mon équipe',
      invitation: 'Je suis invité·e dans une structure',
      email: 'Aussi par e-mail, tout de suite',
      digest: 'Aussi dans un récapitulatif quotidien par e-mail',
      language: 'Langue des e-mails',
      save: 'Enregistrer mes choix',
      saved: 'Vos choix sont enregistrés.',
    }],
    ['en-GB', 'sophie.lambert@valbourg.example', {
      account: /Signed in as/,
      link: 'Choose which notifications also come by e-mail',
      title: 'Notifications by e-mail',
      off: /not configured on this server yet/,
      urgency: 'An urgency flag is raised for a person my team follows',
      invitation: 'I am invited into an organisation',
      email: 'Also by e-mail, at once',
      digest: 'Also in a daily e-mail digest',
      language: 'Language of the e-mails',
      save: 'Save my choices',
      saved: 'Your choices are saved.',
    }],
  ]) {
    test(`a worker chooses e-mail for urgencies and a digest for invitations (${locale})`, async () => {
      const context = await newContext(browser, { locale });
      try {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, user, DEMO_PASSWORD);
        await page.getByRole('link', { name: names.account }).click();
        await Promise.all([
          page.waitForURL(new URL('/account/notifications', server.baseUrl).href),
          page.getByRole('link', { name: names.link }).click(),
        ]);
        assert.equal(await page.locator('h1').innerText(), names.title);
        assert.match(await page.locator('main').innerText(), names.off);
        await assertAccessible(page, `mail-preferences-${locale}`);

        const urgency = page.getByRole('group', { name: names.urgency });
        await urgency.getByRole('radio', { name: names.email }).check();
        const invitations = page.getByRole('group', { name: names.invitation });
        await invitations.getByRole('radio', { name: names.digest }).check();
        assert.equal(await page.getByLabel(names.language).inputValue(), locale.slice(0, 2));
        await Promise.all([
          page.waitForURL(/\/account\/notifications\?saved=1$/),
          page.getByRole('button', { name: names.save }).click(),
        ]);
        assert.equal(await page.getByRole('status').innerText(), names.saved);
        assert.equal(await urgency.getByRole('radio', { name: names.email }).isChecked(), true);
        assert.equal(await invitations.getByRole('radio', { name: names.digest }).isChecked(), true);
        await assertAccessible(page, `mail-preferences-saved-${locale}`);
      } finally {
        await context.close();
      }
    });
  }
});
