import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; CHROMIUM_PATH selects another build. Playwright's own download does not work here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Chromium flags for a machine without a network: headless, no sandbox (root), and none of
 * Chromium's own background connections (updates, sync, field trials), which would be refused.
 */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Starts headless Chromium. Playwright gives it a fresh, empty profile (its own --user-data-dir in a
 * temp folder, removed by browser.close()).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, timeout: 60_000, args: FLAGS });
}
