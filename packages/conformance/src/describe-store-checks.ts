import { afterEach, describe, it } from "vitest";
import type { StateStore } from "@cairn/core/driver";
import type { StoreCheck } from "./check-types.js";

/** How a suite over stores gets them: the options both `describeStoreConformance` and `describeCoreOverStoreConformance` take. */
export interface StoreFactoryOptions {
  /** A store over fresh, empty state. Called once per check. */
  create: () => Promise<StateStore>;
  /** Runs after each check (after the store is closed), e.g. to delete a temp directory or bucket. */
  cleanup?: (store: StateStore) => Promise<void>;
  /** Per-check timeout in ms (remote stores are slower than the default). */
  timeoutMs?: number;
}

/** One check registered as a test even when it cannot run here: `skip` is the reason, shown in the title. */
export interface ExtraTest {
  title: string;
  skip?: string;
  run?: () => Promise<void>;
}

/**
 * Registers `checks` as one vitest suite, a fresh store per check. A check needing a capability
 * the store does not claim is still registered, as skipped, with the reason in its title — never
 * silently dropped. Capabilities are read from a first store created while the suite is collected.
 */
export function describeStoreChecks(suite: string, checks: readonly StoreCheck[], options: StoreFactoryOptions, extra: readonly ExtraTest[] = []): void {
  describe(suite, async () => {
    const probe = await options.create();
    const capabilities = { ...probe.capabilities };
    await probe.close();
    await options.cleanup?.(probe);

    let current: StateStore | undefined;
    afterEach(async () => {
      const store = current;
      current = undefined;
      if (store === undefined) return;
      await store.close();
      await options.cleanup?.(store);
    });

    const timeout = options.timeoutMs ?? 30_000;
    for (const check of checks) {
      if (check.requires !== undefined && !capabilities[check.requires]) {
        it.skip(`${check.title} — skipped: the store does not claim ${check.requires}`, () => {});
        continue;
      }
      it(check.title, { timeout }, async () => {
        current = await options.create();
        await check.run(current);
      });
    }
    for (const test of extra) {
      if (test.skip !== undefined || test.run === undefined) it.skip(`${test.title} — skipped: ${test.skip ?? "nothing to run"}`, () => {});
      else it(test.title, { timeout }, test.run);
    }
  });
}
