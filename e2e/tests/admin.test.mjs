import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { checkA11y, formatViolations, launchBrowser, newContext, screenshot, VIEWPORTS } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const MANAGER = 'claire.fontaine@valbourg.example';
const NEWCOMER = 'nouvelle.collegue@valbourg.example';
const NEWCOMER_PASSWORD = 'pont-levis tranquille 47 hérons';

async function assertAccessible(page, name) {
  for (const [suffix, viewport] of [['desktop', VIEWPORTS.desktop], ['phone', VIEWPORTS.phone]]) {
    await page.setViewportSize(viewport);
    const violations = await checkA11y(page);
    assert.deepEqual(violations, [], `${name}-${suffix}:\n${formatViolations(violations)}`);
    await screenshot(page, `${name}-${suffix}`);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

// The manager of the demo's CCAS invites a colleague from the administration pages; without
// e-mail configured, the invitation's link is shown to the manager, who passes it on. A new
// colleague answers by choosing a password with it; someone who already has an account signs
// in and accepts from their account page.
describe('organisation administration', () => {
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

  test('the manager invites a colleague, who chooses a password with the link shown and signs in', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      const nav = page.getByRole('navigation', { name: 'Navigation principale' });
      await Promise.all([
        page.waitForURL(new URL('/admin/users', server.baseUrl).href),
        nav.getByRole('link', { name: 'Administration' }).click(),
      ]);
      assert.equal(await nav.getByRole('link', { name: 'Administration' }).getAttribute('aria-current'), 'page');
      assert.equal(await page.locator('h1').innerText(), 'Membres de la structure');
      const rows = await page.locator('tbody tr').allInnerTexts();
      assert.equal(rows.length, 5, rows.join('\n'));
      assert.ok(rows.some((r) => r.includes('Sophie Lambert') && r.includes('Pôle insertion (supervise)')), rows.join('\n'));
      await assertAccessible(page, 'admin-users-fr');

      await Promise.all([
        page.waitForURL(new URL('/admin/users/invite', server.baseUrl).href),
        page.getByRole('link', { name: 'Inviter une personne' }).click(),
      ]);
      await assertAccessible(page, 'admin-invite-form-fr');
      await page.getByLabel('Adresse e-mail').fill(NEWCOMER);
      await page.getByLabel('Nom complet').fill('Nouvelle Collègue');
      await page.getByLabel('Rôle').selectOption('worker');
      await page.getByLabel('Accueil', { exact: true }).check();
      await Promise.all([
        page.waitForLoadState('load'),
        page.waitForSelector('#invite-link'),
        page.getByRole('button', { name: 'Inviter', exact: true }).click(),
      ]);
      assert.equal(await page.locator('h1').innerText(), 'Invitation prête');
      assert.match(await page.locator('.invite-link').innerText(), /n'envoie pas encore d'e-mails/);
      // The link was answered to the POST: it never appears in the address bar.
      assert.equal(page.url(), new URL('/admin/users/invite', server.baseUrl).href);
      const link = await page.getByLabel(/Lien à usage unique/).inputValue();
      assert.ok(link.startsWith(`${server.baseUrl}/account/password/`), link);
      assert.match(link, /\/account\/password\/[0-9a-f]{64}$/);
      await assertAccessible(page, 'admin-invite-result-fr');

      // The colleague opens the link in their own browser.
      const theirs = await newContext(browser, { locale: 'fr-FR' });
      try {
        const other = await theirs.newPage();
        await other.goto(link);
        await other.getByLabel('Nouveau mot de passe').fill(NEWCOMER_PASSWORD);
        await other.getByLabel('Confirmer le mot de passe').fill(NEWCOMER_PASSWORD);
        await Promise.all([
          other.waitForURL(/\/login\?notice=password_set/),
          other.getByRole('button', { name: 'Enregistrer le mot de passe' }).click(),
        ]);
        await signIn(other, server.baseUrl, NEWCOMER, NEWCOMER_PASSWORD);
        assert.match(await other.locator('.lead').innerText(), /CCAS de Valbourg \(travailleur·se social·e\)/);
        const theirNav = other.getByRole('navigation', { name: 'Navigation principale' });
        assert.equal(await theirNav.getByRole('link', { name: 'Administration' }).count(), 0);
      } finally {
        await theirs.close();
      }

      // Back on the list, the newcomer is first (newest first), with their team.
      await page.goto(new URL('/admin/users', server.baseUrl).href);
      const first = await page.locator('tbody tr').first().innerText();
      assert.match(first, /Nouvelle Collègue/);
      assert.match(first, /Accueil/);
      assert.doesNotMatch(first, /Jamais/, 'their sign-in shows');
      await Promise.all([
        page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/),
        page.getByRole('link', { name: 'Nouvelle Collègue', exact: true }).click(),
      ]);
      assert.equal(await page.locator('h1').innerText(), 'Nouvelle Collègue');
      assert.equal(await page.getByRole('combobox', { name: 'Rôle' }).inputValue(), 'worker');
      assert.equal(await page.getByLabel('Accueil', { exact: true }).isChecked(), true);
      await assertAccessible(page, 'admin-member-fr');
    } finally {
      await context.close();
    }
  });

  test('a manager cannot lock themself out, and is told why', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await page.goto(new URL('/admin/users?sort=name', server.baseUrl).href);
      await Promise.all([
        page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/),
        page.getByRole('link', { name: 'Claire Fontaine', exact: true }).click(),
      ]);
      assert.equal(await page.locator('h1').innerText(), 'Claire Fontaine');
      await Promise.all([
        page.waitForLoadState('load'),
        page.waitForSelector('.error-summary'),
        page.getByRole('button', { name: "Suspendre l'accès" }).click(),
      ]);
      assert.match(await page.locator('.error-summary').innerText(), /Vous ne pouvez pas suspendre votre propre accès/);
      await assertAccessible(page, 'admin-member-lock-out-fr');
    } finally {
      await context.close();
    }
  });

  test('the members list and the teams in English', async () => {
    const context = await newContext(browser, { locale: 'en-GB' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Administration' }).click();
      await page.waitForURL(new URL('/admin/users', server.baseUrl).href);
      assert.equal(await page.locator('h1').innerText(), 'Members of the organisation');
      assert.match(await page.locator('caption').innerText(), /newest first/);
      await assertAccessible(page, 'admin-users-en');
      await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Teams' }).click();
      await page.waitForURL(new URL('/admin/teams', server.baseUrl).href);
      const rows = await page.locator('tbody tr').allInnerTexts();
      assert.equal(rows.length, 4, rows.join('\n'));
      await assertAccessible(page, 'admin-teams-en');
    } finally {
      await context.close();
    }
  });
  test('someone who already has an account accepts the invitation from their account page', async () => {
    const INVITEE = 'min-jun.kim@lerelais.example';
    const context = await newContext(browser, { locale: 'fr-FR' });
    const theirs = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await page.goto(new URL('/admin/users/invite', server.baseUrl).href);
      await page.getByLabel('Adresse e-mail').fill(INVITEE);
      await page.getByLabel('Nom complet').fill('Min-jun Kim');
      await page.getByLabel('Rôle').selectOption('worker');
      await Promise.all([
        page.waitForSelector('#invite-link'),
        page.getByRole('button', { name: 'Inviter', exact: true }).click(),
      ]);
      // The same answer as for a new address: nothing says the account existed.
      assert.equal(await page.locator('h1').innerText(), 'Invitation prête');
      await page.goto(new URL('/admin/users', server.baseUrl).href);
      assert.match(await page.locator('#invitations-caption').innerText(), /Invitations en attente/);
      await assertAccessible(page, 'admin-users-invitation-pending-fr');

      const other = await theirs.newPage();
      await signIn(other, server.baseUrl, INVITEE, DEMO_PASSWORD);
      await other.goto(new URL('/account', server.baseUrl).href);
      const invitation = other.getByRole('region', { name: 'Invitations en attente de votre réponse' });
      assert.match(await invitation.innerText(), /vous invite à rejoindre CCAS de Valbourg, comme travailleur·se social·e/);
      await assertAccessible(other, 'account-invitation-fr');
      await Promise.all([
        other.waitForURL(/\/account\?notice=invitation_accepted$/),
        other.getByRole('button', { name: 'Accepter : CCAS de Valbourg' }).click(),
      ]);
      const organisations = await other.getByRole('region', { name: /Structures auxquelles vous êtes rattaché/ }).innerText();
      assert.match(organisations, /CCAS de Valbourg/);
      assert.match(organisations, /Association Le Relais/);
    } finally {
      await theirs.close();
      await context.close();
    }
  });

  test('the manager creates a password reset link for a worker, which sets a new password once', async () => {
    const WORKER = 'karim.benali@valbourg.example';
    const WORKER_NEW_PASSWORD = 'trois hérons sur le pont-levis';
    const context = await newContext(browser, { locale: 'fr-FR' });
    const earlier = await newContext(browser, { locale: 'fr-FR' });
    const workers = await newContext(browser, { locale: 'fr-FR' });
    try {
      // The worker is signed in somewhere: the reset will end that session.
      const before = await earlier.newPage();
      await signIn(before, server.baseUrl, WORKER, DEMO_PASSWORD);

      const page = await context.newPage();
      await signIn(page, server.baseUrl, MANAGER, DEMO_PASSWORD);
      await page.goto(new URL('/admin/users?sort=name', server.baseUrl).href);
      await Promise.all([
        page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/),
        page.getByRole('link', { name: 'Karim Benali', exact: true }).click(),
      ]);
      const memberUrl = page.url();
      await Promise.all([
        page.waitForLoadState('load'),
        page.waitForSelector('#reset-link'),
        page.getByRole('button', { name: 'Créer un lien de réinitialisation du mot de passe' }).click(),
      ]);
      assert.equal(await page.locator('h1').innerText(), 'Lien de réinitialisation créé');
      // The link was answered to the POST: it never appears in the address bar.
      assert.equal(page.url(), `${memberUrl}/password-reset`);
      const link = await page.getByLabel(/Lien à usage unique/).inputValue();
      assert.match(link, /\/account\/password\/[0-9a-f]{64}$/);
      assert.ok(link.startsWith(server.baseUrl), link);
      await assertAccessible(page, 'admin-password-link-fr');

      // The worker opens the link in another browser and chooses a new password.
      const theirs = await workers.newPage();
      await theirs.goto(link);
      await assertAccessible(theirs, 'password-reset-form-fr');
      await theirs.getByLabel('Nouveau mot de passe').fill(WORKER_NEW_PASSWORD);
      await theirs.getByLabel('Confirmer le mot de passe').fill(WORKER_NEW_PASSWORD);
      await Promise.all([
        theirs.waitForURL(/\/login\?notice=password_set/),
        theirs.getByRole('button', { name: 'Enregistrer le mot de passe' }).click(),
      ]);
      // Used once: the link now says so.
      await theirs.goto(link);
      assert.match(await theirs.locator('.panel-error').innerText(), /Ce lien n'est plus valable/);
      // The session opened before the reset is over.
      await before.goto(new URL('/', server.baseUrl).href);
      assert.equal(new URL(before.url()).pathname, '/login');
      await signIn(theirs, server.baseUrl, WORKER, WORKER_NEW_PASSWORD);
      assert.match(await theirs.locator('.lead').innerText(), /CCAS de Valbourg/);
    } finally {
      await workers.close();
      await earlier.close();
      await context.close();
    }
  });
});
