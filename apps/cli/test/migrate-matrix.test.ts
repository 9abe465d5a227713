import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  canonicalHash,
  createPassphraseManager,
  decryptDeploymentSecrets,
  encryptDeploymentSecrets,
  migrateStacks,
  openBackend,
  openPassphraseManager,
  type StackRef,
  type StateBackend,
  type UntypedDeployment,
} from "@cairn/core";
import { startS3Server, type S3TestServer } from "@cairn/test-servers/s3";
import { startAzurite, type AzuriteServer } from "@cairn/test-servers/azurite";
import { startGcsServer, type RunningGcsServer } from "@cairn/test-servers/gcs";
import { createBareRepo, startGitHttpServer, type RunningGitHttpServer } from "@cairn/test-servers/git-http";
import { spawnServer, type SpawnedServer } from "@cairn/server/testing";

/**
 * Migration through `StateBackend` alone, between the file backend and every other backend, in both
 * directions, each against its real server: history kept in order, secrets still open with the same
 * passphrase, the hash verified, the source untouched. Backends are opened by URL through the
 * plugin registry, exactly as the CLI opens them.
 */
process.env.METADATA_SERVER_DETECTION = "none";
const CLI_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const root = mkdtempSync(join(tmpdir(), "cairn-migrate-matrix-"));
const PASSPHRASE = "matrix passphrase";
const SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

let s3: S3TestServer;
let azurite: AzuriteServer;
let gcs: RunningGcsServer;
let git: RunningGitHttpServer;
let service: SpawnedServer;
const gitRoot = join(root, "repos");

beforeAll(async () => {
  [s3, azurite, gcs, git, service] = await Promise.all([
    startS3Server({ buckets: ["matrix"] }),
    startAzurite({ containers: ["matrix"] }),
    startGcsServer({ buckets: ["matrix"] }),
    startGitHttpServer({ root: gitRoot, users: { tester: "s3cret" } }),
    spawnServer({ data: pathToFileURL(join(root, "service-data")).href, home: join(root, "service-home") }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([s3?.stop(), azurite?.stop(), gcs?.close(), git?.close(), service?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

let counter = 0;
/** A fresh, empty location on each backend, with the credentials a user would set. */
const targets: Record<string, () => { url: string; env: Record<string, string> }> = {
  file: () => ({ url: pathToFileURL(join(root, `file-${++counter}`)).href, env: {} }),
  s3: () => ({
    url: `s3://matrix/p${++counter}?endpoint=${encodeURIComponent(s3.endpoint.replace(/^http:\/\//, ""))}&disable_https=true&use_path_style=true`,
    env: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region },
  }),
  azblob: () => ({ url: `azblob://matrix/p${++counter}`, env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString } }),
  gs: () => ({ url: `gs://matrix/p${++counter}?endpoint=${encodeURIComponent(gcs.endpoint)}`, env: {} }),
  git: () => {
    const name = `matrix-${++counter}`;
    createBareRepo(gitRoot, name);
    return { url: `git+${git.baseUrl}/${name}.git`, env: { GIT_TOKEN: "tester:s3cret", GIT_AUTHOR_NAME: "Matrix", GIT_AUTHOR_EMAIL: "matrix@cairn.invalid" } };
  },
  service: () => ({ url: service.url, env: { PULUMI_ACCESS_TOKEN: service.adminToken } }),
};

async function open(target: { url: string; env: Record<string, string> }): Promise<StateBackend> {
  const home = join(root, `home-${++counter}`);
  const { backend } = await openBackend(target.url, { env: { ...target.env, HOME: home }, cwd: root, home, cliDir: CLI_DIR });
  await backend.verify();
  return backend;
}

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
  const source = await open(targets.file!());
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

    const middle = await open(targets[name]!());
    const there = await migrateStacks(source, middle, [ref], { includeHistory: true });
    expect(there.failures).toEqual([]);
    expect(there.results).toMatchObject([{ outcome: "migrated", hash: original }]);
    expect(canonicalHash(await middle.exportDeployment(ref)).hash).toBe(original);
    expect(await secretOf(middle, ref)).toBe("secret-3");
    const middleHistory = await middle.listHistory(ref);
    expect(middleHistory.length).toBeGreaterThanOrEqual(3);

    const back = await open(targets.file!());
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
  let current = await open(targets.s3!());
  expect((await migrateStacks(source, current, [ref], { includeHistory: true })).results[0]?.hash).toBe(original);
  for (const name of ["azblob", "gs", "git", "service", "s3"]) {
    const next = await open(targets[name]!());
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
