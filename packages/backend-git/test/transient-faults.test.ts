import { execFileSync } from "node:child_process";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { isCairnError } from "@cairn/core";
import { startFaultProxy, type FaultCandidate, type FaultKind, type FaultProxy } from "@cairn/test-servers/fault-proxy";
import { classifyGitError } from "../src/git-errors.js";
import { freshRepo, openStore, removeTempDirs } from "./helpers.js";

afterAll(removeTempDirs);

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

/** Which git request a request is: the ref discovery of a fetch or a push, a pack download, a push. */
const isDiscovery = (service: string) => (request: FaultCandidate) => request.method === "GET" && request.path.includes(`/info/refs?service=${service}`);
const isUploadPack = (request: FaultCandidate) => request.method === "POST" && request.path.endsWith("/git-upload-pack");
const isReceivePack = (request: FaultCandidate) => request.method === "POST" && request.path.endsWith("/git-receive-pack");

const proxies: FaultProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

/**
 * The fault proxy in front of the real git http server, striking only the requests `match` picks:
 * after `skip` of them pass, the next `count` get `kind`; everything else passes untouched.
 */
async function aimedProxy(kind: FaultKind, match: (request: FaultCandidate) => boolean, options: { skip?: number; count?: number; statuses?: number[]; seed?: number } = {}) {
  let seen = 0;
  const count = options.count ?? 1;
  const skip = options.skip ?? 0;
  const proxy = await startFaultProxy({
    target: new URL(inject("gitHttpBase")).origin,
    seed: options.seed ?? 7,
    faults: { [kind]: 1 },
    ...(options.statuses === undefined ? {} : { statuses: options.statuses }),
    filter: (request) => {
      if (!match(request)) return false;
      seen++;
      return seen > skip && seen <= skip + count;
    },
  });
  proxies.push(proxy);
  return proxy;
}

/** A repository with `key` written directly (no proxy), and a store on it through `proxy` with a cache of its own. */
async function seeded(proxy: FaultProxy, key: string, value: string) {
  const repo = freshRepo();
  const direct = await openStore(repo.httpUrl);
  const version = await direct.put(key, bytes(value));
  const through = await openStore(repo.httpUrl.replace(new URL(inject("gitHttpBase")).host, proxy.host));
  return { repo, direct, version, through };
}

const commitsOn = (path: string) => Number(execFileSync("git", ["--git-dir", path, "rev-list", "--count", "main"], { encoding: "utf8" }).trim());

describe("GitStore over git+http:// through a fault proxy aimed at chosen requests", () => {
  // isomorphic-git's pkt-line reader swallows a read error, so a ref advertisement cut short used
  // to read as a repository without the branch: the key "did not exist", and a compare-and-swap
  // on it was a false Conflict (the 1 false conflict of the git/truncate fault cell).
  it("a cut-short ref advertisement is retried, not read as a missing branch", async () => {
    // Four in a row (the 401 challenges and the advertisements); seed 2 cuts them past the
    // service line and before the branch's line (a client without the fix reads no branch).
    const proxy = await aimedProxy("truncate", isDiscovery("git-upload-pack"), { count: 4, seed: 2 });
    const { through } = await seeded(proxy, "k", "v1");
    const found = await through.get("k");
    expect(proxy.stats().faults.truncate).toBe(4);
    expect(found === undefined ? undefined : text(found.bytes)).toBe("v1");
  }, 60_000);

  it("a compare-and-swap whose fetch meets a cut-short advertisement succeeds (no false Conflict)", async () => {
    const proxy = await aimedProxy("truncate", isDiscovery("git-upload-pack"), { count: 4, seed: 8 });
    const { through, version, repo } = await seeded(proxy, "k", "v1");
    const before = commitsOn(repo.path);
    await through.put("k", bytes("v2"), { ifMatch: version });
    expect(proxy.stats().faults.truncate).toBe(4);
    expect(commitsOn(repo.path)).toBe(before + 1);
  }, 60_000);

  it("reads retry 500/503/429 and resets on the discovery and on the pack download", async () => {
    const status = await aimedProxy("status", (request) => isDiscovery("git-upload-pack")(request) || isUploadPack(request), { count: 4 });
    const first = await seeded(status, "k", "v1");
    expect(text((await first.through.get("k"))!.bytes)).toBe("v1");
    expect(status.stats().faults.status).toBe(4);

    const reset = await aimedProxy("reset", isUploadPack, { count: 2 });
    const second = await seeded(reset, "k", "v2");
    expect(text((await second.through.get("k"))!.bytes)).toBe("v2");
    expect(reset.stats().faults.reset).toBe(2);
  }, 60_000);

  it("a push refused with 429 (never processed) is sent again and lands once", async () => {
    const proxy = await aimedProxy("status", isReceivePack, { count: 2, statuses: [429] });
    const { through, repo } = await seeded(proxy, "a", "v1");
    const before = commitsOn(repo.path);
    await through.put("b", bytes("v2"), { ifNoneMatch: "*" });
    expect(proxy.stats().faults.status).toBe(2);
    expect(commitsOn(repo.path)).toBe(before + 1);
  }, 60_000);

  it("a push answered 500/503 without landing is decided by its commit id and tried again", async () => {
    const proxy = await aimedProxy("status", isReceivePack, { count: 2, statuses: [500, 503] });
    const { through, repo } = await seeded(proxy, "a", "v1");
    const before = commitsOn(repo.path);
    await through.put("b", bytes("v2"), { ifNoneMatch: "*" });
    expect(proxy.stats().faults.status).toBe(2);
    expect(commitsOn(repo.path)).toBe(before + 1);
  }, 60_000);

  it("a push whose discovery fails is retried (it surely did not land)", async () => {
    const proxy = await aimedProxy("reset", isDiscovery("git-receive-pack"), { count: 3 });
    const { through, repo } = await seeded(proxy, "a", "v1");
    const before = commitsOn(repo.path);
    await through.put("b", bytes("v2"), { ifNoneMatch: "*" });
    expect(proxy.stats().faults.reset).toBe(3);
    expect(commitsOn(repo.path)).toBe(before + 1);
  }, 60_000);

  it("a push whose answer is cut short (it landed) succeeds, once", async () => {
    const proxy = await aimedProxy("truncate", isReceivePack, { count: 1, seed: 3 });
    const { through, repo } = await seeded(proxy, "a", "v1");
    const before = commitsOn(repo.path);
    await through.put("b", bytes("v2"), { ifNoneMatch: "*" });
    expect(proxy.stats().faults.truncate).toBe(1);
    expect(commitsOn(repo.path)).toBe(before + 1);
  }, 60_000);

  it("history reads retry a failing pack download", async () => {
    const proxy = await aimedProxy("status", isUploadPack, { count: 3, statuses: [503] });
    const { through, direct } = await seeded(proxy, "k", "v1");
    await direct.put("k", bytes("v2"));
    const entries = await through.history("k");
    expect(entries).toHaveLength(2);
    expect(proxy.stats().faults.status).toBe(3);
  }, 60_000);

  it("a server that keeps failing is reported Unavailable (retryable) after bounded tries", async () => {
    const proxy = await aimedProxy("status", isUploadPack, { count: 1000, statuses: [503] });
    const { through } = await seeded(proxy, "k", "v1");
    const error = await through.get("k").then(() => undefined, (caught: unknown) => caught);
    expect(isCairnError(error, "Unavailable")).toBe(true);
    expect((error as { retryable?: boolean }).retryable).toBe(true);
    expect(proxy.stats().faults.status).toBe(6);
  }, 60_000);

  it("a push that keeps failing says whether it may have landed: 429 surely not, 503 perhaps", async () => {
    const throttled = await aimedProxy("status", isReceivePack, { count: 1000, statuses: [429] });
    const first = await seeded(throttled, "a", "v1");
    const refused = await first.through.put("b", bytes("v2"), { ifNoneMatch: "*" }).then(() => undefined, (caught: unknown) => caught);
    expect(isCairnError(refused, "RateLimited")).toBe(true);
    expect((refused as { ambiguous?: boolean }).ambiguous).toBe(false);
    expect(throttled.stats().faults.status).toBe(6);

    const failing = await aimedProxy("status", isReceivePack, { count: 1000, statuses: [503] });
    const second = await seeded(failing, "a", "v1");
    const unknown = await second.through.put("b", bytes("v2"), { ifNoneMatch: "*" }).then(() => undefined, (caught: unknown) => caught);
    expect(isCairnError(unknown, "Unavailable")).toBe(true);
    expect((unknown as { ambiguous?: boolean }).ambiguous).toBe(true);
    expect(commitsOn(second.repo.path)).toBe(1);
  }, 60_000);
});

describe("classifyGitError: HTTP statuses", () => {
  it("gives meaning to 401, 403, 404 and 429 only; other 4xx stay Internal (a push may have landed), every 5xx is Unavailable", () => {
    const answered = (statusCode: number) => classifyGitError(Object.assign(new Error(`HTTP ${statusCode}`), { code: "HttpError", data: { statusCode } }));
    const codes = [401, 403, 404, 429, 400, 409, 412, 408, 500, 501, 504].map((status) => [status, answered(status)]);
    expect(codes).toEqual([
      [401, "Unauthenticated"],
      [403, "PermissionDenied"],
      [404, "NotFound"],
      [429, "RateLimited"],
      [400, "Internal"],
      [409, "Internal"],
      [412, "Internal"],
      [408, "Internal"],
      [500, "Unavailable"],
      [501, "Unavailable"],
      [504, "Unavailable"],
    ]);
  });
});

describe("classifyGitError: answers that are not whole git answers", () => {
  it("are Unavailable (retryable, and for a push its outcome unknown), not Internal", () => {
    for (const code of ["EmptyServerResponseError", "ParseError", "SmartHttpError", "ECONNRESET", "ERR_STREAM_PREMATURE_CLOSE", "HPE_INVALID_CONSTANT"]) {
      expect([code, classifyGitError(Object.assign(new Error(code), { code }))]).toEqual([code, "Unavailable"]);
    }
  });
});
