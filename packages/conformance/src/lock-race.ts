import { describe, it } from "vitest";
import { isCairnError, type StackRef, type StateBackend, type UntypedDeployment } from "@cairn/core";
import { ConformanceFailure } from "./assertions.js";
import { sampleDeployment } from "./sample-deployment.js";

export interface LockRaceOptions {
  /**
   * Opens a backend over its OWN store instance (a new SDK client, clone or connection), all over
   * the same state — as separate processes would be.
   */
  createBackend: () => Promise<StateBackend>;
  /** How many racers (default 16). */
  writers?: number;
  /**
   * The longest a loser waits between attempts, in ms (default 250). Raise it for a store whose
   * every attempt is expensive for the service, so the waiting racers do not starve the holder.
   */
  retryCapMs?: number;
  timeoutMs?: number;
}

const COUNTER_OUTPUT = "lockRaceCounter";

/**
 * How long a loser waits before trying again: full-jitter exponential backoff from 5 ms, capped.
 * A fixed 5–45 ms poll had fifteen losers flood the store while one holder worked — on git each
 * attempt is several requests the server answers by spawning git processes, and the holder
 * starved. The cap keeps many attempts overlapping every hold, which is what catches a lock that
 * lets a second holder in.
 */
const RETRY_CAP_MS = 250;
const retryDelay = (attempt: number, capMs: number) => Math.random() * Math.min(capMs, 5 * 2 ** attempt);

/**
 * `writers` backends race to lock one stack. Round one: all try once at the same moment — exactly
 * one may win. Round two: each keeps trying until it has held the lock once, and while holding it
 * reads a counter from the stack's state, increments it and saves. No two may hold the lock at
 * once, and the counter must end at exactly `writers`: no update is lost.
 */
export async function checkLockRace(options: LockRaceOptions): Promise<void> {
  const writers = options.writers ?? 16;
  const ref: StackRef = { organization: "organization", project: "conformance", name: `race-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}` };
  const setup = await options.createBackend();
  await setup.createStack(ref, { initialDeployment: withCounter(sampleDeployment(), 0) });
  const backends = await Promise.all(Array.from({ length: writers }, () => options.createBackend()));
  try {
    const firstRound = await Promise.allSettled(backends.map((backend) => backend.lockStack(ref, "race")));
    const winners = firstRound.filter((outcome) => outcome.status === "fulfilled");
    const unexpected = firstRound.filter((outcome) => outcome.status === "rejected" && !isCairnError(outcome.reason, "Locked"));
    if (unexpected.length > 0) throw new ConformanceFailure(`a racer failed with something other than Locked: ${String((unexpected[0] as PromiseRejectedResult).reason)}`);
    if (winners.length !== 1) throw new ConformanceFailure(`${winners.length} of ${writers} simultaneous lockStack calls succeeded; exactly one must`);
    await (winners[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();

    let holders = 0;
    await Promise.all(
      backends.map(async (backend) => {
        for (let attempt = 0; ; attempt++) {
          let lock;
          try {
            lock = await backend.lockStack(ref, "race");
          } catch (error) {
            if (!isCairnError(error, "Locked") || attempt > 400) throw error;
            await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt, options.retryCapMs ?? RETRY_CAP_MS)));
            continue;
          }
          try {
            if (++holders !== 1) throw new ConformanceFailure(`${holders} writers held the lock at the same time`);
            const state = await backend.exportDeployment(ref);
            await lock.save(withCounter(state, counterOf(state) + 1), { kind: "update" });
            holders--;
          } finally {
            await lock.release();
          }
          return;
        }
      }),
    );
    const final = counterOf(await setup.exportDeployment(ref));
    if (final !== writers) throw new ConformanceFailure(`the counter ended at ${final} after ${writers} locked increments: updates were lost`);
  } finally {
    await setup.removeStack(ref, { force: true }).catch(() => {});
    await Promise.all([setup, ...backends].map((backend) => backend.close()));
  }
}

/** The lock race's test title for `writers` racing backends (16 unless `LockRaceOptions.writers` says otherwise). */
export function lockRaceTitle(writers = 16): string {
  return `${writers} backends over separate store instances: one lock holder at a time, no lost update`;
}

/** Registers the lock race as one vitest test. */
export function describeLockRaceConformance(name: string, options: LockRaceOptions): void {
  describe(`${name}: lock race`, () => {
    it(lockRaceTitle(options.writers), () => checkLockRace(options), options.timeoutMs ?? 120_000);
  });
}

function withCounter(deployment: UntypedDeployment, value: number): UntypedDeployment {
  const copy = structuredClone(deployment);
  const resources = (copy.deployment as { resources: Array<{ type: string; outputs?: Record<string, unknown> }> }).resources;
  const root = resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
  if (root === undefined) throw new ConformanceFailure("the sample deployment has no root stack resource");
  root.outputs = { ...root.outputs, [COUNTER_OUTPUT]: value };
  return copy;
}

function counterOf(deployment: UntypedDeployment): number {
  const resources = (deployment.deployment as { resources?: Array<{ type: string; outputs?: Record<string, unknown> }> }).resources ?? [];
  const value = resources.find((resource) => resource.type === "pulumi:pulumi:Stack")?.outputs?.[COUNTER_OUTPUT];
  if (typeof value !== "number") throw new ConformanceFailure("the race counter is missing from the stack's state");
  return value;
}
