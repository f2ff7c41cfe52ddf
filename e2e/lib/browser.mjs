import { deepEqual } from 'node:assert/strict';
import { readFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const OUTPUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'output');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 360, height: 740 },
};

// Debian's Chromium rather than a Playwright-downloaded build: this machine can
// only reach package registries.
// `extraArgs`: more Chromium switches, e.g. a fake microphone for the voice recorder.
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

// The app's CSP forbids inline scripts, which would block the axe injection;
// bypassCSP affects only what the test injects, the app's own behaviour is unchanged.
export function newContext(browser, options = {}) {
  return browser.newContext({ bypassCSP: true, viewport: VIEWPORTS.desktop, ...options });
}

let axeSource;

export async function checkA11y(page) {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ content: axeSource });
  }
  const results = await page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: 'tag', values } }),
    AXE_TAGS,
  );
  return results.violations;
}

export function formatViolations(violations) {
  if (violations.length === 0) return 'no accessibility violations';
  return violations
    .map((v) => {
      const targets = v.nodes.map((n) => `    - ${n.target.join(' ')}`).join('\n');
      return `[${v.impact}] ${v.id}: ${v.help}\n  ${v.helpUrl}\n${targets}`;
    })
    .join('\n');
}

export async function screenshot(page, name) {
  await mkdir(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Axe finds nothing at desktop and phone widths (responsive layouts can hide or reorder
// content), and a screenshot of each is saved as `<name>-desktop` / `<name>-phone`.
export async function assertAccessible(page, name) {
  for (const [suffix, viewport] of [['desktop', VIEWPORTS.desktop], ['phone', VIEWPORTS.phone]]) {
    await page.setViewportSize(viewport);
    const violations = await checkA11y(page);
    deepEqual(violations, [], `${name}-${suffix}:\n${formatViolations(violations)}`);
    await screenshot(page, `${name}-${suffix}`);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}
