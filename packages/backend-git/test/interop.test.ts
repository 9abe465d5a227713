import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createStoreBackend, isCairnError } from "@cairn/core";
import { freshRepo, openStore, removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);

const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "Hand", GIT_AUTHOR_EMAIL: "hand@example.invalid", GIT_COMMITTER_NAME: "Hand", GIT_COMMITTER_EMAIL: "hand@example.invalid" } });
const backendOptions = { env: {}, username: "interop", hostname: "git-test", pid: process.pid };
const ref = { organization: "organization", project: "demo", name: "dev" };

describe("interop with the real git CLI", () => {
  it("cairn's writes are one commit each, at the layout's paths, in a plain git clone", async () => {
    const repo = freshRepo();
    const store = await openStore(repo.fileUrl);
    const v1 = await store.put(".pulumi/stacks/demo/dev.json", new TextEncoder().encode('{"a":1}'));
    await store.put(".pulumi/stacks/demo/dev.json", new TextEncoder().encode('{"a":1}'), { ifMatch: v1 }); // identical bytes: still a commit
    await store.put("notes/x.txt", new TextEncoder().encode("x"));
    await store.delete("notes/x.txt");
    await store.delete("notes/never-there.txt"); // no commit

    const clone = join(tempDir("clone"), "c");
    git("clone", "--quiet", repo.path, clone);
    expect(readFileSync(join(clone, ".pulumi/stacks/demo/dev.json"), "utf8")).toBe('{"a":1}');
    expect(git("-C", clone, "log", "--format=%s|%an").trim().split("\n")).toEqual([
      "cairn: delete notes/x.txt|Cairn Test",
      "cairn: update notes/x.txt|Cairn Test",
      "cairn: update organization/demo/dev|Cairn Test",
      "cairn: update organization/demo/dev|Cairn Test",
    ]);
  });

  it("reads a stack file edited and pushed by hand, and shows the git log as stack history", async () => {
    const repo = freshRepo();
    const backend = createStoreBackend(await openStore(repo.httpUrl), backendOptions);
    await backend.createStack(ref);
    const before = await backend.exportDeployment(ref);

    const clone = join(tempDir("clone"), "c");
    git("clone", "--quiet", repo.path, clone);
    const file = join(clone, ".pulumi/stacks/demo/dev.json");
    const checkpoint = JSON.parse(readFileSync(file, "utf8")) as { version: number; checkpoint: { latest?: unknown } };
    checkpoint.version = 3; // a created stack is written as version 0 (no deployment yet)
    checkpoint.checkpoint.latest = { manifest: { time: "2024-01-01T00:00:00Z", magic: "", version: "v3.0.0" }, resources: [{ urn: "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev", custom: false, type: "pulumi:pulumi:Stack" }] };
    writeFileSync(file, JSON.stringify(checkpoint, null, 4));
    git("-C", clone, "commit", "--quiet", "-am", "hand edit");
    git("-C", clone, "push", "--quiet", "origin", "HEAD:main");

    const after = await backend.exportDeployment(ref);
    expect(after).not.toEqual(before);
    expect((after.deployment as { resources: Array<{ urn: string }> }).resources[0]!.urn).toBe("urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev");
    const history = await backend.listHistory(ref);
    expect(history.map((record) => record.message)).toEqual(["hand edit", "cairn: update organization/demo/dev"]);
    expect(history[0]).toMatchObject({ author: "Hand <hand@example.invalid>", version: 2 });
    await backend.close();
  });
});

describe("racing writers from separate clones", () => {
  it("8 conditional creates of one key over HTTP: exactly one wins, the rest get Conflict", async () => {
    const repo = freshRepo();
    const stores = await Promise.all(Array.from({ length: 8 }, () => openStore(repo.httpUrl)));
    await Promise.all(stores.map((store) => store.get("warm-up"))); // every clone is at the same tip
    const outcomes = await Promise.allSettled(stores.map((store, i) => store.put(".pulumi/locks/x/cairn.json", new TextEncoder().encode(`writer ${i}`), { ifNoneMatch: "*" })));
    const winners = outcomes.flatMap((outcome, i) => (outcome.status === "fulfilled" ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === "rejected") expect(isCairnError(outcome.reason, "Conflict")).toBe(true);
    const stored = await stores[0]!.get(".pulumi/locks/x/cairn.json");
    expect(new TextDecoder().decode(stored!.bytes)).toBe(`writer ${winners[0]}`);
    expect(git("--git-dir", repo.path, "rev-list", "--count", "main").trim()).toBe("1");
  });

  it("8 unconditional writers of different keys all land, each as its own commit", async () => {
    const repo = freshRepo();
    const stores = await Promise.all(Array.from({ length: 8 }, () => openStore(repo.fileUrl)));
    await Promise.all(stores.map((store, i) => store.put(`k/${i}`, new TextEncoder().encode(String(i)))));
    expect((await stores[0]!.list("k/")).objects.map((object) => object.key)).toEqual(["k/0", "k/1", "k/2", "k/3", "k/4", "k/5", "k/6", "k/7"]);
    expect(git("--git-dir", repo.path, "rev-list", "--count", "main").trim()).toBe("8");
  });
});

describe("errors from the real server", () => {
  it("wrong credentials: Unauthenticated with a hint, and the token is not in the message", async () => {
    const store = await openStore(freshRepo().httpUrl, { env: { GIT_TOKEN: "tester:wrong-token-value" } });
    const error = await store.get("x").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "Unauthenticated", hint: expect.stringContaining("GIT_TOKEN") });
    expect(String((error as Error).message)).not.toContain("wrong-token-value");
  });

  it("no credentials: Unauthenticated; a stored user:token is used when no variable is set", async () => {
    const url = freshRepo().httpUrl;
    const none = await openStore(url, { env: { GIT_TOKEN: undefined } });
    await expect(none.get("x")).rejects.toMatchObject({ code: "Unauthenticated" });
    const stored = await openStore(url, { env: { GIT_TOKEN: undefined }, storedCredential: "tester:s3cret" });
    expect(await stored.get("x")).toBeUndefined();
  });

  it("a missing repository: NotFound with a hint, over HTTP and on disk", async () => {
    const repo = freshRepo();
    await expect((await openStore(repo.httpUrl.replace(".git", "-missing.git"))).get("x")).rejects.toMatchObject({ code: "NotFound", hint: expect.stringContaining("repository") });
    await expect((await openStore(repo.fileUrl.replace(".git", "-missing.git"))).get("x")).rejects.toMatchObject({ code: "NotFound", hint: expect.stringContaining("git init --bare") });
  });

  it("a stale version after an identical-bytes rewrite by another clone is a Conflict", async () => {
    const repo = freshRepo();
    const [a, b] = [await openStore(repo.fileUrl), await openStore(repo.fileUrl)];
    const version = await a.put("state", new TextEncoder().encode("same"));
    await b.put("state", new TextEncoder().encode("same"));
    await expect(a.put("state", new TextEncoder().encode("lost"), { ifMatch: version })).rejects.toMatchObject({ code: "Conflict" });
  });
});
