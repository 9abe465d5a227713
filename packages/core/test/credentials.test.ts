import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir, homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CredentialsStore, credentialsDirectory, isCairnError, pulumiHome } from "../src/index.js";
import { redactToken } from "../src/driver.js";

const PULUMI_WRITTEN = fileURLToPath(new URL("./fixtures/credentials/pulumi-written.json", import.meta.url));
const LOGIN_CHILD = fileURLToPath(new URL("./fixtures/login-child.mjs", import.meta.url));

let home: string;
let store: CredentialsStore;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "cairn-creds-"));
  store = new CredentialsStore(home);
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function fileText(): Promise<string> {
  return readFile(join(home, "credentials.json"), "utf8");
}

describe("credentials.json in Pulumi's format", () => {
  it("rewrites a file Pulumi wrote byte for byte", async () => {
    await copyFile(PULUMI_WRITTEN, join(home, "credentials.json"));
    const original = await fileText();
    await store.update(() => {});
    expect(await fileText()).toBe(original);
  });

  it("reads Pulumi's fields", async () => {
    await copyFile(PULUMI_WRITTEN, join(home, "credentials.json"));
    const credentials = await store.read();
    expect(credentials.current).toBe("https://api.pulumi.com");
    expect(credentials.accounts?.["https://api.pulumi.com"]).toMatchObject({
      username: "jane",
      organizations: ["acme", "jane"],
      insecure: true,
      tokenInformation: { name: "ci token", organization: "acme", expiresAt: "2026-01-01T00:00:00Z" },
    });
    expect(Object.keys(credentials.accessTokens ?? {})).toContain("s3://state-bucket/team?region=eu-west-1&profile=ci");
  });

  it("writes a self-managed login the way Pulumi's Go encoder does", async () => {
    await store.login("s3://bucket?region=eu-west-1&profile=<ci>");
    expect(await fileText()).toBe(
      [
        "{",
        '    "current": "s3://bucket?region=eu-west-1\\u0026profile=\\u003cci\\u003e",',
        '    "accessTokens": {',
        '        "s3://bucket?region=eu-west-1\\u0026profile=\\u003cci\\u003e": ""',
        "    },",
        '    "accounts": {',
        '        "s3://bucket?region=eu-west-1\\u0026profile=\\u003cci\\u003e": {',
        '            "lastValidatedAt": "0001-01-01T00:00:00Z"',
        "        }",
        "    }",
        "}",
      ].join("\n"),
    );
  });

  it("keeps fields it does not know when rewriting", async () => {
    await writeFile(
      join(home, "credentials.json"),
      JSON.stringify({
        current: "file://~",
        accessTokens: { "file://~": "" },
        accounts: { "file://~": { lastValidatedAt: "0001-01-01T00:00:00Z", futureAccountField: { x: 1 } } },
        futureTopLevel: ["kept"],
      }),
    );
    await store.login("gs://bucket", { username: "me" });
    const written = JSON.parse(await fileText());
    expect(written.futureTopLevel).toEqual(["kept"]);
    expect(written.accounts["file://~"].futureAccountField).toEqual({ x: 1 });
    expect(written.accounts["gs://bucket"]).toEqual({ username: "me", lastValidatedAt: "0001-01-01T00:00:00Z" });
    expect(written.current).toBe("gs://bucket");
  });

  it("creates the file with mode 0600", async () => {
    await store.login("file://~");
    expect((await stat(join(home, "credentials.json"))).mode & 0o777).toBe(0o600);
  });
});

describe("login and logout", () => {
  it("logout forgets the URL and clears current; the last logout removes the file as Pulumi does", async () => {
    await store.login("file://~");
    await store.login("s3://b", { accessToken: "" }, { makeCurrent: false });
    expect((await store.read()).current).toBe("file://~");

    await store.logout("file://~");
    const after = await store.read();
    expect(after.current).toBeUndefined();
    expect(Object.keys(after.accounts ?? {})).toEqual(["s3://b"]);

    await store.logout("s3://b");
    await expect(stat(join(home, "credentials.json"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("logout of a URL not logged in is NotFound", async () => {
    await store.login("file://~");
    await expect(store.logout("s3://other")).rejects.toSatisfy((error) => isCairnError(error, "NotFound"));
  });

  it("logoutAll returns the URLs and removes the file, even one cairn cannot parse", async () => {
    await store.login("file://~");
    await store.login("gs://b");
    expect(await store.logoutAll()).toEqual(["file://~", "gs://b"]);
    expect(await store.read()).toEqual({});

    await writeFile(join(home, "credentials.json"), "{broken");
    expect(await store.logoutAll()).toEqual([]);
    await expect(stat(join(home, "credentials.json"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("currentUrl honours PULUMI_BACKEND_URL and tokenFor honours PULUMI_ACCESS_TOKEN", async () => {
    await store.login("https://api.example.com", { accessToken: "pul-stored-token-0123456789" });
    expect(await store.currentUrl({})).toBe("https://api.example.com");
    expect(await store.currentUrl({ PULUMI_BACKEND_URL: "file://./elsewhere" })).toBe("file://./elsewhere");
    expect(await store.tokenFor("https://api.example.com", {})).toBe("pul-stored-token-0123456789");
    expect(await store.tokenFor("https://api.example.com", { PULUMI_ACCESS_TOKEN: "pul-env" })).toBe("pul-env");
    expect(await store.tokenFor("https://unknown.example.com", {})).toBeUndefined();
  });

  it("12 logins from separate processes all land in one valid file", async () => {
    const run = promisify(execFile);
    const urls = Array.from({ length: 12 }, (_, i) => `s3://bucket-${i}/state`);
    await Promise.all(urls.map((url) => run(process.execPath, [LOGIN_CHILD, home, url], { timeout: 60_000 })));
    const written = JSON.parse(await fileText());
    expect(Object.keys(written.accessTokens).sort()).toEqual([...urls].sort());
    expect(Object.keys(written.accounts).sort()).toEqual([...urls].sort());
    expect(urls).toContain(written.current);
    for (const url of urls) expect(written.accounts[url].username).toBe(`user-of-${url}`);
  }, 60_000);
});

describe("a credentials file cairn cannot read", () => {
  it("is an InvalidArgument error naming the file, and is never overwritten", async () => {
    const file = join(home, "credentials.json");
    await writeFile(file, '{"accessTokens": {"file://~": ');
    const failure = await store.read().catch((error: unknown) => error);
    expect(isCairnError(failure, "InvalidArgument")).toBe(true);
    expect((failure as Error).message).toContain(file);

    await expect(store.login("gs://b")).rejects.toSatisfy((error) => isCairnError(error, "InvalidArgument"));
    expect(await readFile(file, "utf8")).toBe('{"accessTokens": {"file://~": ');
  });

  it("rejects a well-formed JSON file of the wrong shape", async () => {
    await writeFile(join(home, "credentials.json"), JSON.stringify({ accessTokens: { "file://~": 42 } }));
    await expect(store.read()).rejects.toThrow(/access token for file:\/\/~ is not a string/);
  });

  it("refuses Pulumi's encrypted envelope instead of overwriting it", async () => {
    const envelope = JSON.stringify({ $pulumiSecureStore: 1, backend: "keychain", data: "..." });
    await writeFile(join(home, "credentials.json"), envelope);
    await expect(store.login("gs://b")).rejects.toSatisfy((error) => isCairnError(error, "Unimplemented"));
    expect(await fileText()).toBe(envelope);
  });

  it("treats an empty file as no credentials, as Pulumi does", async () => {
    await writeFile(join(home, "credentials.json"), "");
    expect(await store.read()).toEqual({});
  });
});

describe("home directory and token redaction", () => {
  it("uses PULUMI_HOME, else ~/.pulumi; PULUMI_CREDENTIALS_PATH moves only the credentials", () => {
    expect(pulumiHome({ PULUMI_HOME: "/srv/pulumi" })).toBe("/srv/pulumi");
    expect(pulumiHome({})).toBe(join(homedir(), ".pulumi"));
    expect(credentialsDirectory({ PULUMI_HOME: "/srv/pulumi" })).toBe("/srv/pulumi");
    expect(credentialsDirectory({ PULUMI_HOME: "/srv/pulumi", PULUMI_CREDENTIALS_PATH: "/tmp/c" })).toBe("/tmp/c");
  });

  it("shows at most the first four characters of a token", () => {
    expect(redactToken("pul-0123456789abcdef0123456789abcdef01234567")).toBe("pul-…");
    expect(redactToken("short-secret")).toBe("…");
    expect(redactToken("")).toBe("");
    expect(redactToken(undefined)).toBe("");
  });
});
