import { isCairnError } from "@cairn/core";
import type { ErrorCode, StateStore } from "@cairn/core/driver";

/** A named store call a check expects to fail. */
export type ExpectedFailure = [name: string, call: () => Promise<unknown>];

/** The code a failure reports, as core would see it (a native error through the store's classifier). */
export function codeOf(store: StateStore, error: unknown): string {
  return isCairnError(error) ? error.code : store.classifyError(error);
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200);
}

/**
 * Runs each call in turn and says, one line per call, what went wrong: it resolved, or failed with
 * another code than `code`, or (through `judge`) failed with `code` in a way the check refuses.
 * An empty list means every call failed as it must.
 */
export async function unexpectedOutcomes(
  store: StateStore,
  calls: readonly ExpectedFailure[],
  code: ErrorCode,
  judge: (name: string, error: unknown) => string | undefined = () => undefined,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, call] of calls) {
    let outcome: unknown;
    try {
      outcome = await call();
    } catch (error) {
      const actual = codeOf(store, error);
      const problem = actual !== code ? `${name} failed with ${actual} (${firstLine(error)}), expected ${code}` : judge(name, error);
      if (problem !== undefined) problems.push(problem);
      continue;
    }
    problems.push(`${name} resolved ${JSON.stringify(outcome) ?? "undefined"} instead of failing with ${code}`);
  }
  return problems;
}
