import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, FIXTURES, snapshotFiles, type Sandbox } from "./helpers.js";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const PASSPHRASE = "correct horse battery staple";

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox("countdown");
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
  expect(sandbox.run(["stack", "init", "foo"]).status).toBe(0);
});
afterEach(() => sandbox.dispose());

/**
 * What `pulumi stack export --show-secrets` printed for Pulumi's secrets fixture (real Pulumi
 * output, see the fixtures' README): every secret as `plaintext`, the JSON encoding of its value.
 * Its `secrets_providers` is dropped, so an import seals the secrets with this stack's provider.
 * Returns the plaintexts too.
 */
function plaintextDeployment(): { deployment: Record<string, unknown>; plaintexts: string[] } {
  const shown = JSON.parse(readFileSync(join(FIXTURES, "export-secrets-shown.json"), "utf8"));
  delete shown.deployment.secrets_providers;
  const plaintexts = secretsOf(shown).map((secret) => secret.plaintext!);
  expect(plaintexts.length).toBeGreaterThan(0);
  for (const plaintext of plaintexts) expect(typeof plaintext).toBe("string");
  return { deployment: shown, plaintexts };
}

/** A secret as it would read in JSON text: as is, and as Go's encoder escapes `<`, `>` and `&`. */
const leakForms = (secret: string): string[] => [
  secret,
  JSON.stringify(secret).slice(1, -1).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026"),
];

/**
 * Secret string values that appear nowhere else in the deployment (the fixture also holds some of
 * them as ordinary outputs), long enough that finding one in output cannot be a coincidence.
 */
function distinctivePlaintexts(plaintexts: string[]): string[] {
  const withoutSecrets = JSON.stringify(plaintextDeployment().deployment, (_key, value) =>
    typeof value === "object" && value !== null && value[SIG_KEY] === SIG_VALUE ? null : value,
  );
  return [...new Set(plaintexts.map((p) => JSON.parse(p)))].filter(
    (v): v is string => typeof v === "string" && v.length >= 6 && !withoutSecrets.includes(v),
  );
}

const snapshotState = () => snapshotFiles(sandbox.state);

function importPlaintext(): string[] {
  const { deployment, plaintexts } = plaintextDeployment();
  const file = join(sandbox.root, "plain.json");
  writeFileSync(file, JSON.stringify(deployment));
  const result = sandbox.run(["stack", "import", "--force", "--file", file]);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return plaintexts;
}

const secretsOf = (exported: unknown): Array<Record<string, string>> => {
  const found: Array<Record<string, string>> = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== "object" || value === null) return;
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SIG_VALUE) found.push(record as Record<string, string>);
    else Object.values(record).forEach(walk);
  };
  walk(exported);
  return found;
};

describe("secrets on the file backend", () => {
  it("stack init writes the passphrase salt to Pulumi.<stack>.yaml and the deployment", () => {
    const config = readFileSync(join(sandbox.project, "Pulumi.foo.yaml"), "utf8");
    const salt = /^encryptionsalt: (v1:\S+)$/m.exec(config)?.[1];
    expect(salt).toMatch(/^v1:[A-Za-z0-9+/=]+:v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    const exported = JSON.parse(sandbox.run(["stack", "export"]).stdout);
    expect(exported.deployment.secrets_providers).toEqual({ type: "passphrase", state: { salt } });
  });

  it("import encrypts plaintext secrets; export shows them only with --show-secrets", () => {
    const plaintexts = importPlaintext();
    const distinctive = distinctivePlaintexts(plaintexts);
    expect(distinctive.length).toBeGreaterThan(0);

    // On disk and in a plain export: ciphertext only, no plaintext anywhere in the bytes.
    const stateFile = readFileSync(join(sandbox.state, ".pulumi/stacks/countdown/foo.json"), "utf8");
    const plainExport = sandbox.run(["stack", "export"]);
    expect(plainExport.status).toBe(0);
    for (const secret of distinctive.flatMap(leakForms)) {
      expect(stateFile).not.toContain(secret);
      expect(plainExport.stdout).not.toContain(secret);
    }
    const sealed = secretsOf(JSON.parse(plainExport.stdout));
    expect(sealed).toHaveLength(plaintexts.length);
    for (const secret of sealed) expect(secret.ciphertext).toMatch(/^v1:/);

    const shown = sandbox.run(["stack", "export", "--show-secrets"]);
    expect(shown.status).toBe(0);
    expect(secretsOf(JSON.parse(shown.stdout)).map((s) => s.plaintext)).toEqual(plaintexts);
  });

  it("a wrong passphrase is an error that leaks nothing, and changes nothing", () => {
    const plaintexts = importPlaintext();
    const before = snapshotState();
    const { deployment } = plaintextDeployment();
    const file = join(sandbox.root, "plain.json");
    writeFileSync(file, JSON.stringify(deployment));
    for (const args of [["stack", "export", "--show-secrets"], ["stack", "import", "--force", "--file", file]]) {
      const result = sandbox.run(args, { env: { PULUMI_CONFIG_PASSPHRASE: "wrong passphrase" } });
      expect(result.status).toBe(7);
      expect(result.stderr).toContain("incorrect passphrase");
      for (const secret of distinctivePlaintexts(plaintexts).flatMap(leakForms)) expect(result.stdout + result.stderr).not.toContain(secret);
      expect(result.stderr).not.toContain("wrong passphrase");
    }
    expect(snapshotState()).toEqual(before);
  });

  it("a missing passphrase with --non-interactive names both variables and changes nothing", () => {
    importPlaintext();
    const before = snapshotState();
    // Unset, not empty: an empty PULUMI_CONFIG_PASSPHRASE is itself a passphrase (Pulumi's rule).
    const noPassphrase = { PULUMI_CONFIG_PASSPHRASE: undefined };
    const exported = sandbox.run(["stack", "export", "--show-secrets", "--non-interactive"], { env: noPassphrase });
    expect(exported.status).toBe(2);
    expect(exported.stderr).toContain("PULUMI_CONFIG_PASSPHRASE_FILE");
    const unset = sandbox.run(["stack", "init", "bar", "--non-interactive"], { env: noPassphrase });
    expect(unset.status).toBe(2);
    expect(unset.stderr).toContain("PULUMI_CONFIG_PASSPHRASE");
    expect(unset.stderr).toContain("PULUMI_CONFIG_PASSPHRASE_FILE");
    expect(existsSync(join(sandbox.state, ".pulumi/stacks/countdown/bar.json"))).toBe(false);
    expect(snapshotState()).toEqual(before);
  });

  it.each([
    ["a corrupted ciphertext", (ciphertext: string) => `${ciphertext.slice(0, -8)}AAAAAAA=`],
    ["a garbage ciphertext", () => "garbage"],
  ])("import refuses %s, naming the secret's path and resource, and changes nothing", (_what, corrupt) => {
    importPlaintext();
    const exported = JSON.parse(sandbox.run(["stack", "export"]).stdout);
    const victim = secretsOf(exported)[0]!;
    victim.ciphertext = corrupt(String(victim.ciphertext));
    const file = join(sandbox.root, "corrupt.json");
    writeFileSync(file, JSON.stringify(exported));
    const before = snapshotState();
    const result = sandbox.run(["stack", "import", "--force", "--file", file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/error: invalid deployment: could not decrypt the secret at deployment\.resources\[\d+\]\.\S+ \(resource urn:pulumi:foo::countdown::/);
    expect(snapshotState()).toEqual(before);
    // What was there still exports with its secrets.
    expect(sandbox.run(["stack", "export", "--show-secrets"]).status).toBe(0);
  });

  it("change-secrets-provider re-encrypts under a new passphrase; the old one stops working", () => {
    const plaintexts = importPlaintext();
    const newPassphraseFile = join(sandbox.root, "new-passphrase");
    writeFileSync(newPassphraseFile, "a brand new passphrase\n");
    const oldSalt = readFileSync(join(sandbox.project, "Pulumi.foo.yaml"), "utf8");
    const changed = sandbox.run(["stack", "change-secrets-provider", "passphrase", "--new-passphrase-file", newPassphraseFile]);
    expect(changed.stderr).toBe("");
    expect(changed.status).toBe(0);
    expect(readFileSync(join(sandbox.project, "Pulumi.foo.yaml"), "utf8")).not.toEqual(oldSalt);

    const withOld = sandbox.run(["stack", "export", "--show-secrets"], { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
    expect(withOld.status).toBe(7);
    const withNew = sandbox.run(["stack", "export", "--show-secrets"], { env: { PULUMI_CONFIG_PASSPHRASE: "a brand new passphrase" } });
    expect(withNew.status).toBe(0);
    expect(secretsOf(JSON.parse(withNew.stdout)).map((s) => s.plaintext)).toEqual(plaintexts);
  });
});
