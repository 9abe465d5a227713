import { randomBytes } from "node:crypto";
import { isAmbiguous, isCairnError, type LockedError, type LockInfo, type StackRef, type StateBackend, type UntypedDeployment } from "@cairn/core";
import { type StateStore } from "@cairn/core/driver";
import { sampleDeployment } from "@cairn/conformance";
import { decodeValue, encodeValue } from "./checksummed-value.js";

/**
 * The ledger: writers record exactly what each write was TOLD (success, Conflict/Locked, another
 * error), and afterwards the truth is read back directly at the origin, without the proxy. Every
 * write appends its own id to a chain it read, so the final value names every write it reflects:
 *
 * - **lost update**: a write told success whose id is not in the final chain (or not stored);
 * - **false conflict**: a Conflict/Locked told for a write that landed (its id is in the chain, or
 *   the object is there with its bytes), for a lock the writer itself held, or a Conflict on a
 *   save made under the writer's own lock;
 * - **torn**: stored (or handed to a client as read) bytes that are not exactly one whole value.
 *
 * Other errors (Unavailable after the retries ran out, …) are allowed and only counted; a write
 * told such an error may or may not have landed. So is a Conflict the store marked `ambiguous`
 * (raw store writes here; a retry met a write that may be its own first try): the store said
 * "maybe", which is honest, not false — core decides those by reading back (`bytesIdentifyWrite`),
 * and the backend-level ledger below and the retried-write conformance checks prove it does.
 */
export interface LedgerTally {
  writes: number;
  acked: number;
  /** Conflict / Locked told (contention included; those that were false are in `falseConflicts`). */
  conflictsTold: number;
  /** Conflicts the store marked ambiguous (outcome unknown, see above): counted, never false. */
  ambiguousTold: number;
  otherErrors: number;
  lost: string[];
  falseConflicts: string[];
  torn: string[];
  /**
   * Locks found held by nobody (left by a lock or release call that was told an error, or by an
   * ambiguous answer); the harness breaks them to go on. Reported, not a failure by itself.
   */
  orphanedLocks: number;
  /** A few of the other errors' messages, for the report. */
  samples: string[];
  /** Ledgers that did not run to the end (nothing can be vouched for then). */
  incomplete: string[];
}

export const emptyTally = (): LedgerTally => ({ writes: 0, acked: 0, conflictsTold: 0, ambiguousTold: 0, otherErrors: 0, lost: [], falseConflicts: [], torn: [], orphanedLocks: 0, samples: [], incomplete: [] });

export function addTally(into: LedgerTally, from: LedgerTally): void {
  into.writes += from.writes;
  into.acked += from.acked;
  into.conflictsTold += from.conflictsTold;
  into.ambiguousTold += from.ambiguousTold;
  into.otherErrors += from.otherErrors;
  into.lost.push(...from.lost);
  into.falseConflicts.push(...from.falseConflicts);
  into.torn.push(...from.torn);
  into.orphanedLocks += from.orphanedLocks;
  into.incomplete.push(...from.incomplete);
  for (const sample of from.samples) if (into.samples.length < 8 && !into.samples.includes(sample)) into.samples.push(sample);
}

type Told = "ok" | "conflict" | "ambiguous" | "other";
const newId = (writer: number) => `w${writer}-${randomBytes(4).toString("hex")}`;
const pause = () => new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 30));

function describe(error: unknown): string {
  return `${isCairnError(error) ? error.code : "non-CairnError"}: ${String((error as Error)?.message ?? error).slice(0, 160)}`;
}

/**
 * What a write was told. `rawStore`: the call went to a store directly, whose ambiguous Conflict
 * means "maybe" (see above); through a backend, core must already have decided, so there an
 * ambiguous Conflict is as false as any.
 */
function tell(tally: LedgerTally, error: unknown, rawStore = false): Told {
  if (isCairnError(error, "Conflict") || isCairnError(error, "Locked")) {
    if (rawStore && isAmbiguous(error)) {
      tally.ambiguousTold++;
      return "ambiguous";
    }
    tally.conflictsTold++;
    return "conflict";
  }
  tally.otherErrors++;
  const text = describe(error);
  if (tally.samples.length < 8 && !tally.samples.includes(text)) tally.samples.push(text);
  return "other";
}

/** W writers × K conditional creates of keys no one else writes: any Conflict is false. */
export async function createsLedger(through: () => Promise<StateStore>, direct: StateStore, prefix: string, writers: number, perWriter: number): Promise<LedgerTally> {
  const tally = emptyTally();
  const outcomes: Array<{ key: string; id: string; told: Told }> = [];
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const store = await through();
      try {
        for (let n = 0; n < perWriter; n++) {
          const key = `${prefix}creates/w${writer}-${n}`;
          const id = newId(writer);
          tally.writes++;
          try {
            await store.put(key, encodeValue(id, []), { ifNoneMatch: "*" });
            tally.acked++;
            outcomes.push({ key, id, told: "ok" });
          } catch (error) {
            outcomes.push({ key, id, told: tell(tally, error, true) });
          }
        }
      } finally {
        await store.close();
      }
    }),
  );
  for (const { key, id, told } of outcomes) {
    const found = await direct.get(key);
    const decoded = found === undefined ? undefined : decodeValue(found.bytes);
    if (decoded !== undefined && "torn" in decoded) tally.torn.push(`${key}: ${decoded.torn}`);
    const landed = decoded !== undefined && "value" in decoded && decoded.value.id === id;
    if (told === "ok" && !landed) tally.lost.push(`${key}: create told success, ${found === undefined ? "nothing stored" : "other bytes stored"}`);
    if (told === "conflict") tally.falseConflicts.push(`${key}: create told Conflict on a key no one else writes (${landed ? "it landed" : "nothing stored"})`);
  }
  return tally;
}

/** W writers each compare-and-swap one key K times (read, append own id, `ifMatch`), retrying on Conflict. */
export async function casLedger(through: () => Promise<StateStore>, direct: StateStore, prefix: string, writers: number, perWriter: number): Promise<LedgerTally> {
  const tally = emptyTally();
  const key = `${prefix}cas`;
  await direct.put(key, encodeValue("genesis", []), { ifNoneMatch: "*" });
  const told: Array<{ id: string; told: Told }> = [];
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const store = await through();
      try {
        let acked = 0;
        for (let attempt = 0; acked < perWriter && attempt < perWriter * 8; attempt++) {
          let current;
          try {
            current = await store.get(key);
          } catch (error) {
            tell(tally, error, true);
            continue;
          }
          if (current === undefined) throw new Error(`${key} vanished`);
          const decoded = decodeValue(current.bytes);
          if ("torn" in decoded) {
            tally.torn.push(`read of ${key} handed the client torn bytes: ${decoded.torn}`);
            continue;
          }
          const id = newId(writer);
          tally.writes++;
          try {
            await store.put(key, encodeValue(id, decoded.value.chain), { ifMatch: current.version });
            tally.acked++;
            acked++;
            told.push({ id, told: "ok" });
          } catch (error) {
            told.push({ id, told: tell(tally, error, true) });
            await pause();
          }
        }
      } finally {
        await store.close();
      }
    }),
  );
  const final = await direct.get(key);
  const decoded = final === undefined ? { torn: "missing" } : decodeValue(final.bytes);
  if ("torn" in decoded) {
    tally.torn.push(`${key}: ${decoded.torn}`);
    return tally;
  }
  const chain = new Set(decoded.value.chain);
  for (const { id, told: outcome } of told) {
    if (outcome === "ok" && !chain.has(id)) tally.lost.push(`${key}: swap ${id} told success, not in the final chain`);
    if (outcome === "conflict" && chain.has(id)) tally.falseConflicts.push(`${key}: swap ${id} told Conflict, but it landed`);
  }
  return tally;
}

const CHAIN_OUTPUT = "faultLedger";

function withChain(deployment: UntypedDeployment, chain: readonly string[]): UntypedDeployment {
  const copy = structuredClone(deployment);
  const root = (copy.deployment as { resources: Array<{ type: string; outputs?: Record<string, unknown> }> }).resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
  if (root === undefined) throw new Error("no root stack resource");
  root.outputs = { ...root.outputs, [CHAIN_OUTPUT]: [...chain] };
  return copy;
}

function chainOf(deployment: UntypedDeployment): string[] {
  const resources = (deployment.deployment as { resources?: Array<{ type: string; outputs?: Record<string, unknown> }> } | null)?.resources ?? [];
  const chain = resources.find((resource) => resource.type === "pulumi:pulumi:Stack")?.outputs?.[CHAIN_OUTPUT];
  if (!Array.isArray(chain)) throw new Error("the ledger chain is missing from the stack's state");
  return chain as string[];
}

export interface LockedLedgerOptions {
  /** A backend through the proxy whose locks record `hostname`. */
  through: (hostname: string) => Promise<StateBackend>;
  /** A backend at the origin, for setup, repairs and the truth. */
  direct: StateBackend;
  ref: StackRef;
  writers: number;
  perWriter: number;
  /** Whether a Locked error's holder names the writer's own hostname (store backends; the service names the process). */
  holderNamesWriter: boolean;
}

/** W writers × K locked read-increment-saves of one stack (lockStack, export, import, release). */
export async function lockedLedger(options: LockedLedgerOptions): Promise<LedgerTally> {
  const tally = emptyTally();
  const { ref, direct } = options;
  await direct.createStack(ref, { initialDeployment: withChain(sampleDeployment(), []) });
  // Who believes what. A Locked naming a lock no writer holds is either the writer's own lock,
  // taken by an answer that never arrived and retried into Locked (a false conflict), or one left
  // by a lock or release call that was TOLD an error (an orphan: allowed, reported). Either way
  // the harness breaks it at the origin, as a user would with `cairn stack unlock --force`.
  const active = new Set<number>();
  /** Bumped whenever any writer starts or stops being active: "was anyone else active meanwhile". */
  let changes = 0;
  const leftovers = new Set<number>();
  let repairing: Promise<void> | undefined;
  // Breaks the lock only if it is still the one that was seen: by the time a writer acts on its
  // Locked, another repair may have run and another writer may hold the lock rightly.
  const repair = (seen: LockInfo | undefined) =>
    (repairing ??= (async () => {
      try {
        const now = await direct.getLock(ref);
        if (seen !== undefined && !now.some((lock) => lock.hostname === seen.hostname && lock.timestamp === seen.timestamp && lock.pid === seen.pid)) return;
        // Only the writers whose orphan this removed are excused no more: a writer whose lock write
        // failed after the listing (its orphan landed since) still has one, and must stay excused.
        for (const removed of await direct.forceUnlock(ref)) {
          const writer = /^faults-writer-(\d+)$/.exec(removed.hostname ?? "")?.[1];
          if (writer !== undefined) leftovers.delete(Number(writer));
        }
      } catch {
        // the next Locked sees the lock again and repairs again
      } finally {
        repairing = undefined;
      }
    })());
  const told: Array<{ id: string; told: Told }> = [];
  await Promise.all(
    Array.from({ length: options.writers }, async (_, writer) => {
      const hostname = `faults-writer-${writer}`;
      const backend = await options.through(hostname);
      try {
        let acked = 0;
        for (let attempt = 0; acked < options.perWriter && attempt < options.perWriter * 15; attempt++) {
          let lock;
          if (repairing !== undefined) await repairing;
          const othersBefore = active.size;
          const changesBefore = changes;
          active.add(writer);
          changes++;
          try {
            lock = await backend.lockStack(ref, "update");
          } catch (error) {
            active.delete(writer);
            changes++;
            // Someone else was active at some moment of this call: the Locked may be theirs.
            const othersMeanwhile = othersBefore > 0 || active.size > 0 || changes !== changesBefore + 2;
            if (!isCairnError(error, "Locked")) {
              // A lock is refused with Locked; a Conflict here is the writer's own earlier attempt
              // (a retried request the server had already carried out).
              if (tell(tally, error) === "conflict") tally.falseConflicts.push(`lockStack told ${describe(error).slice(0, 120)}`);
              leftovers.add(writer);
              await pause();
              continue;
            }
            tally.conflictsTold++;
            if (repairing !== undefined) {
              await repairing; // an orphan is being broken: this Locked is about it
              continue;
            }
            const holder = (error as Partial<LockedError>).lock;
            if (options.holderNamesWriter && holder?.hostname === hostname) {
              if (leftovers.has(writer)) tally.orphanedLocks++;
              else tally.falseConflicts.push(`lockStack told Locked by the writer's own lock (${hostname}), no call of its own told an error before`);
              await repair(holder);
            } else if (!othersMeanwhile) {
              if (leftovers.size > 0) tally.orphanedLocks++;
              else tally.falseConflicts.push(`lockStack told Locked while no other writer was active during the call (its own lock, by inference)`);
              await repair(holder);
            } else {
              await pause();
            }
            continue;
          }
          try {
            let deployment;
            for (let read = 0; deployment === undefined && read < 4; read++) {
              try {
                deployment = await backend.exportDeployment(ref);
              } catch (error) {
                tell(tally, error);
              }
            }
            if (deployment === undefined) continue;
            const id = newId(writer);
            tally.writes++;
            try {
              await lock.save(withChain(deployment, [...chainOf(deployment), id]), { kind: "update" });
              tally.acked++;
              acked++;
              told.push({ id, told: "ok" });
            } catch (error) {
              told.push({ id, told: tell(tally, error) });
            }
          } finally {
            try {
              await lock.release();
            } catch (error) {
              // Releasing the writer's own lock cannot rightly conflict with anyone.
              if (tell(tally, error) === "conflict") tally.falseConflicts.push(`release of the writer's own lock told ${describe(error).slice(0, 120)}`);
              leftovers.add(writer);
            }
            active.delete(writer);
            changes++;
          }
        }
      } finally {
        await backend.close();
      }
    }),
  );
  let chain: Set<string>;
  try {
    chain = new Set(chainOf(await direct.exportDeployment(ref)));
  } catch (error) {
    tally.torn.push(`${ref.project}/${ref.name}: the stack's state does not read back: ${(error as Error).message}`);
    return tally;
  }
  for (const { id, told: outcome } of told) {
    if (outcome === "ok" && !chain.has(id)) tally.lost.push(`${ref.name}: save ${id} told success, not in the final state`);
    if (outcome === "conflict") tally.falseConflicts.push(`${ref.name}: save ${id} under the writer's own lock told Conflict (${chain.has(id) ? "it landed" : "not landed"})`);
  }
  return tally;
}
