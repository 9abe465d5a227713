/**
 * Options every package's vitest project shares (projects do not inherit the root config).
 * Generous timeouts: end-to-end tests spawn the CLI and servers on a 2-core machine that runs
 * several projects at once; a slow machine must not look like a broken feature.
 */
export const sharedTestOptions = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
} as const;
