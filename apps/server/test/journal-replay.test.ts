import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isCairnError, type Resource, type UntypedDeployment } from "@cairn/core";
import { JOURNAL_ENTRY_KIND as K, parseJournalEntries, SUPPORTED_JOURNAL_VERSION, type JournalEntry } from "../src/journal/entries.js";
import { JournalReplayer, replayJournal } from "../src/journal/replay.js";

// Entries built the way Pulumi's engine builds them (pkg/engine/journal_snapshot.go): every step
// begins an operation and ends it with success or failure; base resources are addressed by index,
// resources produced earlier in the update by the operation that produced them.

const TIME = "2026-01-02T03:04:05.000Z";
const OPTIONS = { engineVersion: "v3.274.1", now: () => new Date(TIME) };
const STACK_URN = "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev";
const PROVIDER_URN = "urn:pulumi:dev::app::pulumi:providers:random::default";

function urn(name: string, type = "random:index:RandomPet"): string {
  return `urn:pulumi:dev::app::${type}::${name}`;
}

function resource(name: string, extra: Partial<Resource> = {}): Resource {
  return { urn: urn(name), custom: true, id: `${name}-id`, type: "random:index:RandomPet", inputs: { length: 2 }, outputs: { id: `${name}-id` }, parent: STACK_URN, provider: `${PROVIDER_URN}::p1`, ...extra };
}

const stack: Resource = { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack" };
const provider: Resource = { urn: PROVIDER_URN, custom: true, id: "p1", type: "pulumi:providers:random" };

/** A journal under construction: sequence and operation IDs as the engine hands them out. */
class Journal {
  readonly entries: JournalEntry[] = [];
  private operations = 0;

  add(kind: number, operationID: number, fields: Partial<JournalEntry> = {}): JournalEntry {
    const entry = { version: 1, kind, sequenceID: this.entries.length + 1, operationID, removeOld: null, removeNew: null, ...fields } as JournalEntry;
    this.entries.push(entry);
    return entry;
  }

  secrets(type = "service", state: unknown = { url: "https://cairn.example", owner: "admin", project: "app", stack: "dev" }): void {
    this.add(K.secretsManager, 0, { secretsProvider: { type, state } });
  }

  /** Begin + success for one step; returns the operation ID. */
  step(type: string | undefined, end: Partial<JournalEntry>, operation?: Resource): number {
    const id = ++this.operations;
    this.add(K.begin, id, type === undefined || operation === undefined ? {} : { operation: { resource: operation, type } });
    this.add(K.success, id, end);
    return id;
  }

  begin(type: string, state: Resource): number {
    const id = ++this.operations;
    this.add(K.begin, id, { operation: { resource: state, type } });
    return id;
  }

  nextOperation(): number {
    return ++this.operations;
  }
}

function base(resources: Resource[], extra: Record<string, unknown> = {}): UntypedDeployment {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2025-01-01T00:00:00Z", magic: "m", version: "v3.274.1" },
      secrets_providers: { type: "service", state: { url: "https://cairn.example", owner: "admin", project: "app", stack: "dev" } },
      resources,
      metadata: {},
      ...extra,
    },
  };
}

function replay(start: UntypedDeployment | undefined, journal: Journal | JournalEntry[]) {
  return replayJournal(start, Array.isArray(journal) ? journal : journal.entries, OPTIONS);
}

function urns(deployment: UntypedDeployment): string[] {
  return ((deployment.deployment as { resources?: Resource[] }).resources ?? []).map((r) => r.urn + (r["delete"] === true ? " (delete)" : "") + (r["pendingReplacement"] === true ? " (pendingReplacement)" : ""));
}

function resources(deployment: UntypedDeployment): Resource[] {
  return (deployment.deployment as { resources?: Resource[] }).resources ?? [];
}

function pending(deployment: UntypedDeployment): unknown[] | undefined {
  return (deployment.deployment as { pending_operations?: unknown[] }).pending_operations;
}

function expectError(run: () => unknown, code: string, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isCairnError(caught, code as never), `expected a CairnError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

/** A seeded shuffle, so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe("the snapshot's frame", () => {
  it("stamps the manifest with the engine version, its magic and the clock; keeps metadata; writes version 3 without features", () => {
    const journal = new Journal();
    journal.secrets();
    const result = replay(undefined, journal);
    expect(result).toEqual({
      version: 3,
      deployment: {
        manifest: { time: TIME, magic: createHash("sha256").update("v3.274.1").digest("hex"), version: "v3.274.1" },
        secrets_providers: { type: "service", state: { url: "https://cairn.example", owner: "admin", project: "app", stack: "dev" } },
        metadata: {},
      },
    });
  });

  it("advertises journal version 1", () => {
    expect(SUPPORTED_JOURNAL_VERSION).toBe(1);
  });
});

describe("each entry kind", () => {
  it("begin: an operation still running is a pending operation; success ends it and records the resource", () => {
    const journal = new Journal();
    journal.secrets();
    journal.step("creating", { state: stack }, stack);
    const op = journal.begin("creating", resource("a"));
    const midway = replay(undefined, journal);
    expect(urns(midway)).toEqual([STACK_URN]);
    expect(pending(midway)).toEqual([{ resource: resource("a"), type: "creating" }]);

    journal.add(K.success, op, { state: resource("a", { outputs: { id: "a-id", created: true } }) });
    const done = replay(undefined, journal);
    expect(urns(done)).toEqual([STACK_URN, urn("a")]);
    expect(resources(done)[1]?.outputs).toEqual({ id: "a-id", created: true });
    expect(pending(done)).toBeUndefined();
  });

  it("failure: the operation is no longer pending and what it produced is not recorded", () => {
    const journal = new Journal();
    journal.secrets();
    const op = journal.begin("creating", resource("a"));
    journal.add(K.failure, op, { state: resource("a") });
    const failedUpdate = journal.begin("updating", resource("b", { inputs: { length: 3 } }));
    journal.add(K.failure, failedUpdate, { removeOld: 0, state: resource("b", { inputs: { length: 3 } }) });
    const result = replay(base([resource("b")]), journal);
    expect(urns(result)).toEqual([urn("b")]);
    expect(resources(result)[0]?.inputs).toEqual({ length: 2 }); // the old state stays
    expect(pending(result)).toBeUndefined();
  });

  it("a base's pending creates survive the update; its other pending operations do not", () => {
    const start = base([resource("a")], {
      pending_operations: [
        { resource: resource("lost"), type: "creating" },
        { resource: resource("a"), type: "updating" },
      ],
    });
    const journal = new Journal();
    journal.secrets();
    const op = journal.begin("deleting", resource("a"));
    const result = replay(start, journal);
    expect(pending(result)).toEqual([
      { resource: resource("a"), type: "deleting" },
      { resource: resource("lost"), type: "creating" },
    ]);
    journal.add(K.success, op, { removeOld: 0 });
    expect(pending(replay(start, journal))).toEqual([{ resource: resource("lost"), type: "creating" }]);
  });

  it("outputs: registered outputs replace the state in place, for a resource of this update and for a base resource", () => {
    const journal = new Journal();
    journal.secrets();
    const root = journal.step("creating", { state: stack }, stack);
    journal.add(K.outputs, journal.nextOperation(), { removeNew: root, state: { ...stack, outputs: { pet: "fido" } } });
    journal.add(K.outputs, journal.nextOperation(), { removeOld: 0, state: resource("old", { outputs: { id: "old-id", more: 1 } }) });
    const result = replay(base([resource("old")]), journal);
    expect(resources(result).map((r) => r.outputs)).toEqual([{ pet: "fido" }, { id: "old-id", more: 1 }]);
  });

  it("write: a rebased base replaces the start deployment", () => {
    const journal = new Journal();
    journal.secrets();
    const rebased = base([provider, resource("a", { provider: `${PROVIDER_URN}::p2` })]).deployment;
    journal.add(K.write, 0, { newSnapshot: rebased as JournalEntry["newSnapshot"] });
    journal.step(undefined, { removeOld: 1, state: resource("a", { provider: `${PROVIDER_URN}::p2` }) });
    const result = replay(base([resource("stale")]), journal);
    expect(urns(result)).toEqual([urn("a"), PROVIDER_URN]);
  });

  it("secrets-manager: the update's secrets provider replaces the base's", () => {
    const journal = new Journal();
    journal.secrets("passphrase", { salt: "v1:abc" });
    const result = replay(base([]), journal);
    expect((result.deployment as Record<string, unknown>)["secrets_providers"]).toEqual({ type: "passphrase", state: { salt: "v1:abc" } });
  });

  it("snippets: the entry's list replaces the base's (and needs the snippets feature); an entry without them clears them", () => {
    const snippet = { uuid: "u1", name: "n", type: "t", code: "c", descriptor: { name: "pkg" } };
    const journal = new Journal();
    journal.secrets();
    journal.add(K.snippets, 0, { snippets: [snippet] });
    const result = replay(base([]), journal);
    expect((result.deployment as Record<string, unknown>)["snippets"]).toEqual([snippet]);
    expect(result.version).toBe(4);
    expect(result.features).toEqual(["snippets-prototype"]);

    journal.add(K.snippets, 0, {});
    const cleared = replay(base([]), journal);
    expect((cleared.deployment as Record<string, unknown>)["snippets"]).toBeUndefined();
    expect(cleared.version).toBe(3);
  });

  it("extension-parameterize: extensions accumulate; the base's win for the same ref", () => {
    const journal = new Journal();
    journal.secrets();
    journal.add(K.extensionParameterize, 1, { extensionRef: "b-ref", extension: { name: "b", version: "1.0.0", value: "AAE=" } });
    journal.add(K.extensionParameterize, 2, { extensionRef: "a-ref", extension: { name: "a", version: "2.0.0", value: "new" } });
    const result = replay(base([], { extensions: { "a-ref": { name: "a", version: "1.0.0", value: "old" } } }), journal);
    expect((result.deployment as Record<string, unknown>)["extensions"]).toEqual({
      "a-ref": { name: "a", version: "1.0.0", value: "old" },
      "b-ref": { name: "b", version: "1.0.0", value: "AAE=" },
    });
  });

  it("rebuilt-base-state: the snapshot so far becomes the base, and later entries address it by index", () => {
    // `pulumi up --refresh`: refresh steps, then the engine rebuilds its base and steps follow.
    const journal = new Journal();
    journal.secrets();
    const refresh = journal.nextOperation();
    journal.add(K.begin, refresh);
    journal.add(K.refreshSuccess, refresh, { removeOld: 0, isRefresh: true }); // "gone" vanished
    journal.add(K.rebuiltBaseState, 0);
    // In the rebuilt base "b" is index 0 now (it was 1).
    journal.step("updating", { removeOld: 0, state: resource("b", { inputs: { length: 9 } }) }, resource("b"));
    const result = replay(base([resource("gone"), resource("b")]), journal);
    expect(urns(result)).toEqual([urn("b")]);
    expect(resources(result)[0]?.inputs).toEqual({ length: 9 });
  });

  it("refresh-success: a refreshed state takes its place in the order; a vanished resource is dropped along with references to it", () => {
    const start = base([
      stack,
      resource("a"),
      resource("b", { dependencies: [urn("a")], propertyDependencies: { length: [urn("a")], other: [] }, deletedWith: urn("a") }),
      resource("c", { parent: urn("a") }),
      resource("d", { replaceWith: [urn("a")] }),
    ]);
    const journal = new Journal();
    journal.secrets();
    const refreshA = journal.nextOperation();
    journal.add(K.begin, refreshA);
    journal.add(K.refreshSuccess, refreshA, { removeOld: 1, isRefresh: true });
    const refreshB = journal.nextOperation();
    journal.add(K.begin, refreshB);
    const refreshedB = resource("b", { outputs: { id: "b-id", drifted: true }, dependencies: [urn("a")], propertyDependencies: { length: [urn("a")], other: [] }, deletedWith: urn("a") });
    journal.add(K.refreshSuccess, refreshB, { removeOld: 2, isRefresh: true, state: refreshedB });
    const result = replay(start, journal);
    expect(urns(result)).toEqual([STACK_URN, urn("b"), urn("c"), urn("d")]);
    const [, b, c, d] = resources(result);
    expect(b?.outputs).toEqual({ id: "b-id", drifted: true });
    // The references to the vanished "a" are gone, emptied fields dropped (as Go's omitempty would).
    expect(b).not.toHaveProperty("dependencies");
    expect(b).not.toHaveProperty("propertyDependencies");
    expect(b).not.toHaveProperty("deletedWith");
    expect(c).not.toHaveProperty("parent");
    expect(d).not.toHaveProperty("replaceWith");
  });

  it("a persisted refresh (a success marked isRefresh) moves the resource to the front and also rebuilds references", () => {
    const start = base([resource("a"), resource("b", { dependencies: [urn("a")] })]);
    const journal = new Journal();
    journal.secrets();
    const op = journal.nextOperation();
    journal.add(K.begin, op);
    journal.add(K.success, op, { removeOld: 1, isRefresh: true, state: resource("b", { dependencies: [urn("a")] }) });
    const result = replay(start, journal);
    // "b" now comes before "a", so its dependency is no longer earlier in the list.
    expect(urns(result)).toEqual([urn("b"), urn("a")]);
    expect(resources(result)[0]).not.toHaveProperty("dependencies");
  });

  it("without a refresh, dangling references are left alone", () => {
    const journal = new Journal();
    journal.secrets();
    journal.step("updating", { removeOld: 1, state: resource("b", { dependencies: [urn("a")] }) }, resource("b"));
    const result = replay(base([resource("a"), resource("b")]), journal);
    expect(urns(result)).toEqual([urn("b"), urn("a")]);
    expect(resources(result)[0]?.dependencies).toEqual([urn("a")]);
  });
});

describe("a resource's life", () => {
  it("create → update → delete over three updates, each replayed onto the previous snapshot", () => {
    const first = new Journal();
    first.secrets();
    first.step("creating", { state: stack }, stack);
    first.step("creating", { state: provider }, provider);
    first.step("creating", { state: resource("a") }, resource("a"));
    const v1 = replay(undefined, first);
    expect(urns(v1)).toEqual([STACK_URN, PROVIDER_URN, urn("a")]);

    const second = new Journal();
    second.secrets();
    second.step(undefined, { removeOld: 0, state: stack });
    second.step(undefined, { removeOld: 1, state: provider });
    second.step("updating", { removeOld: 2, state: resource("a", { inputs: { length: 5 } }) }, resource("a", { inputs: { length: 5 } }));
    const v2 = replay(v1, second);
    expect(urns(v2)).toEqual([STACK_URN, PROVIDER_URN, urn("a")]);
    expect(resources(v2)[2]?.inputs).toEqual({ length: 5 });

    const third = new Journal();
    third.secrets();
    third.step(undefined, { removeOld: 0, state: stack });
    third.step(undefined, { removeOld: 1, state: provider });
    third.step("deleting", { removeOld: 2 }, resource("a", { inputs: { length: 5 } }));
    expect(urns(replay(v2, third))).toEqual([STACK_URN, PROVIDER_URN]);
  });

  it("create → update → delete within one update (operations address each other's resources)", () => {
    const journal = new Journal();
    journal.secrets();
    const created = journal.step("creating", { state: resource("a") }, resource("a"));
    const updated = journal.step("updating", { removeNew: created, state: resource("a", { inputs: { length: 7 } }) }, resource("a"));
    expect(resources(replay(undefined, journal)).map((r) => r.inputs)).toEqual([{ length: 7 }]);
    journal.step("deleting", { removeNew: updated }, resource("a"));
    expect(urns(replay(undefined, journal))).toEqual([]);
  });
});

describe("replacement", () => {
  it("create-before-delete: the replacement is recorded, the old resource marked for deletion, then removed", () => {
    const journal = new Journal();
    journal.secrets();
    journal.step("creating", { deleteOld: 0, state: resource("a", { id: "a2" }) }, resource("a", { id: "a2" }));
    const midway = replay(base([resource("a")]), journal);
    expect(urns(midway)).toEqual([urn("a"), `${urn("a")} (delete)`]);
    expect(resources(midway).map((r) => r.id)).toEqual(["a2", "a-id"]);

    journal.step("deleting", { removeOld: 0 }, resource("a", { delete: true }));
    const done = replay(base([resource("a")]), journal);
    expect(urns(done)).toEqual([urn("a")]);
    expect(resources(done)[0]?.id).toBe("a2");
  });

  it("delete-before-replace: the old resource is marked pending replacement, then the replacement removes it", () => {
    const journal = new Journal();
    journal.secrets();
    journal.step("deleting", { pendingReplacementOld: 0 }, resource("a"));
    const midway = replay(base([resource("a")]), journal);
    expect(urns(midway)).toEqual([`${urn("a")} (pendingReplacement)`]);

    journal.step("creating", { removeOld: 0, state: resource("a", { id: "a2" }) }, resource("a", { id: "a2" }));
    const done = replay(base([resource("a")]), journal);
    expect(urns(done)).toEqual([urn("a")]);
    expect(resources(done)[0]?.id).toBe("a2");
    expect(resources(done)[0]).not.toHaveProperty("pendingReplacement");
  });

  it("marks on resources produced earlier in the same update (deleteNew, pendingReplacementNew)", () => {
    const journal = new Journal();
    journal.secrets();
    const a = journal.step("creating", { state: resource("a") }, resource("a"));
    const b = journal.step("creating", { state: resource("b") }, resource("b"));
    journal.step("creating", { deleteNew: a, state: resource("a", { id: "a2" }) }, resource("a", { id: "a2" }));
    journal.step("deleting", { pendingReplacementNew: b }, resource("b"));
    expect(urns(replay(undefined, journal))).toEqual([`${urn("a")} (delete)`, `${urn("b")} (pendingReplacement)`, urn("a")]);
  });
});

describe("features", () => {
  it("a resource that needs a feature makes a version 4 deployment listing it; byteString comes from the entry", () => {
    const journal = new Journal();
    journal.secrets();
    journal.step("creating", { state: resource("a", { taint: true }) }, resource("a"));
    journal.step("creating", { state: resource("b", { replaceWith: [urn("a")] }), requiresByteString: true }, resource("b"));
    const result = replay(undefined, journal);
    expect(result.version).toBe(4);
    expect(result.features).toEqual(["byteString", "replaceWith", "taint"]);
  });
});

describe("URN references", () => {
  it("references through an alias are rewritten to the resource's current URN and aliases dropped; a renamed parent renames its children", () => {
    const oldParent = urn("old-parent", "my:index:Component");
    const newParent = urn("new-parent", "my:index:Component");
    const oldChild = `urn:pulumi:dev::app::my:index:Component$random:index:RandomPet::child`;
    const start = base([
      { urn: oldParent, custom: false, type: "my:index:Component" },
      resource("child", { urn: oldChild, parent: oldParent }),
      resource("user", { dependencies: [oldParent, oldChild] }),
    ]);
    const journal = new Journal();
    journal.secrets();
    journal.step(undefined, { removeOld: 0, state: { urn: newParent, custom: false, type: "my:index:Component", aliases: [oldParent] } });
    const result = replay(start, journal);
    expect(resources(result).map((r) => [r.urn, r.parent, r.dependencies, r["aliases"]])).toEqual([
      [newParent, undefined, undefined, undefined],
      [`urn:pulumi:dev::app::my:index:Component$random:index:RandomPet::child`, newParent, undefined, undefined],
      [urn("user"), STACK_URN, [newParent, oldChild], undefined],
    ]);
  });

  it("a provider reference with an empty id gets Pulumi's unknown id", () => {
    const journal = new Journal();
    journal.secrets();
    journal.step("creating", { state: resource("a", { provider: `${PROVIDER_URN}::` }) }, resource("a"));
    expect(resources(replay(undefined, journal))[0]?.provider).toBe(`${PROVIDER_URN}::04da6b54-80e4-46f7-96ec-b56ff0331ba9`);
  });
});

/** A realistic journal: stack, provider, twenty resources, outputs, over a base of ten. */
function bigJournal(): { start: UntypedDeployment; journal: Journal } {
  const start = base([stack, provider, ...Array.from({ length: 10 }, (_, i) => resource(`old${i}`))]);
  const journal = new Journal();
  journal.secrets();
  const root = journal.step(undefined, { removeOld: 0, state: stack });
  journal.step(undefined, { removeOld: 1, state: provider });
  for (let i = 0; i < 10; i++) {
    if (i % 3 === 0) journal.step("deleting", { removeOld: 2 + i }, resource(`old${i}`));
    else if (i % 3 === 1) journal.step("updating", { removeOld: 2 + i, state: resource(`old${i}`, { inputs: { length: i } }) }, resource(`old${i}`));
  }
  for (let i = 0; i < 20; i++) journal.step("creating", { state: resource(`new${i}`) }, resource(`new${i}`));
  journal.begin("creating", resource("unfinished"));
  journal.add(K.outputs, journal.nextOperation(), { removeNew: root, state: { ...stack, outputs: { count: 20 } } });
  return { start, journal };
}

describe("delivery", () => {
  it("entries delivered shuffled, in batches, give the same snapshot as in order", () => {
    const { start, journal } = bigJournal();
    const expected = replay(start, journal);
    for (const seed of [1, 2, 3]) {
      const replayer = new JournalReplayer(start, OPTIONS);
      const entries = shuffled(journal.entries, seed);
      for (let i = 0; i < entries.length; i += 7) replayer.apply(entries.slice(i, i + 7));
      expect(replayer.snapshot()).toEqual(expected);
    }
  });

  it("a snapshot taken mid-update applies only the entries up to the first hole; the rest wait for it", () => {
    const { start, journal } = bigJournal();
    const expected = replay(start, journal);
    const replayer = new JournalReplayer(start, OPTIONS);
    const late = journal.entries[5] as JournalEntry;
    replayer.apply(journal.entries.filter((entry) => entry !== late));
    expect(replayer.missingSequenceIDs()).toEqual([6]);
    const midway = replayer.snapshot();
    expect(replayer.appliedCount).toBe(5);
    expect(midway).toEqual(replay(start, journal.entries.slice(0, 5)));
    expectError(() => replayer.finalSnapshot(), "InvalidArgument", /journal entries 6 have not arrived, but later ones have/);
    replayer.apply([late]);
    expect(replayer.missingSequenceIDs()).toEqual([]);
    expect(replayer.finalSnapshot()).toEqual(expected);
    expect(replayer.size).toBe(journal.entries.length);
    expect(replayer.appliedCount).toBe(journal.entries.length);
  });

  it("replaying a whole journal refuses one with holes, naming them", () => {
    const { start, journal } = bigJournal();
    expectError(() => replay(start, journal.entries.filter((entry) => entry.sequenceID !== 2 && entry.sequenceID !== 9)), "InvalidArgument", /journal entries 2, 9 have not arrived/);
  });

  it("a repeated entry with the same content is ignored (a retried batch), whatever its key order", () => {
    const { start, journal } = bigJournal();
    const expected = replay(start, journal);
    const replayer = new JournalReplayer(start, OPTIONS);
    replayer.apply(journal.entries);
    replayer.snapshot();
    const reordered = journal.entries.map((entry) => Object.fromEntries(Object.entries(structuredClone(entry)).reverse()) as JournalEntry);
    replayer.apply(reordered);
    replayer.apply(journal.entries.slice(3, 9));
    expect(replayer.snapshot()).toEqual(expected);
  });

  it("a repeated sequence ID with different content is refused, and the batch holding it is not applied", () => {
    const journal = new Journal();
    journal.secrets();
    const op = journal.step("creating", { state: resource("a") }, resource("a"));
    const replayer = new JournalReplayer(undefined, OPTIONS);
    replayer.apply(journal.entries);
    const conflicting = { ...(journal.entries[2] as JournalEntry), state: resource("a", { id: "other" }) };
    const fresh = { version: 1, kind: K.begin, sequenceID: 4, operationID: op + 1 } as JournalEntry;
    expectError(() => replayer.apply([fresh, conflicting]), "Conflict", /journal entry 3 was already received with different content/);
    expect(replayer.size).toBe(3);
    expect(urns(replayer.snapshot())).toEqual([urn("a")]);
    // Two different entries with one sequence ID in one batch, too.
    expectError(() => new JournalReplayer(undefined).apply([fresh, { ...fresh, operationID: 99 }]), "Conflict", /journal entry 4/);
  });

  it("neither the base nor the entries passed in are modified, and the result shares nothing with the replayer", () => {
    const { start, journal } = bigJournal();
    journal.step("creating", { deleteOld: 3, state: resource("old1", { id: "x" }) }, resource("old1"));
    const created = journal.step("creating", { state: resource("n", { aliases: [urn("n-old")] }) }, resource("n"));
    journal.step("deleting", { pendingReplacementNew: created }, resource("n"));
    const other = journal.step("creating", { state: resource("m") }, resource("m"));
    journal.step("creating", { deleteNew: other, state: resource("m", { id: "m2" }) }, resource("m"));
    const frozenStart = deepFreeze(structuredClone(start));
    const frozenEntries = deepFreeze(structuredClone(journal.entries));
    const replayer = new JournalReplayer(frozenStart, OPTIONS);
    replayer.apply(frozenEntries);
    const first = replayer.snapshot();
    (first.deployment as { resources: Resource[] }).resources[0]!.urn = "tampered";
    expect(replayer.snapshot()).toEqual(replay(start, journal));
  });
});

describe("replay refuses a journal it cannot follow", () => {
  it("an entry that addresses an operation that produced nothing", () => {
    const journal = new Journal();
    journal.secrets();
    journal.step("deleting", { removeNew: 42 }, resource("a"));
    expectError(() => replay(undefined, journal), "InvalidArgument", /journal entry 3 \(success, operation 1\): removeNew refers to operation 42, which has produced no resource/);
  });

  it("an entry that addresses a base resource the base does not have (a journal recorded against another base)", () => {
    const journal = new Journal();
    journal.secrets();
    journal.step("deleting", { removeOld: 3 }, resource("a"));
    expectError(() => replay(base([resource("a")]), journal), "InvalidArgument", /removeOld refers to base resource 3, but the base deployment has 1 resources/);
  });

  it("a refused entry stays held and changes nothing: the snapshot before it is intact", () => {
    const journal = new Journal();
    journal.secrets();
    journal.step("creating", { state: resource("a") }, resource("a"));
    const replayer = new JournalReplayer(undefined, OPTIONS);
    replayer.apply(journal.entries);
    const before = replayer.snapshot();
    replayer.apply([{ version: 1, kind: K.success, sequenceID: 4, operationID: 2, deleteNew: 7, state: resource("b") } as JournalEntry]);
    expectError(() => replayer.snapshot(), "InvalidArgument", /deleteNew refers to operation 7/);
    expectError(() => replayer.snapshot(), "InvalidArgument", /deleteNew refers to operation 7/);
    expect(urns(before)).toEqual([urn("a")]);
  });
});

describe("parseJournalEntries", () => {
  const ok = { version: 1, kind: 1, sequenceID: 3, operationID: 2, removeOld: null, removeNew: 1, state: { urn: urn("a"), type: "random:index:RandomPet", custom: true } };

  it("returns the entries of a valid body; an absent list is an empty batch", () => {
    expect(parseJournalEntries({ entries: [ok] })).toEqual([ok]);
    expect(parseJournalEntries({})).toEqual([]);
  });

  const cases: [string, unknown, RegExp][] = [
    ["a body that is not an object", [ok], /must be a JSON object with an "entries" array/],
    ["entries that are not an array", { entries: { 0: ok } }, /"entries" must be an array/],
    ["an entry that is not an object", { entries: [ok, 7] }, /entries\[1\] must be an object, got 7/],
    ["a missing sequence ID", { entries: [{ ...ok, sequenceID: undefined }] }, /entries\[0\]\.sequenceID must be a positive integer, got nothing/],
    ["a zero sequence ID", { entries: [{ ...ok, sequenceID: 0 }] }, /sequenceID must be a positive integer, got 0/],
    ["a version newer than supported", { entries: [{ ...ok, version: 2 }] }, /entries\[0\] \(sequenceID 3\) has journal version 2, but cairn-server replays version 1 only/],
    ["a version that is not a number", { entries: [{ ...ok, version: "1" }] }, /\.version must be a positive integer, got "1"/],
    ["an unknown kind", { entries: [{ ...ok, kind: 11 }] }, /\.kind 11 is not a journal entry kind/],
    ["a state-migration entry", { entries: [{ ...ok, kind: 10, version: 1 }] }, /state-migration entry \(kind 10\), which needs journal version 2/],
    ["a negative index", { entries: [{ ...ok, removeOld: -1 }] }, /entries\[0\] \(sequenceID 3\)\.removeOld must be a non-negative integer or null, got -1/],
    ["a fractional operation ID", { entries: [{ ...ok, operationID: 1.5 }] }, /\.operationID must be a non-negative integer/],
    ["a state without a urn", { entries: [{ ...ok, state: { type: "t" } }] }, /\.state\.urn must be a string, got nothing/],
    ["an operation without a type", { entries: [{ ...ok, operation: { resource: ok.state } }] }, /\.operation\.type must be a string/],
    ["a write without a snapshot", { entries: [{ ...ok, kind: K.write }] }, /is a write entry without a newSnapshot/],
    ["a snapshot whose resources are not resources", { entries: [{ ...ok, kind: K.write, newSnapshot: { resources: [{}] } }] }, /\.newSnapshot\.resources\[0\]\.urn must be a string/],
    ["a secrets-manager entry without a provider", { entries: [{ ...ok, kind: K.secretsManager, state: undefined }] }, /is a secrets-manager entry without a secretsProvider/],
    ["an extension entry without a ref", { entries: [{ ...ok, kind: K.extensionParameterize, extension: { name: "x" } }] }, /\.extensionRef must be a string in an extension-parameterize entry/],
    ["a non-boolean isRefresh", { entries: [{ ...ok, isRefresh: "yes" }] }, /\.isRefresh must be a boolean/],
    ["snippets that are not objects", { entries: [{ ...ok, kind: K.snippets, snippets: ["x"] }] }, /\.snippets\[0\] must be an object/],
  ];
  for (const [name, body, message] of cases) {
    it(`refuses ${name}`, () => expectError(() => parseJournalEntries(body), "InvalidArgument", message));
  }

  it("describes objects in messages only by kind (they may hold ciphertext)", () => {
    expectError(() => parseJournalEntries({ entries: [{ ...ok, removeOld: { ciphertext: "s3cr3t" } }] }), "InvalidArgument", /got an object$/);
  });
});
