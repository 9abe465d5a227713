import { DEFAULT_ORGANIZATION, RESTORE_KIND, restoreMessage, restoreVersion, type StackRef, type StateBackend, type UntypedDeployment } from "@cairn/core";
import { assert, assertJsonEqual, expectCairnError } from "./assertions.js";
import { sampleDeployment } from "./sample-deployment.js";

function restoreRef(): StackRef {
  return { organization: DEFAULT_ORGANIZATION, project: `restore-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, name: "dev" };
}

/** The sample with the pet renamed: three imports of these make three versions that differ. */
function step(n: number): UntypedDeployment {
  const deployment = sampleDeployment();
  const resources = (deployment.deployment as { resources: Array<{ outputs?: Record<string, unknown> }> }).resources;
  resources[0]!.outputs = { petName: `pet-${n}` };
  return deployment;
}

/** Everything a reader sees of the stack: what a refused restore must leave exactly as it was. */
async function stateOf(backend: StateBackend, ref: StackRef): Promise<string> {
  return JSON.stringify({ current: await backend.exportDeployment(ref), history: await backend.listHistory(ref) });
}

/**
 * `restoreVersion` (core's roll-forward restore, what `cairn stack restore --version` runs): the
 * current state becomes the old version's deployment, byte for byte as that version exports;
 * history grows by exactly one entry and the entries before it are unchanged; a missing version
 * (`NotFound`), a bad one (`InvalidArgument`) and a held lock (`Locked`) change nothing.
 */
export async function checkRestoreVersionRecordsNewEntry(backend: StateBackend): Promise<void> {
  const ref = restoreRef();
  await backend.createStack(ref);
  for (const n of [1, 2, 3]) await backend.importDeployment(ref, step(n));
  const before = await backend.listHistory(ref);
  const oldest = before[2]?.version;
  assert(oldest !== undefined, `after three imports listHistory must number its entries, got ${JSON.stringify(before.slice(0, 3))}`);
  const wanted = await backend.exportDeployment(ref, { version: oldest });
  assertJsonEqual(wanted, step(1), `export of version ${oldest} (the first import)`);

  const result = await restoreVersion(backend, ref, oldest);
  const current = await backend.exportDeployment(ref);
  assert(JSON.stringify(current) === JSON.stringify(wanted), `after restoring version ${oldest} the current state must export exactly as version ${oldest} does`);
  const after = await backend.listHistory(ref);
  assert(after.length === before.length + 1, `a restore must add exactly one history entry: ${before.length} before, ${after.length} after`);
  assertJsonEqual(after.slice(1), before, "the history entries before the restore (none removed or rewritten)");
  assert(result.restored === oldest && result.version === after[0]?.version && result.unchanged === false, `restoreVersion reported ${JSON.stringify(result)}`);
  // A store whose history is its own log (git) records the write with the log's own subject.
  if (after[0]?.commit === undefined) {
    assert(after[0]?.kind === RESTORE_KIND && after[0].message === restoreMessage(oldest), `the new entry must be kind ${RESTORE_KIND}, message ${JSON.stringify(restoreMessage(oldest))}: got ${JSON.stringify(after[0])}`);
  }
  // The version restored is now still there, and so is every later one: the restore is undoable.
  assertJsonEqual(await backend.exportDeployment(ref, { version: before[0]!.version! }), step(3), "the newest version before the restore");

  const settled = await stateOf(backend, ref);
  await expectCairnError(() => restoreVersion(backend, ref, after.length + 10), "NotFound", "a restore of a version the history does not have");
  await expectCairnError(() => restoreVersion(backend, ref, 0), "InvalidArgument", "a restore of version 0");
  assert((await stateOf(backend, ref)) === settled, "a refused restore (missing or invalid version) must change nothing");

  // Compared while the lock is held: taking and ending a lock is itself an update on some backends (the service's).
  const lock = await backend.lockStack(ref, "update");
  try {
    const locked = await stateOf(backend, ref);
    await expectCairnError(() => restoreVersion(backend, ref, oldest), "Locked", "a restore while the stack is locked");
    assert((await stateOf(backend, ref)) === locked, "a restore refused by a held lock must change nothing");
  } finally {
    await lock.release();
  }
}
