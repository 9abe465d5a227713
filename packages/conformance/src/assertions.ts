import { canonicalJson, isCairnError, type CairnError, type ErrorCode } from "@cairn/core";

/**
 * The failures a check reports. Checks are plain functions (not vitest `expect`) so that a suite
 * can itself be tested: a self-test calls a check on a deliberately broken store and asserts it
 * rejects.
 */
export class ConformanceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConformanceFailure";
  }
}

export function fail(message: string): never {
  throw new ConformanceFailure(message);
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

export function assertBytesEqual(actual: Uint8Array | undefined, expected: Uint8Array, what: string): void {
  if (actual === undefined) fail(`${what}: the object is missing`);
  if (actual.length !== expected.length) fail(`${what}: got ${actual.length} bytes, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) fail(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

export function assertJsonEqual(actual: unknown, expected: unknown, what: string): void {
  const a = canonicalJson(actual);
  const e = canonicalJson(expected);
  if (a !== e) fail(`${what}:\n  got      ${truncate(a)}\n  expected ${truncate(e)}`);
}

/**
 * The CairnError `action` fails with, whatever its code, for tests that go on to assert its code,
 * hint or message. Fails if the action succeeds or throws anything that is not a CairnError.
 */
export async function cairnErrorFrom(action: () => unknown): Promise<CairnError> {
  let outcome: unknown;
  try {
    outcome = await action();
  } catch (error) {
    if (isCairnError(error)) return error;
    fail(`expected a CairnError, got ${String(error)}`);
  }
  return fail(`expected a CairnError, but the call succeeded (${truncate(String(outcome))})`);
}

/** Awaits `action` and requires it to throw a CairnError with `code`; returns that error. */
export async function expectCairnError(action: () => Promise<unknown>, code: ErrorCode, what: string): Promise<Error> {
  let outcome: unknown;
  try {
    outcome = await action();
  } catch (error) {
    if (isCairnError(error, code)) return error;
    const got = isCairnError(error) ? `CairnError ${error.code}` : String(error);
    fail(`${what}: expected a CairnError with code ${code}, got ${got}`);
  }
  return fail(`${what}: expected a CairnError with code ${code}, but it succeeded (${truncate(String(outcome))})`);
}

/** Settles every promise and counts winners; losers must all be `Conflict`-like per `isLoss`. */
export async function settleRace<T>(
  attempts: Promise<T>[],
  isLoss: (error: unknown) => boolean,
  what: string,
): Promise<{ winners: T[]; winnerIndexes: number[] }> {
  const results = await Promise.allSettled(attempts);
  const winners: T[] = [];
  const winnerIndexes: number[] = [];
  results.forEach((result, index) => {
    if (result.status === "fulfilled") {
      winners.push(result.value);
      winnerIndexes.push(index);
    } else if (!isLoss(result.reason)) {
      fail(`${what}: attempt ${index} failed with an unexpected error: ${String(result.reason)}`);
    }
  });
  return { winners, winnerIndexes };
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
