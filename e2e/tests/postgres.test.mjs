import { test } from 'node:test';
import { launchBrowser, VIEWPORTS } from '../lib/browser.mjs';
import { homeJourney } from '../lib/journeys.mjs';
import { startServer } from '../lib/server.mjs';

// The caller provides a fresh, empty database; without one this suite must show
// up as skipped rather than pass unnoticed.
const databaseUrl = process.env.PASSERELLE_E2E_POSTGRES_URL;
// scripts/test.sh sets this: there, a missing database is a failure, not a skip.
const required = process.env.PASSERELLE_E2E_REQUIRE_POSTGRES === '1';
const TEST_SECRET_KEY = '5e11e2e05e11e2e05e11e2e05e11e2e05e11e2e05e11e2e05e11e2e05e11e2e0';

test(
  'home page on PostgreSQL',
  { skip: databaseUrl || required ? false : 'PASSERELLE_E2E_POSTGRES_URL is not set' },
  async () => {
    if (!databaseUrl) throw new Error('PASSERELLE_E2E_REQUIRE_POSTGRES=1 but PASSERELLE_E2E_POSTGRES_URL is not set');
    const server = await startServer({
      env: { PASSERELLE_DATABASE_URL: databaseUrl, PASSERELLE_SECRET_KEY: TEST_SECRET_KEY },
    });
    let browser;
    try {
      browser = await launchBrowser();
      await homeJourney(browser, server.baseUrl, {
        locale: 'fr-FR',
        lang: 'fr',
        shots: { 'home-postgres': VIEWPORTS.desktop },
      });
    } finally {
      await browser?.close();
      await server.stop();
    }
  },
);
