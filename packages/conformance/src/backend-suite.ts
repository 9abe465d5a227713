import { afterEach, describe, it } from "vitest";
import type { StateBackend } from "@cairn/core";
import {
  checkCreateGetAndList,
  checkDuplicateCreateFails,
  checkForceUnlockReportsAndFrees,
  checkHistoryGrowsPerImport,
  checkImportExportRoundTrip,
  checkInvalidImportLeavesStack,
  checkInvalidStackNamesRejected,
  checkLockExcludesSecondInstance,
  checkRemoveNeedsForceWithResources,
  checkRenameMovesStack,
} from "./backend-checks.js";
import { checkRestoreVersionRecordsNewEntry } from "./backend-checks-restore.js";

export interface BackendCheck {
  title: string;
  /** Skipped (with the reason) when the backend's capabilities do not claim this. */
  requires?: "history";
  run(backend: StateBackend): Promise<void>;
}

export const BACKEND_CHECKS: readonly BackendCheck[] = [
  { title: "creates, gets and lists stacks (filtered by project)", run: checkCreateGetAndList },
  { title: "refuses a duplicate create with AlreadyExists", run: checkDuplicateCreateFails },
  { title: "exports exactly the deployment it imported", run: checkImportExportRoundTrip },
  { title: "grows history by one per import", requires: "history", run: checkHistoryGrowsPerImport },
  { title: "restores a past version as one new history entry, leaving the others; a missing version or a held lock changes nothing", requires: "history", run: checkRestoreVersionRecordsNewEntry },
  { title: "refuses to remove a stack with resources unless forced", run: checkRemoveNeedsForceWithResources },
  { title: "renames a stack", run: checkRenameMovesStack },
  { title: "refuses an invalid import with InvalidArgument, leaving the stack", run: checkInvalidImportLeavesStack },
  { title: "refuses invalid stack and project names with InvalidArgument, creating nothing", run: checkInvalidStackNamesRejected },
];

export const TWO_INSTANCE_CHECKS: ReadonlyArray<{ title: string; run: (first: StateBackend, second: StateBackend) => Promise<void> }> = [
  { title: "refuses lockStack on a second instance with LockedError naming the holder; free after release", run: checkLockExcludesSecondInstance },
  { title: "forceUnlock reports the holder and frees the lock", run: checkForceUnlockReportsAndFrees },
];

export interface BackendConformanceOptions {
  /** A backend over fresh, empty state. Called once per check. */
  create: () => Promise<StateBackend>;
  /**
   * A second, independent instance over the SAME state as the most recent `create()` (as a second
   * process would open). Without it the locking checks use the first instance twice, which only
   * proves in-process exclusion; the titles then say so.
   */
  createSecond?: () => Promise<StateBackend>;
  timeoutMs?: number;
}

export function describeBackendConformance(name: string, options: BackendConformanceOptions): void {
  describe(`${name}: StateBackend conformance`, () => {
    const opened: StateBackend[] = [];
    afterEach(async () => {
      for (const backend of opened.splice(0)) await backend.close();
    });
    const open = async (factory: () => Promise<StateBackend>) => {
      const backend = await factory();
      opened.push(backend);
      return backend;
    };
    const timeout = options.timeoutMs ?? 30_000;

    for (const check of BACKEND_CHECKS) {
      it(check.title, { timeout }, async (context) => {
        const backend = await open(options.create);
        if (check.requires !== undefined && !backend.capabilities[check.requires]) {
          context.skip(`the backend does not claim capabilities.${check.requires}`);
        }
        await check.run(backend);
      });
    }
    const createSecond = options.createSecond;
    for (const check of TWO_INSTANCE_CHECKS) {
      const title = createSecond ? check.title : `${check.title} (one instance: no createSecond given)`;
      it(title, { timeout }, async () => {
        const first = await open(options.create);
        await check.run(first, createSecond ? await open(createSecond) : first);
      });
    }
  });
}
