import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  canonicalHash,
  createPassphraseManager,
  createStoreBackend,
  decryptDeploymentSecrets,
  encryptDeploymentSecrets,
  migrateStacks,
  openPassphraseManager,
  type StackRef,
  type StateBackend,
  type UntypedDeployment,
} from "@cairn/core";
import { FileStore } from "@cairn/backend-file";
import { MemoryStore } from "@cairn/backend-memory";

// Migration works for every pair through StateBackend alone; here the pairs that need no server.
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
let spaces = 0;
const open = {
  file: (): StateBackend => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-migrate-"));
    dirs.push(dir);
    return createStoreBackend(new FileStore(dir, pathToFileURL(dir).href), { env: {} });
  },
  memory: (): StateBackend => createStoreBackend(new MemoryStore(`migrate-${process.pid}-${++spaces}`), { env: {} }),
};

const REF: StackRef = { organization: "organization", project: "shop", name: "prod" };
const SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

function deployment(step: number, secret: string): UntypedDeployment {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3" },
      resources: [
        { urn: "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", custom: false, type: "pulumi:pulumi:Stack", outputs: { step, password: { ...SIG, plaintext: JSON.stringify(secret) } } },
      ],
    },
  };
}

describe.each([
  ["file", "file"],
  ["file", "memory"],
  ["memory", "file"],
  ["memory", "memory"],
] as const)("migrate %s → %s", (from, to) => {
  it("copies state and history, verified by hash; secrets open with the same passphrase; the source is unchanged", async () => {
    const source = open[from]();
    const target = open[to]();
    const secrets = await createPassphraseManager("migration passphrase");
    await source.createStack(REF);
    for (const step of [1, 2, 3]) {
      await source.importDeployment(REF, await encryptDeploymentSecrets(deployment(step, `secret-${step}`), secrets), { kind: step === 1 ? "import" : "update" });
    }
    const before = canonicalHash(await source.exportDeployment(REF)).hash;
    const sourceHistory = await source.listHistory(REF);

    const summary = await migrateStacks(source, target, [REF], { includeHistory: true });
    expect(summary.failures).toEqual([]);
    expect(summary.results).toMatchObject([{ outcome: "migrated", hash: before, historyCopied: 3 }]);

    expect(canonicalHash(await target.exportDeployment(REF)).hash).toBe(before);
    expect((await target.listHistory(REF)).map(({ kind, startTime, endTime, result }) => ({ kind, startTime, endTime, result }))).toEqual(
      sourceHistory.map(({ kind, startTime, endTime, result }) => ({ kind, startTime, endTime, result })),
    );
    for (const version of [1, 2, 3]) {
      expect(canonicalHash(await target.exportDeployment(REF, { version })).hash).toBe(canonicalHash(await source.exportDeployment(REF, { version })).hash);
    }
    const migrated = await target.exportDeployment(REF);
    const reopened = await openPassphraseManager((migrated.deployment as { secrets_providers: { state: { salt: string } } }).secrets_providers.state.salt, "migration passphrase");
    const shown = await decryptDeploymentSecrets(migrated, reopened);
    expect(JSON.stringify(shown)).toContain(JSON.stringify(JSON.stringify("secret-3")).slice(1, -1));

    expect(canonicalHash(await source.exportDeployment(REF)).hash).toBe(before);
    expect(await source.listHistory(REF)).toEqual(sourceHistory);

    const again = await migrateStacks(source, target, [REF], { includeHistory: true });
    expect(again.results[0]?.outcome).toBe("identical");
  });
});
