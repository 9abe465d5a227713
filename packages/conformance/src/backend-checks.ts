import { DEFAULT_ORGANIZATION, formatStackRef, sameStack, type StackRef, type StateBackend } from "@cairn/core";
import { LockedError, isCairnError, type LockInfo } from "@cairn/core/driver";
import { assert, assertJsonEqual, expectCairnError, fail } from "./assertions.js";
import { SAMPLE_RESOURCE_COUNT, sampleDeployment } from "./sample-deployment.js";

/** Unique names per check, so checks sharing one backend's state never collide. */
function uniqueRef(name: string, project = "conformance"): StackRef {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { organization: DEFAULT_ORGANIZATION, project: `${project}-${suffix}`, name };
}

async function createWithSample(backend: StateBackend, ref: StackRef): Promise<void> {
  await backend.createStack(ref);
  await backend.importDeployment(ref, sampleDeployment());
}

function listed(stacks: { ref: StackRef }[], ref: StackRef): boolean {
  return stacks.some((stack) => sameStack(stack.ref, ref));
}

export async function checkCreateGetAndList(backend: StateBackend): Promise<void> {
  const dev = uniqueRef("dev");
  const other = uniqueRef("dev", "other");
  assert((await backend.getStack(dev)) === undefined, "getStack of a stack never created must resolve undefined");
  const created = await backend.createStack(dev);
  assert(sameStack(created.ref, dev), `createStack returned ${formatStackRef(created.ref)}, expected ${formatStackRef(dev)}`);
  await backend.createStack(other);
  const got = await backend.getStack(dev);
  assert(got !== undefined && sameStack(got.ref, dev), "getStack after createStack must find the stack");
  const all = await backend.listStacks();
  assert(listed(all, dev) && listed(all, other), "listStacks() must list every stack");
  const filtered = await backend.listStacks({ project: dev.project! });
  assert(listed(filtered, dev), "listStacks({ project }) must list the project's stacks");
  assert(!listed(filtered, other), "listStacks({ project }) must not list another project's stacks");
}

export async function checkDuplicateCreateFails(backend: StateBackend): Promise<void> {
  const ref = uniqueRef("dup");
  await createWithSample(backend, ref);
  await expectCairnError(() => backend.createStack(ref), "AlreadyExists", "createStack of an existing stack");
  assertJsonEqual(await backend.exportDeployment(ref), sampleDeployment(), "the existing stack after a refused duplicate create");
}

export async function checkImportExportRoundTrip(backend: StateBackend): Promise<void> {
  const ref = uniqueRef("roundtrip");
  await createWithSample(backend, ref);
  assertJsonEqual(await backend.exportDeployment(ref), sampleDeployment(), "export after import");
  const summary = await backend.getStack(ref);
  assert(summary?.resourceCount === undefined || summary.resourceCount === SAMPLE_RESOURCE_COUNT, `resourceCount is ${summary?.resourceCount}, expected ${SAMPLE_RESOURCE_COUNT}`);
}

/** Only for backends whose capabilities claim `history`; the suite skips it, saying why, otherwise. */
export async function checkHistoryGrowsPerImport(backend: StateBackend): Promise<void> {
  const ref = uniqueRef("history");
  await backend.createStack(ref);
  const before = (await backend.listHistory(ref)).length;
  await backend.importDeployment(ref, sampleDeployment());
  assert((await backend.listHistory(ref)).length === before + 1, "history must grow by one per import");
  await backend.importDeployment(ref, sampleDeployment());
  assert((await backend.listHistory(ref)).length === before + 2, "history must grow by one per import (second import)");
}

export async function checkRemoveNeedsForceWithResources(backend: StateBackend): Promise<void> {
  const ref = uniqueRef("remove");
  await createWithSample(backend, ref);
  let refused = false;
  try {
    await backend.removeStack(ref);
  } catch (error) {
    refused = true;
    assert(isCairnError(error), `removeStack without force must throw a CairnError, got ${String(error)}`);
  }
  assert(refused, "removeStack of a stack with resources must fail without force");
  assert((await backend.getStack(ref)) !== undefined, "a refused removeStack must leave the stack");
  await backend.removeStack(ref, { force: true });
  assert((await backend.getStack(ref)) === undefined, "removeStack with force must remove the stack");
  assert(!listed(await backend.listStacks(), ref), "a removed stack must not be listed");
}

export async function checkRenameMovesStack(backend: StateBackend): Promise<void> {
  const from = uniqueRef("before");
  const to = { ...from, name: "after" };
  await createWithSample(backend, from);
  await backend.renameStack(from, to);
  assert((await backend.getStack(from)) === undefined, "after renameStack the old name must be gone");
  assert((await backend.getStack(to)) !== undefined, "after renameStack the new name must exist");
  const resources = ((await backend.exportDeployment(to)).deployment as { resources?: unknown[] }).resources ?? [];
  assert(resources.length === SAMPLE_RESOURCE_COUNT, `the renamed stack has ${resources.length} resources, expected ${SAMPLE_RESOURCE_COUNT}`);
}

export async function checkInvalidImportLeavesStack(backend: StateBackend): Promise<void> {
  const ref = uniqueRef("invalid");
  await createWithSample(backend, ref);
  const invalid = { version: 3, deployment: { manifest: { time: "", magic: "", version: "" }, resources: [{ urn: 42, type: "x" }] } };
  await expectCairnError(() => backend.importDeployment(ref, invalid as never), "InvalidArgument", "import of an invalid deployment");
  assertJsonEqual(await backend.exportDeployment(ref), sampleDeployment(), "the stack after a refused import");
}

/** Names that would escape the stack's directory or that Pulumi refuses: every one must be refused, and nothing created. */
export const INVALID_STACK_NAMES = ["", "..", "../escape", "a/b", "with space", "semi;colon", "x".repeat(101)] as const;

export async function checkInvalidStackNamesRejected(backend: StateBackend): Promise<void> {
  const valid = uniqueRef("valid");
  for (const name of INVALID_STACK_NAMES) {
    const ref = { ...valid, name };
    const what = `stack name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length} chars)` : name)}`;
    await expectCairnError(() => backend.createStack(ref), "InvalidArgument", `createStack with ${what}`);
    await expectCairnError(() => backend.getStack(ref), "InvalidArgument", `getStack with ${what}`);
  }
  await expectCairnError(() => backend.createStack({ ...valid, project: ".." }), "InvalidArgument", 'createStack in project ".."');
  const leaked = (await backend.listStacks({ project: valid.project! })).map((stack) => formatStackRef(stack.ref));
  assert(leaked.length === 0, `refused creates must create nothing, but listStacks shows ${JSON.stringify(leaked)}`);
}

function assertLockedBy(error: Error, holder: { username: string }, what: string): void {
  assert(isCairnError(error, "Locked"), `${what}: expected a Locked CairnError`);
  const lock = (error as Partial<LockedError>).lock;
  if (lock === undefined) fail(`${what}: the Locked error carries no lock info (use LockedError)`);
  assert(typeof lock.username === "string" && lock.username === holder.username, `${what}: lock.username is ${JSON.stringify(lock.username)}, expected ${JSON.stringify(holder.username)}`);
  assert(typeof lock.hostname === "string" && lock.hostname.length > 0, `${what}: lock.hostname is missing`);
  assert(Number.isInteger(lock.pid), `${what}: lock.pid is not an integer`);
  assert(typeof lock.timestamp === "string" && !Number.isNaN(Date.parse(lock.timestamp)), `${what}: lock.timestamp ${JSON.stringify(lock.timestamp)} is not a time`);
}

/** `first` and `second` are two instances over the same state, as two processes would hold. */
export async function checkLockExcludesSecondInstance(first: StateBackend, second: StateBackend): Promise<void> {
  const ref = uniqueRef("locked");
  await first.createStack(ref);
  const lock = await first.lockStack(ref, "update");
  try {
    const error = await expectCairnError(() => second.lockStack(ref, "update"), "Locked", "lockStack on the second instance while the first holds it");
    assertLockedBy(error, lock.info, "the Locked error");
  } finally {
    await lock.release();
  }
  const again = await second.lockStack(ref, "update");
  await again.release();
}

export async function checkForceUnlockReportsAndFrees(first: StateBackend, second: StateBackend): Promise<void> {
  const ref = uniqueRef("forced");
  await first.createStack(ref);
  const abandoned = await first.lockStack(ref, "update");
  const holders: LockInfo[] = await second.forceUnlock(ref);
  assert(holders.some((holder) => holder.username === abandoned.info.username && holder.pid === abandoned.info.pid), `forceUnlock must report the holder, got ${JSON.stringify(holders)}`);
  assert((await second.getLock(ref)).length === 0, "after forceUnlock getLock must report no holder");
  const successor = await second.lockStack(ref, "update");
  try {
    // The abandoned holder coming back must not release its successor's lock.
    await abandoned.release().catch(() => {});
    await expectCairnError(() => first.lockStack(ref, "update"), "Locked", "lockStack after a force-unlocked holder released late");
  } finally {
    await successor.release();
  }
}
