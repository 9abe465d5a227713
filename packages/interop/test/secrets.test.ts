import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STORE_NAMES } from "./stores.js";
import { worldPerTest, PASSPHRASE } from "./world.js";

const open = worldPerTest();

interface Resource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}
interface Deployment {
  deployment: { secrets_providers?: { type: string; state?: { salt?: string } }; resources?: Resource[] } | null;
}
const stackOutputs = (json: string) => (JSON.parse(json) as Deployment).deployment?.resources?.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const salt = (config: string) => /^encryptionsalt: (.+)$/m.exec(config)?.[1];

describe.each(STORE_NAMES)("secrets over %s: each tool opens what the other sealed", (name) => {
  it("pulumi's secret config and secret outputs are read by cairn export --show-secrets", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.pulumiOk(["config", "set", "--secret", "secretValue", "pulumi-sealed: hunter2"]);
    w.drive("up", "dev", { components: 1 });
    const sealed = w.cairnOk(["stack", "export"]);
    expect(sealed).not.toContain("hunter2");
    expect(sealed).not.toContain("output-secret-value");
    const outputs = stackOutputs(w.cairnOk(["stack", "export", "--show-secrets"]));
    expect(outputs.configSecret).toEqual({ ...SECRET_SIG, plaintext: JSON.stringify("pulumi-sealed: hunter2") });
    expect(outputs.secretOutput).toEqual({ ...SECRET_SIG, plaintext: JSON.stringify("output-secret-value") });
    // the same as pulumi's own --show-secrets
    expect(JSON.parse(w.cairnOk(["stack", "export", "--show-secrets"]))).toEqual(JSON.parse(w.pulumiOk(["stack", "export", "--show-secrets"])));
  });

  it("a stack cairn created takes pulumi's secret config, and pulumi reads secrets cairn imported", () => {
    const w = open(name);
    w.cairnOk(["stack", "init", "dev"]);
    expect(salt(w.projectFile("Pulumi.dev.yaml"))).toMatch(/^v1:/);
    w.pulumiOk(["config", "set", "--secret", "secretValue", "set by pulumi on cairn's salt"]);
    expect(w.pulumiOk(["config", "get", "secretValue"]).trim()).toBe("set by pulumi on cairn's salt");
    w.drive("up", "dev", { components: 1 });

    // cairn imports plaintext secrets (as `export --show-secrets` writes them) and seals them.
    const revealed = JSON.parse(w.pulumiOk(["stack", "export", "--show-secrets"])) as Deployment;
    const stack = revealed.deployment!.resources!.find((r) => r.type === "pulumi:pulumi:Stack")!;
    stack.outputs!.importedSecret = { ...SECRET_SIG, plaintext: JSON.stringify({ nested: "cairn-sealed value" }) };
    const file = join(w.root, "plain.json");
    writeFileSync(file, JSON.stringify(revealed));
    w.cairnOk(["stack", "import", "--file", file]);
    expect(w.pulumiOk(["stack", "export"])).not.toContain("cairn-sealed value");
    const outputs = stackOutputs(w.pulumiOk(["stack", "export", "--show-secrets"]));
    expect(outputs.importedSecret).toEqual({ ...SECRET_SIG, plaintext: JSON.stringify({ nested: "cairn-sealed value" }) });
    // and Pulumi's engine runs on the imported state with the same passphrase
    expect(w.drive("up", "dev", { components: 1 }).status).toBe(0);
  });

  it("cairn stack init keeps an encryptionsalt pulumi already wrote to Pulumi.<stack>.yaml", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.pulumiOk(["config", "set", "--secret", "apiKey", "kept across re-init"]);
    const before = salt(w.projectFile("Pulumi.dev.yaml"));
    w.pulumiOk(["stack", "rm", "dev", "--yes", "--preserve-config"]);
    w.cairnOk(["stack", "init", "dev"]);
    expect(salt(w.projectFile("Pulumi.dev.yaml"))).toBe(before);
    expect(w.pulumiOk(["config", "get", "apiKey"]).trim()).toBe("kept across re-init");
  });

  it("cairn change-secrets-provider re-encrypts state and secure: config for pulumi's new passphrase", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.pulumiOk(["config", "set", "--secret", "secretValue", "rotated secret"]);
    w.drive("up", "dev", { components: 1 });
    const newPassphrase = "the new passphrase after rotation";
    const passphraseFile = join(w.root, "new-passphrase.txt");
    writeFileSync(passphraseFile, newPassphrase);
    w.cairnOk(["stack", "change-secrets-provider", "passphrase", "--new-passphrase-file", passphraseFile]);

    const withNew = { env: { PULUMI_CONFIG_PASSPHRASE: newPassphrase } };
    expect(w.pulumiOk(["config", "get", "secretValue"], withNew).trim()).toBe("rotated secret");
    const outputs = stackOutputs(w.pulumiOk(["stack", "export", "--show-secrets"], withNew));
    expect(outputs.configSecret).toEqual({ ...SECRET_SIG, plaintext: JSON.stringify("rotated secret") });
    expect(w.pulumi(["config", "get", "secretValue"], { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } }).status).not.toBe(0);
    // Pulumi's engine updates the rotated stack with the new passphrase, and not with the old one.
    expect(w.drive("up", "dev", { components: 1, env: { PULUMI_CONFIG_PASSPHRASE: newPassphrase } }).status).toBe(0);
    expect(w.drive("up", "dev", { components: 1 }).status).not.toBe(0);
  });

  it("honours the project's stackConfigDir for Pulumi.<stack>.yaml", () => {
    const w = open(name);
    writeFileSync(join(w.project, "Pulumi.yaml"), `name: ${w.projectName}\nruntime: go\nstackConfigDir: config\n`);
    mkdirSync(join(w.project, "config"));
    w.cairnOk(["stack", "init", "dev"]);
    expect(salt(w.projectFile("config/Pulumi.dev.yaml"))).toMatch(/^v1:/);
    expect(w.projectFile("Pulumi.dev.yaml")).toBe("");
    w.pulumiOk(["config", "set", "--secret", "secretValue", "in the config dir"]);
    expect(w.projectFile("config/Pulumi.dev.yaml")).toContain("secretValue");
    expect(w.pulumiOk(["config", "get", "secretValue"]).trim()).toBe("in the config dir");
  });
});
