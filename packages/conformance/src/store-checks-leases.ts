import { CAIRN_LOCK_FILE, createStoreBackend, isCairnError, LockedError, type StackRef, type StateBackend, type StoreBackendOptions, type UntypedDeployment } from "@cairn/core";
import { type StateStore } from "@cairn/core/driver";
import { assert, assertJsonEqual, expectCairnError, fail } from "./assertions.js";
import { utf8 } from "./check-types.js";
import { sampleDeployment } from "./sample-deployment.js";

/**
 * Fencing and lease checks, run through core's `createStoreBackend` over the store under test so
 * every store proves that core's locking holds on it. Two backends over one store instance act as
 * two processes; a backend whose clock runs ten minutes ahead sees every lease as expired, which
 * is what a hung or killed holder looks like once its lease has run out.
 */

const TEN_MINUTES = 10 * 60 * 1000;

export interface Captured {
  warnings: string[];
}

/** A backend over `store` as one process would open it (never closed here: the suite closes the store). */
export function processOver(store: StateStore, who: string, options: StoreBackendOptions = {}): StateBackend & Captured {
  const warnings: string[] = [];
  const backend = createStoreBackend(store, {
    env: {},
    username: who,
    hostname: `${who}-host`,
    pid: 1000 + who.length,
    leaseMs: 60_000,
    logger: { warn: (message) => warnings.push(message) },
    ...options,
  });
  return Object.assign(backend, { warnings });
}

export function integrityRef(name: string): StackRef {
  return { organization: "organization", project: `integrity-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, name };
}

/** The sample deployment, marked so two versions of a stack's state can be told apart. */
export function markedDeployment(marker: string): UntypedDeployment {
  const copy = sampleDeployment();
  const resources = (copy.deployment as { resources: Array<{ type: string; outputs?: Record<string, unknown> }> }).resources;
  const root = resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
  if (root === undefined) fail("the sample deployment has no root stack resource");
  root.outputs = { ...root.outputs, integrityMarker: marker };
  return copy;
}

function lockKey(ref: StackRef): string {
  return `.pulumi/locks/organization/${ref.project}/${ref.name}/${CAIRN_LOCK_FILE}`;
}

export async function checkTakenOverWriterIsFenced(store: StateStore): Promise<void> {
  const ref = integrityRef("fenced");
  const stalled = processOver(store, "alice");
  const later = processOver(store, "bob", { now: () => Date.now() + TEN_MINUTES });
  await stalled.createStack(ref, { initialDeployment: markedDeployment("initial") });
  const lock = await stalled.lockStack(ref, "update");
  try {
    // alice stalls past her lease; bob takes the stack over and saves newer state.
    await later.importDeployment(ref, markedDeployment("newer"), { kind: "update" });
    assert(
      later.warnings.some((warning) => warning.includes("alice@alice-host")),
      `taking over an expired lock must log a warning naming the old holder, got ${JSON.stringify(later.warnings)}`,
    );
    // alice wakes up and saves what she was working on.
    await expectCairnError(() => lock.save(markedDeployment("stale"), { kind: "update" }), "Conflict", "a save by the writer whose lock was taken over");
    assertJsonEqual(await later.exportDeployment(ref), markedDeployment("newer"), "the stack after the fenced-off save");
  } finally {
    await lock.release();
  }
  // alice's late release must not have removed anything of bob's, and the stack is usable.
  const again = await later.lockStack(ref, "update");
  await again.release();
}

export async function checkExpiredLockOfKilledProcessIsTakenOver(store: StateStore): Promise<void> {
  const ref = integrityRef("stale");
  const next = processOver(store, "bob");
  await next.createStack(ref);
  // What a CI job killed twenty minutes ago leaves behind: a cairn lock whose lease has run out.
  const killedAt = Date.now() - 2 * TEN_MINUTES;
  const stale = { pid: 4242, username: "ci", hostname: "ci-runner-7", timestamp: new Date(killedAt).toISOString(), operation: "update", expires: new Date(killedAt + 60_000).toISOString() };
  await store.put(lockKey(ref), utf8(JSON.stringify(stale)));
  const lock = await next.lockStack(ref, "update");
  try {
    assert(lock.info.username === "bob", `the lock was not taken over: held by ${lock.info.username}`);
    assert(next.warnings.some((warning) => warning.includes("ci@ci-runner-7")), `the takeover must be logged naming the old holder, got ${JSON.stringify(next.warnings)}`);
    const holders = await next.getLock(ref);
    assert(holders.length === 1 && holders[0]?.username === "bob", `after the takeover getLock must show only bob, got ${JSON.stringify(holders)}`);
  } finally {
    await lock.release();
  }
}

export async function checkLiveLockIsRespected(store: StateStore): Promise<void> {
  const ref = integrityRef("live");
  const holder = processOver(store, "alice");
  const other = processOver(store, "bob");
  await holder.createStack(ref);
  const lock = await holder.lockStack(ref, "update");
  try {
    assert(lock.info.expires !== undefined && Date.parse(lock.info.expires) > Date.now(), `a held lock must carry a future expiry, got ${String(lock.info.expires)}`);
    const error = await expectCairnError(() => other.lockStack(ref, "update"), "Locked", "lockStack while another process holds a live lease");
    assert((error as LockedError).lock?.username === "alice", "the Locked error must name the holder");
    const [shown] = await other.getLock(ref);
    assert(shown?.expires === lock.info.expires || (shown?.expires !== undefined && Date.parse(shown.expires) >= Date.parse(lock.info.expires)), "getLock must show the holder's lease expiry");
  } finally {
    await lock.release();
  }
}

/** Pulumi's lock files carry no expiry: however old, they are live unless their process is gone from this machine. */
export async function checkPulumiLockNeverExpires(store: StateStore): Promise<void> {
  const ref = integrityRef("pulumi");
  const later = processOver(store, "bob", { now: () => Date.now() + 1000 * TEN_MINUTES });
  await later.createStack(ref);
  const pulumiLock = `.pulumi/locks/organization/${ref.project}/${ref.name}/0a1b2c3d-0000-4000-8000-000000000000.json`;
  await store.put(pulumiLock, utf8(JSON.stringify({ pid: 77, username: "carol", hostname: "pulumi-host", timestamp: "2020-01-01T00:00:00Z" })));
  try {
    await expectCairnError(() => later.lockStack(ref, "update"), "Locked", "lockStack over an old Pulumi lock from another machine");
  } finally {
    await store.delete(pulumiLock).catch((error: unknown) => {
      if (!isCairnError(error, "NotFound")) throw error;
    });
  }
}
