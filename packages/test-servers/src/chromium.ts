import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's chromium (`apt-get install chromium`); tests fail, not skip, when it is missing. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * What playwright-core's `chromium.launchPersistentContext(profile, options)` gets: headless,
 * no sandbox (the test machine runs as root), and none of Chromium's background connections,
 * which would only fail on a machine without a route out. Kept free of a playwright import so
 * this package does not depend on it.
 */
export function chromiumLaunchOptions(): { executablePath: string; headless: true; args: string[] } {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
  return {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  };
}

/** A fresh, empty profile (the user-data-dir): no cookie or cache from another test. Remove it after. */
export function freshChromiumProfile(): string {
  return mkdtempSync(join(tmpdir(), "cairn-chromium-"));
}
