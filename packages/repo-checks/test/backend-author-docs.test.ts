import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BUILTIN_BACKEND_PACKAGES, candidatePackages, sanitizeScheme } from "@cairn/core";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./repo.js";

// The discovery rules third-party authors read (docs/writing-a-backend.md and the conformance
// README) against core's own implementation of them: add a built-in scheme or change the naming
// rule without updating the docs and this fails.

const guide = () => readFile(join(repoRoot, "docs", "writing-a-backend.md"), "utf8");
const conformanceReadme = () => readFile(join(repoRoot, "packages", "conformance", "README.md"), "utf8");

describe("what backend authors are told matches what core does", () => {
  it("the guide lists every built-in scheme (which always win over a plugin)", async () => {
    const text = await guide();
    for (const scheme of Object.keys(BUILTIN_BACKEND_PACKAGES)) expect(text, scheme).toContain(`\`${scheme}\``);
  });

  it("the guide's sanitizing examples are what core computes", async () => {
    const text = await guide();
    const examples = [...text.matchAll(/`([a-z0-9+.-]+)` → `([a-z0-9-]+)`/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const [scheme, sanitized] of examples) expect(sanitizeScheme(scheme), scheme).toBe(sanitized);
  });

  it("the documented search order is core's: built-in, project mapping, @cairn/backend-<scheme>, cairn-backend-<scheme>", async () => {
    expect(candidatePackages("acme", { acme: "@acme/cairn-backend" })).toEqual(["@acme/cairn-backend", "@cairn/backend-acme", "cairn-backend-acme"]);
    expect(candidatePackages("s3", { s3: "@acme/s3" })[0]).toBe(BUILTIN_BACKEND_PACKAGES.s3);
    for (const text of [await guide(), await conformanceReadme()]) {
      const order = ["Pulumi.yaml", "@cairn/backend-<scheme>", "cairn-backend-<scheme>"].map((needle) => text.indexOf(needle));
      expect(order.every((at) => at >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    }
  });

  it("the guide and the README name every OpenContext field", async () => {
    // The fields of OpenContext, as a type-checked list: a new field fails lint here until it is added.
    const fields = { home: true, cwd: true, env: true, storedCredential: true, urlText: true } satisfies Record<keyof import("@cairn/core/driver").OpenContext, true>;
    for (const text of [await guide(), await conformanceReadme()]) {
      for (const field of Object.keys(fields)) expect(text, field).toContain(`\`${field}\``);
    }
  });
});
