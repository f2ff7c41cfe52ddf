import assert from 'node:assert/strict';

// Signs in through the form, as a person would: type, submit, land on the home page.
export async function signIn(page, baseUrl, email, password) {
  await page.goto(new URL('/login', baseUrl).href);
  await page.getByLabel(/Adresse e-mail|E-mail address/).fill(email);
  await page.getByLabel(/^(Mot de passe|Password)$/).fill(password);
  await Promise.all([
    page.waitForURL(new URL('/', baseUrl).href),
    page.getByRole('button', { name: /Se connecter|Sign in/ }).click(),
  ]);
  assert.equal(new URL(page.url()).pathname, '/');
}

export async function signOut(page, baseUrl) {
  await Promise.all([
    page.waitForURL(/\/login/),
    page.getByRole('button', { name: /Se déconnecter|Sign out/ }).click(),
  ]);
  assert.equal(new URL(page.url()).pathname, '/login');
}
