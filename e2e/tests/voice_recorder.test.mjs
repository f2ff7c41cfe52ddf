import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../lib/auth.mjs';
import { launchBrowser, newContext } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const DEMO_PASSWORD = 'passerelle-demo';
const WORKER = 'karim.benali@valbourg.example';

// Issue 9 point 4: the recorder of static/voice.js, driven with Chromium's fake microphone
// (a tone): start, the running time, stop, the recording put into the form's file input, sent
// as a voice note (no transcription server here: the worker writes the note while listening).
describe('voice recorder in the browser', () => {
  let server;
  let browser;
  let dataDir;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-recorder-'));
    server = await startServer({ env: { PASSERELLE_DATA_DIR: dataDir }, args: ['--demo'] });
    browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const url = (p) => new URL(p, server.baseUrl).href;

  test('record, stop and send a voice note from the microphone', async () => {
    const context = await newContext(browser, { locale: 'fr-FR' });
    try {
      await context.grantPermissions(['microphone'], { origin: server.baseUrl });
      const page = await context.newPage();
      await signIn(page, server.baseUrl, WORKER, DEMO_PASSWORD);
      await page.goto(url('/my-day'));
      await page.locator('li.task', { hasText: 'Préparer le dossier FSL' }).getByRole('link', { name: 'Accompagnement' }).click();
      await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
      await page.getByRole('link', { name: 'Enregistrer une note vocale' }).click();
      await page.getByRole('button', { name: "Commencer l'enregistrement" }).click();
      await page.getByText('Enregistrement en cours').waitFor();
      await page.waitForTimeout(2500);
      await page.getByRole('button', { name: 'Arrêter' }).click();
      await page.getByText(/^Enregistré \(/).waitFor();
      const files = await page.locator('#file').evaluate((input) => input.files.length);
      assert.equal(files, 1, 'the recording is put into the file input');
      await page.getByRole('button', { name: 'Envoyer la note vocale' }).click();
      await page.getByText('La note vocale est enregistrée.', { exact: false }).waitFor();
      assert.match(page.url(), /\/voice-notes\/[0-9a-f-]{36}/);
    } finally {
      await context.close();
    }
  });
});
