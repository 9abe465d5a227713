import { afterEach, describe, it } from "vitest";
import { DEFAULT_ORGANIZATION, type StackRef, type StateBackend } from "@cairn/core";
import { assert, assertJsonEqual, expectCairnError } from "./assertions.js";
import { sampleDeployment } from "./sample-deployment.js";

/**
 * What the retried-write checks need from a store author: a backend whose store reaches its
 * service through an HTTP forwarder the author runs, and a way to make one write land while its
 * answer is lost — the ambiguous failure every networked store meets (a reset after the server
 * committed, a proxy timing out, a load balancer dropping the response).
 */
export interface LostAnswerFixture {
  /** A backend (e.g. `createStoreBackend(yourStore)`) over fresh state, its store behind the forwarder. */
  backend: StateBackend;
  /** A second backend over the same state, with its own store instance, whose answers are never lost. */
  second: StateBackend;
  /**
   * Arms the forwarder once: the next write request (PUT, POST, PATCH, DELETE) that names exactly
   * `key` (e.g. `.pulumi/locks/organization/p/dev/cairn.json`) is forwarded, answered by the
   * service in full — the write lands — and then the client's connection is destroyed without a
   * byte of the answer. A store whose requests do not name keys (git pushes) loses the answer of
   * its next write instead.
   */
  loseNextAnswer(key: string): void;
  /** How many answers the forwarder has lost so far (a check that lost none proves nothing and fails). */
  answersLost(): number;
  /** Closes the backends and the forwarder, and removes the state. */
  dispose(): Promise<void>;
}

export interface RetriedWriteOptions {
  create(): Promise<LostAnswerFixture>;
  timeoutMs?: number;
}

export interface RetriedWriteCheck {
  title: string;
  run(fixture: LostAnswerFixture): Promise<void>;
}

const PROJECT = "retried";

function uniqueRef(): StackRef {
  return { organization: DEFAULT_ORGANIZATION, project: `${PROJECT}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, name: "dev" };
}

/** The keys of Pulumi's project-scoped layout that the checks aim at. */
function keysOf(ref: StackRef): { stackFile: string; lockFile: string } {
  return {
    stackFile: `.pulumi/stacks/${ref.project}/${ref.name}.json`,
    lockFile: `.pulumi/locks/${DEFAULT_ORGANIZATION}/${ref.project}/${ref.name}/cairn.json`,
  };
}

function requireLost(fixture: LostAnswerFixture, before: number, what: string): void {
  assert(
    fixture.answersLost() > before,
    `the forwarder lost no answer during ${what}: loseNextAnswer(key) must make the next write naming that key land and lose its answer, or the check proves nothing`,
  );
}

export async function checkLockWithLostAnswerIsHeld(fixture: LostAnswerFixture): Promise<void> {
  const ref = uniqueRef();
  await fixture.backend.createStack(ref, { initialDeployment: sampleDeployment() });
  const before = fixture.answersLost();
  fixture.loseNextAnswer(keysOf(ref).lockFile);
  // The lock landed, its answer was lost, the retry met its own lock: that is our lock, not "locked by us".
  const lock = await fixture.backend.lockStack(ref, "retried-write");
  requireLost(fixture, before, "lockStack");
  await expectCairnError(() => fixture.second.lockStack(ref, "second"), "Locked", "a second instance locking while the first holds the lock");
  await lock.release();
  const again = await fixture.second.lockStack(ref, "second");
  await again.release();
}

export async function checkSaveWithLostAnswerIsSaved(fixture: LostAnswerFixture): Promise<void> {
  const ref = uniqueRef();
  await fixture.backend.createStack(ref, { initialDeployment: sampleDeployment() });
  const next = sampleDeployment();
  (next.deployment as { resources: Array<{ outputs?: Record<string, unknown> }> }).resources[0]!.outputs = { retried: "saved once" };
  const lock = await fixture.backend.lockStack(ref, "retried-write");
  try {
    const before = fixture.answersLost();
    fixture.loseNextAnswer(keysOf(ref).stackFile);
    // A fenced write under our own lock whose answer was lost: reported written, because it was.
    await lock.save(next, { kind: "update" });
    requireLost(fixture, before, "a locked save");
  } finally {
    await lock.release();
  }
  assertJsonEqual(await fixture.second.exportDeployment(ref), next, "the stack after a save whose answer was lost");
}

export async function checkRemoveWithLostAnswerIsRemoved(fixture: LostAnswerFixture): Promise<void> {
  const ref = uniqueRef();
  await fixture.backend.createStack(ref, { initialDeployment: sampleDeployment() });
  const before = fixture.answersLost();
  fixture.loseNextAnswer(keysOf(ref).stackFile);
  await fixture.backend.removeStack(ref, { force: true });
  requireLost(fixture, before, "removeStack");
  assert((await fixture.second.getStack(ref)) === undefined, "the stack must be gone after a removal whose answer was lost");
}

export async function checkGenuineConflictStaysConflict(fixture: LostAnswerFixture): Promise<void> {
  const ref = uniqueRef();
  await fixture.backend.createStack(ref, { initialDeployment: sampleDeployment() });
  const held = await fixture.second.lockStack(ref, "holder");
  try {
    // The refused conditional create's answer is lost and retried: the lock found is the other
    // holder's bytes, not ours, so the answer must still be Locked.
    fixture.loseNextAnswer(keysOf(ref).lockFile);
    await expectCairnError(() => fixture.backend.lockStack(ref, "contender"), "Locked", "lockStack while another instance holds the lock (its answer lost)");
  } finally {
    await held.release();
  }
}

export const RETRIED_WRITE_CHECKS: readonly RetriedWriteCheck[] = [
  { title: "a lock whose write landed but whose answer was lost is held by its taker (not 'locked by us')", run: checkLockWithLostAnswerIsHeld },
  { title: "a locked save whose answer was lost reports saved, and the state is the saved one", run: checkSaveWithLostAnswerIsSaved },
  { title: "a removal whose answer was lost reports removed", run: checkRemoveWithLostAnswerIsRemoved },
  { title: "a genuine conflict stays a conflict when its answer is lost: Locked, never taken", run: checkGenuineConflictStaysConflict },
];

/**
 * Registers the retried-write checks: core's stack operations over your store, with the answer of
 * the one write that matters lost after it landed. Each must report what really happened — a
 * retry that meets its own write is a success, a retry that meets someone else's is a conflict.
 */
export function describeRetriedWriteConformance(name: string, options: RetriedWriteOptions): void {
  describe(`${name}: retried writes (answers lost after the write landed)`, () => {
    let current: LostAnswerFixture | undefined;
    afterEach(async () => {
      const fixture = current;
      current = undefined;
      await fixture?.dispose();
    });
    for (const check of RETRIED_WRITE_CHECKS) {
      it(check.title, { timeout: options.timeoutMs ?? 60_000 }, async () => {
        current = await options.create();
        await check.run(current);
      });
    }
  });
}
