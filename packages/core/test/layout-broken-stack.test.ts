import { beforeEach, describe, expect, it } from "vitest";
import { isBrokenStackError, type StackRef, type StateBackend } from "../src/index.js";
import { DEV, fixtureDeployment, memorySpace } from "./layout-test-helpers.js";
import { cairnErrorFrom } from "./cairn-error.js";

/** A stack file that is not JSON, holding a would-be secret that no message may quote. */
const SECRET = "hunter2-never-print-me";
const BROKEN = `{"version": 3, "checkpoint": {"stack": "${SECRET}`;
const STACK_KEY = ".pulumi/stacks/countdown/foo.json";
const OTHER: StackRef = { ...DEV, name: "bar" };

describe.each([
  ["with the stack index", true],
  ["without the stack index", false],
])("a broken stack file (%s)", (_label, stackIndex) => {
  let space: ReturnType<typeof memorySpace>;
  let backend: StateBackend;
  beforeEach(async () => {
    space = memorySpace({ stackIndex });
    backend = space.backend();
    await backend.createStack(DEV);
    await backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json")); // `.bak` now holds the created stack
    await backend.createStack(OTHER);
    await backend.listStacks(); // the index (if any) now trusts both entries
    await space.put(STACK_KEY, BROKEN);
  });

  it("is listed as broken with the reason and next step; the other stacks are listed normally", async () => {
    const stacks = await space.backend().listStacks();
    expect(stacks.map((summary) => summary.ref.name).sort()).toEqual(["bar", "foo"]);
    const bar = stacks.find((summary) => summary.ref.name === "bar");
    expect(bar).toMatchObject({ resourceCount: 0 });
    expect(bar?.broken).toBeUndefined();
    const foo = stacks.find((summary) => summary.ref.name === "foo");
    expect(foo?.broken).toMatchObject({ file: STACK_KEY, backup: `${STACK_KEY}.bak` });
    expect(foo?.broken?.reason).toContain("is not valid JSON");
    expect(foo?.broken?.hint).toContain("cairn stack restore --from-backup --stack organization/countdown/foo");
    expect(JSON.stringify(foo)).not.toContain(SECRET);
    expect(await space.backend().getStack(DEV)).toMatchObject({ broken: { file: STACK_KEY } });
  });

  it("other commands fail naming the file, the reason and the restore command, quoting none of its bytes", async () => {
    const error = await cairnErrorFrom(() => space.backend().exportDeployment(DEV));
    expect(isBrokenStackError(error)).toBe(true);
    expect(error.message).toContain(STACK_KEY);
    expect(error.message).toContain("not valid JSON");
    expect(error.hint).toContain("cairn stack restore --from-backup --stack organization/countdown/foo");
    expect(`${error.message}\n${error.hint}`).not.toContain(SECRET);
  });

  it("restoreStackFromBackup puts the .bak back and records it in history; an intact stack is refused", async () => {
    const fresh = space.backend();
    expect(await fresh.restoreStackFromBackup!(DEV)).toEqual({ backup: `${STACK_KEY}.bak` });
    // The state the `.bak` held (the stack as created, before the import), read as Pulumi reads it.
    expect(JSON.parse(await space.text(STACK_KEY))).toMatchObject({ checkpoint: { stack: "organization/countdown/foo" } });
    expect(JSON.parse(await space.text(STACK_KEY)).checkpoint.latest).toBeUndefined();
    expect((await fresh.listHistory(DEV))[0]).toMatchObject({ kind: "import", message: `restored from ${STACK_KEY}.bak` });
    expect((await fresh.listStacks()).every((summary) => summary.broken === undefined)).toBe(true);
    expect((await cairnErrorFrom(() => fresh.restoreStackFromBackup!(DEV))).message).toContain("is intact");
  });

  it("import replaces it only with replaceBroken, and keeps the intact .bak", async () => {
    const bak = await space.text(`${STACK_KEY}.bak`);
    const refused = await cairnErrorFrom(() => space.backend().importDeployment(DEV, fixtureDeployment("checkpoint-v3.json")));
    expect(refused.hint).toContain("--force");
    expect(await space.text(STACK_KEY)).toBe(BROKEN);
    await space.backend().importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"), { replaceBroken: true });
    expect(await space.backend().exportDeployment(DEV)).toEqual(fixtureDeployment("checkpoint-v3.json"));
    expect(await space.text(`${STACK_KEY}.bak`)).toBe(bak);
  });

  it("removeStack needs force, then removes it and keeps the intact .bak; force-unlock works on it", async () => {
    const bak = await space.text(`${STACK_KEY}.bak`);
    expect((await space.backend().inspectJournal!(DEV))).toBeUndefined();
    expect(await space.backend().forceUnlock(DEV)).toEqual([]);
    const refused = await cairnErrorFrom(() => space.backend().removeStack(DEV));
    expect(refused.message).toContain("refusing to remove");
    await space.backend().removeStack(DEV, { force: true });
    expect(await space.backend().getStack(DEV)).toBeUndefined();
    expect(await space.text(`${STACK_KEY}.bak`)).toBe(bak);
    // What `stack rm` left can be put back the same way.
    await space.backend().restoreStackFromBackup!(DEV);
    expect(await space.backend().getStack(DEV)).toMatchObject({ ref: DEV, resourceCount: 0 });
  });
});
