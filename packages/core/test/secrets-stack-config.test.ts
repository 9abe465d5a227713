import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEncryptionSalt, stackConfigPath, writeEncryptionSalt } from "@cairn/core";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "cairn-stack-config-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const SALT = "v1:ThS5UPxP9qc=:v1:UZYAXF+ylaJ0rGhv:9OTvBnOEDFgxs7btjzSu+LZ470vLpg==";
const OTHER = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";

describe("stack config encryptionsalt", () => {
  it("names the file as Pulumi does", () => {
    expect(stackConfigPath("/p/Pulumi.yaml", "dev")).toBe("/p/Pulumi.dev.yaml");
    expect(stackConfigPath("/p/Pulumi.yml", "org/proj/dev")).toBe("/p/Pulumi.org-proj-dev.yml");
    expect(stackConfigPath("/p/Pulumi.yaml", "dev", "config")).toBe("/p/config/Pulumi.dev.yaml");
  });

  it("creates a file holding only the salt, on one line", async () => {
    const file = join(directory, "Pulumi.new.yaml");
    expect(await readEncryptionSalt(file)).toBeUndefined();
    await writeEncryptionSalt(file, SALT);
    expect(await readFile(file, "utf8")).toBe(`encryptionsalt: ${SALT}\n`);
    expect(await readEncryptionSalt(file)).toBe(SALT);
  });

  it("replaces the salt in place, keeping comments and other keys, and drops other providers' keys", async () => {
    const file = join(directory, "Pulumi.test.yaml");
    // Shaped like tests/roundtrip/roundtrip_test.go's Pulumi.test.yaml.
    const secureLine = "    secure: v1:T1ftqhY0hqr+EJK6:+jvd5PMecFx80tcavzuZY4tLatgIfoe/xR72GA== # 🟣 comment on secret";
    await writeFile(
      file,
      [`encryptionsalt: ${OTHER}`, "# 🔴 header comment", "config:", "  foo:a: some-value # 🟠 comment after value", "  foo:d:", secureLine, ""].join("\n"),
    );
    await writeEncryptionSalt(file, SALT);
    const text = await readFile(file, "utf8");
    expect(text.split("\n")[0]).toBe(`encryptionsalt: ${SALT}`);
    expect(text).toContain("# 🔴 header comment");
    expect(text).toContain("  foo:a: some-value # 🟠 comment after value");
    expect(text).toContain(secureLine);
    expect(text).not.toContain(OTHER);

    const withProvider = join(directory, "Pulumi.kms.yaml");
    await writeFile(withProvider, "secretsprovider: awskms://alias/x\nencryptedkey: AQID\nconfig:\n  a:b: c # keep\n");
    await writeEncryptionSalt(withProvider, SALT);
    expect(await readFile(withProvider, "utf8")).toBe(`encryptionsalt: ${SALT}\nconfig:\n  a:b: c # keep\n`);
  });

  it("a malformed file is InvalidArgument and is left alone", async () => {
    const file = join(directory, "Pulumi.bad.yaml");
    await writeFile(file, "config: [unclosed\n");
    await expect(writeEncryptionSalt(file, SALT)).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(await readFile(file, "utf8")).toBe("config: [unclosed\n");
  });

  it("a malformed JSON stack config is reported by position, never by a snippet of its values", async () => {
    const file = join(directory, "Pulumi.leaky.json");
    await writeFile(file, '{"config": {"db:password": hunter2}}');
    const error = await readEncryptionSalt(file).catch((caught: unknown) => caught as Error);
    expect(error).toMatchObject({ code: "InvalidArgument" });
    expect((error as Error).message).toBe(`stack config file ${file} is malformed: not valid JSON: unexpected character at line 1 column 28`);
  });
});
