import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';
const SECRET = 'HADDAD Amel - titre de sejour - 7501234567';

// yyyy-mm-dd, `days` from today.
function inDays(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

// A valid one-page PDF saying `text` (ASCII), with its cross-reference table, so that the
// browser's viewer renders the preview.
function pdf(text) {
  const content = `BT /F1 18 Tf 20 60 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 142] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

// A worker opens a case, uploads a residence permit with an expiry date from the case page (a
// plain file input, as a phone or a desktop without script sends it), sees it on its page and
// in the case's list as expiring soon, has a web page renamed .pdf refused with a clear message
// and the form kept, makes a share link for a partner; the stored file is not the plaintext.
// Every page passes axe in French and English, on a desktop and a 360 px phone.
describe('documents: upload a residence permit, refuse a disguised page, share a link', () => {
  let server;
  let browser;
  let dataDir;
  let documentUrl;
  let caseUrl;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-documents-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('a worker uploads a residence permit to a case, in French', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/persons'));
      await page.locator('#results a[href^="/persons/"]').first().click();
      await page.getByRole('heading', { name: 'Documents' }).waitFor();
      await page.getByRole('link', { name: 'Ouvrir un accompagnement' }).click();
      await page.getByLabel("Motif de l'accompagnement").fill('Renouvellement du titre de séjour');
      await page.getByRole('button', { name: "Ouvrir l'accompagnement" }).click();
      await page.getByText("L'accompagnement est ouvert.").waitFor();
      caseUrl = page.url().split('?')[0];

      await page.getByRole('link', { name: 'Ajouter un document' }).click();
      await page.getByRole('heading', { name: /^Ajouter un document pour/ }).waitFor();
      await assertAccessible(page, 'documents-new-fr');

      // A web page renamed .pdf: refused, said clearly, the choices kept.
      await page.getByLabel('Type de document').selectOption({ label: 'Titre de séjour, récépissé' });
      await page.getByLabel("Date d'expiration").fill(inDays(30));
      await page.locator('#file').setInputFiles({
        name: 'titre.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'),
      });
      await page.getByRole('button', { name: 'Ajouter le document' }).click();
      await page.getByRole('alert').getByText(/Les pages web et les images SVG ne sont pas acceptées/).waitFor();
      assert.equal(await page.getByLabel("Date d'expiration").inputValue(), inDays(30));
      assert.equal(await page.getByLabel('Type de document').inputValue(), 'residence_permit');
      await assertAccessible(page, 'documents-refused-fr');

      // The real scan.
      await page.locator('#file').setInputFiles({ name: 'titre séjour.pdf', mimeType: 'application/pdf', buffer: pdf(SECRET) });
      await page.getByRole('button', { name: 'Ajouter le document' }).click();
      await page.getByText('Le document a été ajouté.').waitFor();
      documentUrl = page.url().split('?')[0];
      assert.match(documentUrl, /\/documents\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { name: 'Titre de séjour, récépissé', level: 1 }).waitFor();
      await page.getByText(/Expire bientôt : .* \(dans 30 jours\)/).first().waitFor();
      await page.getByRole('heading', { name: 'Aperçu' }).waitFor();
      await assertAccessible(page, 'documents-show-fr');

      // A share link for a partner: shown once.
      await page.getByLabel('Un partenaire').check();
      await page.getByLabel('Nom du destinataire (facultatif)').fill('Préfecture');
      await page.getByRole('button', { name: 'Créer un lien' }).click();
      await page.getByText('Le lien a été créé.').waitFor();
      const link = await page.getByLabel('Le lien').inputValue();
      assert.match(link, /\/shared\/[0-9a-f]{64}$/);
      await assertAccessible(page, 'documents-shared-fr');
      const anonymous = await browser.newContext();
      try {
        const res = await anonymous.request.get(link);
        assert.equal(res.status(), 200);
        assert.equal((await res.body()).toString(), pdf(SECRET).toString());
      } finally {
        await anonymous.close();
      }

      // The case's page lists it, expiring soon in words; the timeline says it was added.
      await page.goto(caseUrl);
      await page.locator('#documents').getByText('titre séjour.pdf').waitFor();
      await page.locator('#documents').getByText(/Expire bientôt/).waitFor();
      await page.getByText('Document ajouté').first().waitFor();
      await assertAccessible(page, 'documents-case-fr');

      // The referent's reminder task is there at once, on "my day" (issue 9's acceptance).
      await page.goto(url('/my-day'));
      await page.getByText('Document bientôt expiré').first().waitFor();
      await assertAccessible(page, 'documents-reminder-my-day-fr');

      // On disk, encrypted.
      const root = path.join(dataDir, 'demo', 'files');
      const stored = (await filesUnder(root)).filter((f) => !path.relative(root, f).startsWith('tmp'));
      assert.equal(stored.length, 1);
      const bytes = await readFile(stored[0]);
      assert.ok(!bytes.includes('HADDAD') && !bytes.includes('%PDF'), 'the stored file is not the plaintext');
    } finally {
      await context.close();
    }
  });

  test('the document, its upload form and the case read in English', async () => {
    const context = await newContext(browser, { locale: 'en-GB' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(documentUrl);
      await page.getByRole('heading', { name: 'Residence permit', level: 1 }).waitFor();
      await page.getByRole('rowheader', { name: /A partner — Préfecture/ }).waitFor();
      await Promise.all([
        page.waitForURL(/revoked=1/),
        page.getByRole('button', { name: /Revoke the link for/ }).click(),
      ]);
      await page.getByText('The link was revoked').waitFor();
      await page.getByRole('cell', { name: 'Revoked', exact: true }).waitFor();
      await assertAccessible(page, 'documents-show-en');
      await page.goto(caseUrl);
      await page.getByRole('link', { name: 'Add a document' }).click();
      await page.getByRole('heading', { name: /^Add a document for/ }).waitFor();
      await assertAccessible(page, 'documents-new-en');
      await page.goto(caseUrl);
      await page.locator('#documents').getByText(/Expires soon/).waitFor();
      await assertAccessible(page, 'documents-case-en');
    } finally {
      await context.close();
    }
  });
});
