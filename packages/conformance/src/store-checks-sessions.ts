import { LockedError, type JournalResource } from "@cairn/core";
import { type StateStore } from "@cairn/core/driver";
import { assert, assertJsonEqual, fail } from "./assertions.js";
import type { StoreCheck } from "./check-types.js";
import { utf8 } from "./check-types.js";
import { integrityRef, processOver } from "./store-checks-leases.js";
import { sampleDeployment } from "./sample-deployment.js";

/**
 * Update sessions and the stack index, run through core's `createStoreBackend` over the store
 * under test: every store proves its journal objects, compactions and index behave.
 */

type Resources = { resources: JournalResource[] };

/** The sample deployment as an update starting from its root stack only: the steps that grow it back. */
function growSteps() {
  const full = sampleDeployment();
  const resources = (full.deployment as Resources).resources;
  const start = sampleDeployment();
  (start.deployment as Resources).resources = resources.slice(0, 1);
  const steps = resources.slice(1).flatMap((resource) => [
    { op: "pending" as const, operation: { type: "creating", resource: { urn: resource.urn, type: resource.type } } },
    { op: "upsert" as const, resource },
  ]);
  return { start, steps, full };
}

export async function checkJournalCompleteExportsDeployment(store: StateStore): Promise<void> {
  const ref = integrityRef("journal");
  const backend = processOver(store, "alice", { pid: process.pid, compaction: { everyEntries: 3 } });
  const { start, steps, full } = growSteps();
  await backend.createStack(ref, { initialDeployment: start });
  const session = await backend.beginUpdate!(ref, "update");
  for (const [index, step] of steps.entries()) {
    const seq = await session.journal(step);
    assert(seq === index + 1, `journal() acknowledged step ${index + 1} as seq ${seq}`);
  }
  // Mid-update (one compaction at step 3, step 4 journaled after it), a reader sees every step.
  assertJsonEqual(await processOver(store, "reader").exportDeployment(ref), full, "export during the update (compacted checkpoint + replayed journal)");
  await session.complete("succeeded");
  assertJsonEqual(await backend.exportDeployment(ref), full, "export after complete");
  const history = await backend.listHistory(ref);
  assert(history[0]?.result === "succeeded" && history[0].kind === "update", `the update's history record is ${JSON.stringify(history[0])}`);
  const verified = await backend.verifyHistory!(ref);
  assert(verified.ok, `the history chain must verify after a journaled update: ${JSON.stringify(verified)}`);
}

export async function checkSecondSessionIsLocked(store: StateStore): Promise<void> {
  const ref = integrityRef("session-lock");
  const first = processOver(store, "alice", { pid: process.pid });
  await first.createStack(ref, { initialDeployment: sampleDeployment() });
  const session = await first.beginUpdate!(ref, "update");
  try {
    await processOver(store, "bob", { pid: process.pid }).beginUpdate!(ref, "update");
    fail("a second beginUpdate on a stack with a running update must throw LockedError");
  } catch (error) {
    assert(error instanceof LockedError, `a second beginUpdate threw ${String(error)}, expected LockedError`);
  } finally {
    await session.cancel();
  }
  const again = await processOver(store, "bob", { pid: process.pid }).beginUpdate!(ref, "update");
  await again.cancel();
}

export async function checkStaleIndexIsRebuilt(store: StateStore): Promise<void> {
  const ref = integrityRef("index");
  const backend = processOver(store, "alice");
  await backend.createStack(ref);
  await backend.listStacks({ project: ref.project! });
  // Pulumi rewrites the stack file; cairn's index still describes the empty stack.
  const pulumiFile = { version: 3, checkpoint: { stack: `organization/${ref.project}/${ref.name}`, latest: sampleDeployment().deployment } };
  await store.put(`.pulumi/stacks/${ref.project}/${ref.name}.json`, utf8(JSON.stringify(pulumiFile)));
  const listed = await processOver(store, "bob").listStacks({ project: ref.project! });
  const count = (sampleDeployment().deployment as Resources).resources.length;
  assert(listed.length === 1 && listed[0]?.resourceCount === count, `listStacks after Pulumi wrote the stack shows ${JSON.stringify(listed)}, expected ${count} resources`);
}

export const SESSION_STORE_CHECKS: readonly StoreCheck[] = [
  { title: "sessions: journal → compaction → complete exports the expected deployment, history chained", requires: "conditionalWrite", run: checkJournalCompleteExportsDeployment },
  { title: "sessions: a second session on the same stack gets LockedError", requires: "conditionalWrite", run: checkSecondSessionIsLocked },
  { title: "sessions: a stale stack index (Pulumi wrote the stack) is detected and rebuilt", run: checkStaleIndexIsRebuilt },
];
