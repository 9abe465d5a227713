import { probeConditionalWrites } from "@cairn/core";
import { listAll, type StateStore } from "@cairn/core/driver";
import { assert } from "./assertions.js";
import { integrityRef, markedDeployment, processOver } from "./store-checks-leases.js";

/** The precondition probe `cairn login` runs must pass on a store that claims conditional writes. */
export async function checkPreconditionProbePasses(store: StateStore): Promise<void> {
  const probe = await probeConditionalWrites(store);
  assert(probe.honoured, `the login probe says the store ignores preconditions: ${probe.reason ?? ""}`);
  const left = (await listAll(store, ".pulumi/.cairn-probe")).map((object) => object.key);
  assert(left.length === 0, `the probe must remove its scratch key, found ${JSON.stringify(left)}`);
}

/**
 * Core's hash-chained history over this store: it verifies untouched, catches a flipped checkpoint
 * byte naming the entry, and still verifies after a prune. Stores with their own history (git)
 * have no chain files; the check then only requires verify to say so.
 */
export async function checkHistoryChainVerifies(store: StateStore): Promise<void> {
  const ref = integrityRef("chain");
  const backend = processOver(store, "alice");
  await backend.createStack(ref);
  for (const marker of ["one", "two", "three"]) await backend.importDeployment(ref, markedDeployment(marker), { kind: "update" });
  const untouched = await backend.verifyHistory!(ref);
  if (untouched.native) return;
  assert(untouched.ok && untouched.entries === 3, `an untouched stack must verify with 3 entries, got ${JSON.stringify(untouched)}`);

  await backend.pruneHistory!(ref, { keep: 2 });
  const pruned = await backend.verifyHistory!(ref);
  assert(pruned.ok && pruned.entries === 2, `after prune --keep 2 the rest must verify, got ${JSON.stringify(pruned)}`);

  const historyDir = `.pulumi/history/${ref.project}/${ref.name}/`;
  const checkpoints = (await listAll(store, historyDir)).map((object) => object.key).filter((key) => key.includes(".checkpoint.json"));
  const target = checkpoints.at(-1);
  assert(target !== undefined, `no checkpoint files under ${historyDir}`);
  const found = await store.get(target);
  assert(found !== undefined, `${target} vanished`);
  const bytes = found.bytes.slice();
  bytes[20] = (bytes[20] ?? 0) ^ 0x01;
  await store.put(target, bytes);
  const broken = await backend.verifyHistory!(ref);
  assert(!broken.ok && broken.break?.position === 2 && /history entry 2 .*checkpoint was modified/.test(broken.break.problem), `a flipped checkpoint byte must be reported at entry 2, got ${JSON.stringify(broken)}`);
}
