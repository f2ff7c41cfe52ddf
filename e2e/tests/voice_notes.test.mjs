import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { assertAccessible, launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';
// "Visite à domicile chez madame Haddad. Le chauffage est réparé." spoken by espeak-ng, Ogg/Opus.
const SAMPLE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..', '..', 'crates', 'web', 'tests', 'fixtures', 'voice-note-fr.ogg',
);
const TRANSCRIPT = 'Visite à domicile chez madame Haddad. Le chauffage est réparé.';

// A fake whisper.cpp server: `POST /inference` answers a fixed transcript; it counts the
// requests and keeps the form fields it was sent (not the audio).
function fakeWhisper() {
  const calls = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      const field = (name) => {
        const m = body.match(new RegExp(`name="${name}"\\r\\n\\r\\n([^\\r]*)\\r\\n`));
        return m ? m[1] : null;
      };
      calls.push({ url: req.url, language: field('language'), format: field('response_format'), bytes: body.length });
      if (req.method !== 'POST' || req.url !== '/inference') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ text: ` ${TRANSCRIPT} ` }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

async function objectsUnder(root) {
  let n = 0;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== 'tmp') {
      n += (await readdir(path.join(root, entry.name))).length;
    }
  }
  return n;
}

// A worker opens a case, has a web page renamed .ogg refused, uploads the espeak-ng sample as a
// voice note from the case page; the fake transcription server (started here, its address in
// the server's environment) returns a text; the worker opens the draft, corrects it, files it,
// and the recording is gone. In English, a second voice note is deleted by hand. Every new page
// passes axe in French and English, on a desktop and a 360 px phone.
describe('voice notes: record after a home visit, file the corrected transcript', () => {
  let whisper;
  let server;
  let browser;
  let dataDir;
  let caseUrl;

  before(async () => {
    whisper = await fakeWhisper();
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-voice-'));
    server = await startServer({
      env: { PASSERELLE_DATA_DIR: dataDir, PASSERELLE_TRANSCRIPTION_URL: whisper.url },
      args: ['--demo'],
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await whisper?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;
  const filesRoot = () => path.join(dataDir, 'demo', 'files');

  test('a worker uploads a voice note, corrects its transcript and files it, in French', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/persons'));
      await page.locator('#results a[href^="/persons/"]').first().click();
      await page.getByRole('link', { name: 'Ouvrir un accompagnement' }).click();
      await page.getByLabel("Motif de l'accompagnement").fill('Visites à domicile');
      await page.getByRole('button', { name: "Ouvrir l'accompagnement" }).click();
      await page.getByText("L'accompagnement est ouvert.").waitFor();
      caseUrl = page.url().split('?')[0];

      await page.getByRole('link', { name: 'Enregistrer une note vocale' }).click();
      await page.getByRole('heading', { name: /^Note vocale pour/ }).waitFor();
      // The browser can record here: the recorder is shown beside the file input.
      await page.getByRole('button', { name: "Commencer l'enregistrement" }).waitFor();
      assert.equal(await page.getByLabel('Type de la note').inputValue(), 'home_visit');
      await assertAccessible(page, 'voice-new-fr');

      // A web page renamed .ogg: refused, said clearly, the type chosen kept.
      await page.getByLabel('Type de la note').selectOption('phone');
      await page.locator('#file').setInputFiles({
        name: 'visite.ogg',
        mimeType: 'audio/ogg',
        buffer: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'),
      });
      await page.getByRole('button', { name: 'Envoyer la note vocale' }).click();
      await page.getByRole('alert').getByText(/n'est pas un enregistrement audio accepté/).waitFor();
      assert.equal(await page.getByLabel('Type de la note').inputValue(), 'phone');
      await assertAccessible(page, 'voice-refused-fr');

      // The recording itself, as a home visit.
      await page.getByLabel('Type de la note').selectOption('home_visit');
      await page.locator('#file').setInputFiles(SAMPLE);
      await page.getByRole('button', { name: 'Envoyer la note vocale' }).click();
      await page.getByText('La note vocale est enregistrée.', { exact: false }).waitFor();
      const voiceUrl = page.url().split('?')[0];
      assert.match(voiceUrl, /\/voice-notes\/[0-9a-f-]{36}$/);
      assert.equal(await objectsUnder(filesRoot()), 1, 'the recording is stored');

      // The job runner sends it to the fake server; the page says when the transcript is there.
      for (let i = 0; i < 30; i++) {
        await page.goto(voiceUrl);
        if (await page.getByText('Transcription prête').count()) break;
        await page.waitForTimeout(500);
      }
      await page.locator('#voice-status').getByText('Transcription prête').waitFor();
      await page.getByText(TRANSCRIPT).waitFor();
      assert.equal(whisper.calls.length, 1);
      assert.equal(whisper.calls[0].language, 'fr');
      assert.equal(whisper.calls[0].format, 'json');
      await assertAccessible(page, 'voice-show-fr');

      // "My day" lists it until it is filed.
      await page.goto(url('/my-day'));
      await page.getByRole('heading', { name: 'Notes vocales à classer' }).waitFor();
      await assertAccessible(page, 'voice-my-day-fr');
      await page.goto(voiceUrl);

      // The draft opens in the note form, is corrected and filed.
      await page.getByRole('link', { name: 'Corriger et classer la note' }).click();
      await page.getByRole('heading', { name: 'À partir d\'une note vocale' }).waitFor();
      assert.equal(await page.locator('#body').inputValue(), TRANSCRIPT);
      await assertAccessible(page, 'voice-note-form-fr');
      await page.locator('#body').fill(`${TRANSCRIPT} Prochaine visite dans un mois.`);
      await page.getByRole('button', { name: 'Enregistrer la note' }).click();
      await page.getByText('La note est enregistrée.').waitFor();
      await page.getByText('Prochaine visite dans un mois.').first().waitFor();
      await page.getByText('Note classée à partir d\'une note vocale').first().waitFor();

      // The recording is gone; the voice note's page says so; "my day" has nothing left.
      assert.equal(await objectsUnder(filesRoot()), 0, 'the recording was deleted');
      await page.goto(voiceUrl);
      await page.locator('#voice-status').getByText('Note classée').waitFor();
      await page.getByText('Supprimé', { exact: true }).waitFor();
      await page.goto(url('/my-day'));
      assert.equal(await page.getByRole('heading', { name: 'Notes vocales à classer' }).count(), 0);
    } finally {
      await context.close();
    }
  });

  test('in English, a second voice note is listened to and deleted by hand', async () => {
    const context = await newContext(browser, { locale: 'en-GB' });
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(caseUrl);
      await page.getByRole('link', { name: 'Record a voice note' }).click();
      await page.getByRole('heading', { name: /^Voice note for/ }).waitFor();
      await assertAccessible(page, 'voice-new-en');
      await page.locator('#file').setInputFiles(SAMPLE);
      await page.getByRole('button', { name: 'Send the voice note' }).click();
      await page.getByText('The voice note was saved.', { exact: false }).waitFor();
      const voiceUrl = page.url().split('?')[0];
      for (let i = 0; i < 30; i++) {
        await page.goto(voiceUrl);
        if (await page.getByText('Transcript ready').count()) break;
        await page.waitForTimeout(500);
      }
      await page.locator('#voice-status').getByText('Transcript ready').waitFor();
      assert.equal(whisper.calls.at(-1).language, 'en');
      // The recording plays from the page (an audited request for the audio).
      const audio = await page.request.get(new URL(`${voiceUrl}/audio`).href);
      assert.equal(audio.status(), 200);
      assert.equal(audio.headers()['content-type'], 'audio/ogg');
      assert.match(audio.headers()['content-disposition'], /^attachment;/);
      await assertAccessible(page, 'voice-show-en');
      await page.getByRole('link', { name: 'Correct and file the note' }).click();
      await page.getByRole('heading', { name: 'From a voice note' }).waitFor();
      assert.equal(await page.locator('#body').inputValue(), TRANSCRIPT);
      await assertAccessible(page, 'voice-note-form-en');
      await page.goto(url('/my-day'));
      await page.getByRole('heading', { name: 'Voice notes to file' }).waitFor();
      await assertAccessible(page, 'voice-my-day-en');
      await page.goto(caseUrl);
      await page.locator('#voice-notes').getByRole('link', { name: /^Voice note of/ }).waitFor();
      await assertAccessible(page, 'voice-case-en');
      await page.goto(voiceUrl);
      await page.getByRole('button', { name: 'Delete the recording' }).click();
      await page.getByText('The recording was deleted.').waitFor();
      assert.equal(await page.locator('#voice-notes').count(), 0);
      assert.equal(await objectsUnder(filesRoot()), 0);
    } finally {
      await context.close();
    }
  });
});
