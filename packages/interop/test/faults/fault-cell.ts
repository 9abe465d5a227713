import { isCairnError, type StateBackend } from "@cairn/core";
import { BACKEND_CHECKS, checkLockRace, ConformanceFailure, STORE_CHECKS, TWO_INSTANCE_CHECKS } from "@cairn/conformance";
import { startFaultProxy, writesOnly, type FaultKind, type FaultProxyOptions, type FaultProxyStats } from "@cairn/test-servers/fault-proxy";
import type { FaultTarget } from "./fault-targets.js";
import { addTally, casLedger, createsLedger, emptyTally, lockedLedger, type LedgerTally } from "./ledger.js";

/** `none` is the control: the proxy in place, no fault, everything must pass. */
export type CellFault = FaultKind | "none";

/**
 * How often each fault strikes. High enough that every workload meets it many times, low enough
 * that a client's bounded retries (five tries in core's `withRetry`) usually get through, so what is
 * measured is what the client makes of a fault, not that a fault can exhaust any retry budget.
 * `drop-response` is for writes only (a dropped read is merely retried); the others hit anything.
 */
export const PROFILES: Readonly<Record<CellFault, Omit<FaultProxyOptions, "target" | "seed">>> = {
  none: { faults: {} },
  "drop-response": { faults: { "drop-response": 0.2 }, filter: writesOnly },
  reset: { faults: { reset: 0.1 } },
  status: { faults: { status: 0.15 } },
  delay: { faults: { delay: 0.2 }, maxDelayMs: 150 },
  truncate: { faults: { truncate: 0.1 } },
};

/**
 * The conformance checks every fault cell runs by default: those whose outcome a fault can change
 * (binary values read back, every conditional-write rule, concurrent winners, a lease, an update
 * session; for the service, import/export, history and lock exclusion).
 */
export const FAULT_SENSITIVE_CHECKS: readonly string[] = [
  "round-trips all 256 byte values",
  'refuses ifNoneMatch "*" on an existing key',
  "refuses a stale ifMatch with Conflict",
  "lets exactly one of 16 concurrent conditional creates win",
  "lets exactly one of 8 concurrent compare-and-swaps win",
  "refuses delete with a stale ifMatch",
  "integrity: a live lease is respected",
  "sessions: journal → compaction → complete",
  // the service's backend checks
  "exports exactly the deployment it imported",
  "refuses a duplicate create with AlreadyExists",
  "grows history by one per import",
  "refuses lockStack on a second instance",
];

export const isFaultSensitive = (title: string): boolean => FAULT_SENSITIVE_CHECKS.some((prefix) => title.startsWith(prefix));

export interface CheckFailure {
  check: string;
  /** `assertion` (the check's own ConformanceFailure), a CairnError code, or `error`. */
  kind: string;
  message: string;
}

export interface CellResult {
  store: string;
  fault: CellFault;
  seeds: number[];
  proxy: FaultProxyStats;
  conformance: Tally;
  lockRace: Tally;
  ledger: LedgerTally;
  ledgerMs: number;
  ms: number;
}

export interface CellOptions {
  seeds: readonly number[];
  /** Which conformance checks run, by title (all by default). */
  checks?: (title: string) => boolean;
  writers: number;
  perWriter: number;
  raceWriters: number;
  /**
   * Scales every fault probability (default 1): a store whose one operation is many requests
   * (git: a fetch or push is 2-3) meets a fault per operation that much more often.
   */
  intensity?: number;
  /** Run the lock race (default true). */
  lockRace?: boolean;
  /** ms the three ledgers may take together, per seed (default 60 s). */
  ledgerTimeoutMs?: number;
}

function failureOf(check: string, error: unknown): CheckFailure {
  const kind = error instanceof ConformanceFailure ? "assertion" : isCairnError(error) ? error.code : "error";
  return { check, kind, message: String((error as Error)?.message ?? error).split("\n")[0]!.slice(0, 300) };
}

interface Tally {
  run: number;
  passed: number;
  failures: CheckFailure[];
  /** ms per check, summed over seeds. */
  ms: Record<string, number>;
}

/** Rejects after `ms` (the part goes on until the proxy closes, which ends its connections). */
function deadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`harness: ${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** Set once a part of the cell hung: the rest is skipped (it would hang as well and only cost time). */
interface CellState {
  hung?: string;
}

async function attempt(state: CellState, tally: Tally, check: string, run: () => Promise<void>, ms = 20_000): Promise<void> {
  if (state.hung !== undefined) return;
  tally.run++;
  const started = Date.now();
  try {
    await deadline(run(), ms, check);
    tally.passed++;
  } catch (error) {
    if ((error as Error).message.startsWith("harness:")) state.hung = (error as Error).message;
    tally.failures.push(failureOf(check, error));
  } finally {
    tally.ms[check] = (tally.ms[check] ?? 0) + Date.now() - started;
  }
}

/** The three ledgers (creates and swaps on the raw store, locked saves on the backend), added into `into` as each ends. */
async function runLedger(target: FaultTarget, proxyHost: string, into: LedgerTally, options: CellOptions): Promise<void> {
  if (target.store !== undefined) {
    const space = await target.newSpace();
    const direct = await target.store(target.originHost, space);
    try {
      addTally(into, await createsLedger(() => target.store!(proxyHost, space), direct, "ledger/", options.writers, options.perWriter));
      addTally(into, await casLedger(() => target.store!(proxyHost, space), direct, "ledger/", options.writers, options.perWriter));
    } finally {
      await direct.close();
    }
  }
  const space = await target.newSpace();
  const direct = await target.backend(target.originHost, space, "faults-harness");
  try {
    addTally(
      into,
      await lockedLedger({
        through: (hostname) => target.backend(proxyHost, space, hostname),
        direct,
        ref: { organization: "organization", project: space, name: "ledger" },
        writers: options.writers,
        perWriter: options.perWriter,
        holderNamesWriter: target.store !== undefined,
      }),
    );
  } finally {
    await direct.close();
  }
  into.torn.push(...(await target.tornJson(space)).torn);
}

/** Runs the conformance checks, the lock race and the ledger for one store and one fault kind. */
export async function runCell(target: FaultTarget, fault: CellFault, options: CellOptions): Promise<CellResult> {
  const started = Date.now();
  const result: CellResult = {
    store: target.name,
    fault,
    seeds: [...options.seeds],
    proxy: { requests: 0, eligible: 0, faults: { "drop-response": 0, reset: 0, status: 0, delay: 0, truncate: 0 } },
    conformance: { run: 0, passed: 0, failures: [], ms: {} },
    lockRace: { run: 0, passed: 0, failures: [], ms: {} },
    ledger: emptyTally(),
    ledgerMs: 0,
    ms: 0,
  };
  const wanted = options.checks ?? (() => true);
  for (const seed of options.seeds) {
    const state: CellState = {};
    const profile = PROFILES[fault];
    const scale = options.intensity ?? 1;
    const faults = Object.fromEntries(Object.entries(profile.faults).map(([kind, p]) => [kind, p * scale]));
    const proxy = await startFaultProxy({ target: `http://${target.originHost}`, seed, ...profile, faults });
    const opened: StateBackend[] = [];
    const through = async (space: string, hostname: string) => {
      const backend = await target.backend(proxy.host, space, hostname);
      opened.push(backend);
      return backend;
    };
    try {
      // (a) conformance, each check over fresh state, every request through the proxy.
      if (target.store !== undefined) {
        const probe = await target.store(target.originHost, await target.newSpace());
        const capabilities = probe.capabilities;
        await probe.close();
        for (const check of STORE_CHECKS) {
          if (!wanted(check.title) || (check.requires !== undefined && !capabilities[check.requires])) continue;
          const store = await target.store(proxy.host, await target.newSpace());
          await attempt(state, result.conformance, check.title, () => check.run(store));
          await store.close().catch(() => {});
        }
      } else {
        for (const check of BACKEND_CHECKS) {
          if (!wanted(check.title)) continue;
          await attempt(state, result.conformance, check.title, async () => check.run(await through(await target.newSpace(), "conformance")));
        }
        for (const check of TWO_INSTANCE_CHECKS) {
          if (!wanted(check.title)) continue;
          await attempt(state, result.conformance, check.title, async () => {
            const space = await target.newSpace();
            await check.run(await through(space, "first"), await through(space, "second"));
          });
        }
      }

      // (b) the lock race, each racer its own client through the proxy.
      const raceSpace = await target.newSpace();
      let racer = 0;
      if (options.lockRace !== false) await attempt(
        state,
        result.lockRace,
        `lock race of ${options.raceWriters}`,
        () => checkLockRace({ writers: options.raceWriters, createBackend: () => target.backend(proxy.host, raceSpace, `faults-racer-${++racer}`) }),
        45_000,
      );

      // (c) the ledger; setup and the truth at the origin, every writer through the proxy. One
      // that cannot finish (or is skipped after a hang) is recorded as incomplete, and the cell's
      // "the ledger ran to the end" test fails.
      const ledgerStarted = Date.now();
      if (state.hung !== undefined) result.ledger.incomplete.push(`not run: ${state.hung}`);
      else {
        await deadline(runLedger(target, proxy.host, result.ledger, options), options.ledgerTimeoutMs ?? 60_000, "the ledger").catch((error: unknown) => {
          result.ledger.incomplete.push((error as Error).message);
        });
      }
      result.ledgerMs += Date.now() - ledgerStarted;
    } finally {
      const stats = proxy.stats();
      result.proxy.requests += stats.requests;
      result.proxy.eligible += stats.eligible;
      for (const kind of Object.keys(stats.faults) as FaultKind[]) result.proxy.faults[kind] += stats.faults[kind];
      await Promise.all(opened.map((backend) => backend.close().catch(() => {})));
      await proxy.close();
    }
  }
  result.ms = Date.now() - started;
  return result;
}
