import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../../src/paths.js';

/** Debian's Chromium, the browser the browser tests drive (no browser is downloaded). */
export const CHROMIUM = '/usr/bin/chromium';
/** Where browser tests save their screenshots. */
export const SHOTS = join(projectRoot, 'test-results');

/**
 * Launches headless Chromium for a suite, or skips the suite with the reason printed when it is
 * not installed on a laptop; under CI=true a missing browser fails the suite instead.
 */
export async function launchChromium(suite: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const reason = `${CHROMIUM} is missing (apt-get install chromium)`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI must install it`);
    console.warn(`      skipped: ${reason}`);
    suite.skip();
  }
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
