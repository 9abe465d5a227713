import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  canonicalHash,
  createPassphraseManager,
  decryptDeploymentSecrets,
  encryptDeploymentSecrets,
  migrateStacks,
  openPassphraseManager,
  type StackRef,
  type StateBackend,
  type UntypedDeployment,
} from "@cairn/core";
import { startBackendTargets, type BackendTargets, type TargetName } from "./backend-targets.js";

/**
 * Migration through `StateBackend` alone, between the file backend and every other backend, in both
 * directions, each against its real server: history kept in order, secrets still open with the same
 * passphrase, the hash verified, the source untouched. Backends are opened by URL through the
 * plugin registry, exactly as the CLI opens them.
 */
const root = mkdtempSync(join(tmpdir(), "cairn-migrate-matrix-"));
const PASSPHRASE = "matrix passphrase";
const SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

let servers: BackendTargets;

beforeAll(async () => {
  servers = await startBackendTargets(root, "matrix");
}, 120_000);

afterAll(async () => {
  await servers?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** A fresh, empty location on a backend (`startBackendTargets`). */
const target = (name: string) => servers.fresh(name as TargetName);
const open = (location: { url: string; env: Record<string, string> }): Promise<StateBackend> => servers.open(location);

function step(n: number, secret: string): UntypedDeployment {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3" },
      resources: [{ urn: `urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod`, custom: false, type: "pulumi:pulumi:Stack", outputs: { step: n, password: { ...SIG, plaintext: JSON.stringify(secret) } } }],
    },
  };
}

/** A file-backend stack with three updates, the last holding an encrypted secret. */
async function seedSource(ref: StackRef): Promise<StateBackend> {
  const source = await open(target("file"));
  const secrets = await createPassphraseManager(PASSPHRASE);
  await source.createStack(ref);
  for (const n of [1, 2, 3]) await source.importDeployment(ref, await encryptDeploymentSecrets(step(n, `secret-${n}`), secrets), { kind: "update" });
  return source;
}

async function secretOf(backend: StateBackend, ref: StackRef): Promise<string> {
  const exported = await backend.exportDeployment(ref);
  const salt = (exported.deployment as { secrets_providers: { state: { salt: string } } }).secrets_providers.state.salt;
  const shown = await decryptDeploymentSecrets(exported, await openPassphraseManager(salt, PASSPHRASE));
  const outputs = (shown.deployment as { resources: Array<{ outputs: { password: { plaintext: string } } }> }).resources[0]!.outputs;
  return JSON.parse(outputs.password.plaintext) as string;
}

describe.each(["s3", "azblob", "gs", "git", "service"])("migrate file → %s → file", (name) => {
  it("keeps state, history order and secrets; verifies by hash; leaves each source unchanged", async () => {
    const ref: StackRef = { organization: "organization", project: "shop", name: "prod" };
    const source = await seedSource(ref);
    const original = canonicalHash(await source.exportDeployment(ref)).hash;
    const sourceHistory = await source.listHistory(ref);

    const middle = await open(target(name));
    const there = await migrateStacks(source, middle, [ref], { includeHistory: true });
    expect(there.failures).toEqual([]);
    expect(there.results).toMatchObject([{ outcome: "migrated", hash: original }]);
    expect(canonicalHash(await middle.exportDeployment(ref)).hash).toBe(original);
    expect(await secretOf(middle, ref)).toBe("secret-3");
    const middleHistory = await middle.listHistory(ref);
    expect(middleHistory.length).toBeGreaterThanOrEqual(3);

    const back = await open(target("file"));
    const home = await migrateStacks(middle, back, [ref], { includeHistory: name !== "git" });
    expect(home.failures).toEqual([]);
    expect(home.results[0]?.hash).toBe(original);
    expect(await secretOf(back, ref)).toBe("secret-3");

    expect(canonicalHash(await source.exportDeployment(ref)).hash).toBe(original);
    expect(await source.listHistory(ref)).toEqual(sourceHistory);
    expect((await migrateStacks(source, middle, [ref], { includeHistory: true })).results[0]?.outcome).toBe("identical");
    await Promise.all([source.close(), middle.close(), back.close()]);
  }, 180_000);
});

it("migrates around a cycle of real backends, s3 → azblob → gs → git → service → s3, verified at every hop", async () => {
  const ref: StackRef = { organization: "organization", project: "shop", name: "cycle" };
  const source = await seedSource(ref);
  const original = canonicalHash(await source.exportDeployment(ref)).hash;
  let current = await open(target("s3"));
  expect((await migrateStacks(source, current, [ref], { includeHistory: true })).results[0]?.hash).toBe(original);
  for (const name of ["azblob", "gs", "git", "service", "s3"]) {
    const next = await open(target(name));
    // Git keeps history as its own log (one entry per write), which has no per-version checkpoints to replay.
    const summary = await migrateStacks(current, next, [ref], { includeHistory: !current.url.startsWith("git+") });
    expect(summary.failures, `→ ${name}`).toEqual([]);
    expect(summary.results[0]?.hash, `→ ${name}`).toBe(original);
    expect(await secretOf(next, ref), `→ ${name}`).toBe("secret-3");
    await current.close();
    current = next;
  }
  await Promise.all([source.close(), current.close()]);
}, 300_000);
