import type { StateBackend } from "../backend.js";
import { redactUrlsIn } from "../credentials/redact-url.js";
import { isCairnError } from "../errors.js";
import { formatStackRef, type StackRef } from "../stack-ref.js";
import { migrateStack, type MigrateOptions, type MigrationResult } from "./migrate-stack.js";

export interface MigrateManyOptions extends MigrateOptions {
  /** Stacks migrated at once (bounded: each holds a lock and a deployment in memory). */
  parallel?: number;
  /** Called after each stack, for progress output. */
  onStackDone?: (progress: { done: number; total: number; result?: MigrationResult; stack: string; error?: unknown }) => void;
  onStackStart?: (stack: string) => void;
}

export interface MigrationFailure {
  stack: string;
  code: string;
  message: string;
  /** What to do about it, when known. */
  hint?: string;
}

export interface MigrationSummary {
  results: MigrationResult[];
  failures: MigrationFailure[];
}

/** Migrates many stacks with bounded parallelism; one stack's failure does not stop the others. */
export async function migrateStacks(source: StateBackend, target: StateBackend, refs: StackRef[], options: MigrateManyOptions = {}): Promise<MigrationSummary> {
  const queue = [...refs];
  const results: MigrationResult[] = [];
  const failures: MigrationFailure[] = [];
  let done = 0;
  const worker = async () => {
    for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
      const stack = formatStackRef(ref);
      options.onStackStart?.(stack);
      try {
        const result = await migrateStack(source, target, ref, options);
        results.push(result);
        options.onStackDone?.({ done: ++done, total: refs.length, result, stack });
      } catch (error) {
        // A failure names backends by URL (a store's error quotes its own); it is printed and
        // returned as JSON, so any credential typed into a URL is masked here, once.
        const hint = isCairnError(error) && error.hint !== undefined ? redactUrlsIn(error.hint) : undefined;
        failures.push({
          stack,
          code: isCairnError(error) ? error.code : "Internal",
          message: redactUrlsIn(error instanceof Error ? error.message : String(error)),
          ...(hint === undefined ? {} : { hint }),
        });
        options.onStackDone?.({ done: ++done, total: refs.length, stack, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel ?? 4, refs.length)) }, worker));
  const order = new Map(refs.map((ref, index) => [formatStackRef(ref), index]));
  results.sort((a, b) => (order.get(a.stack) ?? 0) - (order.get(b.stack) ?? 0));
  return { results, failures };
}
