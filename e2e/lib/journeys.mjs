import assert from 'node:assert/strict';
import { checkA11y, formatViolations, newContext, screenshot } from './browser.mjs';

// Shared by the SQLite and PostgreSQL suites so both back-ends face the same checks.
// `shots` maps screenshot name -> viewport; axe runs at every viewport because
// responsive layouts can hide or reorder content.
export async function homeJourney(browser, baseUrl, { locale, lang, shots }) {
  const context = await newContext(browser, { locale });
  try {
    const page = await context.newPage();
    const response = await page.goto(new URL('/', baseUrl).href);
    assert.equal(response.status(), 200, `GET / answered ${response.status()}`);
    await assertHomeBasics(page, lang);
    await assertSkipLinkFirst(page);

    for (const [name, viewport] of Object.entries(shots)) {
      await page.setViewportSize(viewport);
      const violations = await checkA11y(page);
      assert.deepEqual(violations, [], `${name}:\n${formatViolations(violations)}`);
      await screenshot(page, name);
    }
  } finally {
    await context.close();
  }
}

export async function assertHomeBasics(page, lang) {
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  assert.match(await page.title(), /Passerelle/);
  assert.ok((await page.locator('h1').count()) >= 1, 'page has no <h1>');
}

export async function assertSkipLinkFirst(page) {
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName.toLowerCase(), href: el?.getAttribute('href') };
  });
  assert.deepEqual(focused, { tag: 'a', href: '#main' }, 'first Tab should reach the skip link');
  assert.equal(await page.locator('#main').count(), 1, 'skip link target #main is missing');
  // A focused skip link usually becomes visible; keep it out of the screenshots.
  await page.evaluate(() => document.activeElement?.blur());
}
