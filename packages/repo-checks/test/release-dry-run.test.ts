import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import semver from "semver";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot } from "./repo.js";

// Runs scripts/release-dry-run.mjs (the real `changeset version`, on a scratch copy of the
// manifests, with the repository's .changeset/config.json and peer ranges) on synthetic
// changesets. Revert the config fix (onlyUpdatePeerDependentsWhenOutOfRange) or the peer range
// form (`workspace:>=0.1.0 <1.0.0`) and the minor case jumps every backend to 1.0.0.

interface PlannedPackage {
  name: string;
  private: boolean;
  from: string;
  to: string;
  bump: "none" | "patch" | "minor" | "major" | string;
  requested: string;
  ranges: Record<string, string>;
  changelog?: string;
}
interface Plan {
  packages: PlannedPackage[];
  violations: string[];
}

const run = promisify(execFile);
const scratch: string[] = [];
afterEach(async () => {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function plan(changesets: Record<string, string>): Promise<{ plan: Plan; exitCode: number }> {
  const dir = await mkdtemp(join(tmpdir(), "cairn-changesets-"));
  scratch.push(dir);
  for (const [file, text] of Object.entries(changesets)) await writeFile(join(dir, file), text);
  const script = join(repoRoot, "scripts", "release-dry-run.mjs");
  try {
    const { stdout } = await run(process.execPath, [script, "--changesets", dir, "--json"], { maxBuffer: 64 * 1024 * 1024 });
    return { plan: JSON.parse(stdout) as Plan, exitCode: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; code?: number };
    if (failed.code === 1 && failed.stdout) return { plan: JSON.parse(failed.stdout) as Plan, exitCode: 1 };
    throw error;
  }
}

const changeset = (releases: Record<string, string>, summary: string) =>
  `---\n${Object.entries(releases).map(([name, type]) => `"${name}": ${type}`).join("\n")}\n---\n\n${summary}\n`;

const byName = (result: Plan, name: string): PlannedPackage => {
  const found = result.packages.find((p) => p.name === name);
  if (found === undefined) throw new Error(`${name} is not in the release plan`);
  return found;
};
const RANK: Record<string, number> = { none: 0, patch: 1, minor: 2, major: 3 };

describe("release dry run: changesets keep a patch a patch", () => {
  it("a patch on core gives core a patch and every other package at most a patch", async () => {
    const { plan: result, exitCode } = await plan({ "core-fix.md": changeset({ "@cairn/core": "patch" }, "Fix a thing in core.") });
    expect(result.violations).toEqual([]);
    expect(exitCode).toBe(0);
    const core = byName(result, "@cairn/core");
    expect(core.to).toBe(semver.inc(core.from, "patch"));
    for (const p of result.packages) expect(RANK[p.bump], `${p.name}: ${p.from} → ${p.to}`).toBeLessThanOrEqual(RANK.patch!);
    expect(core.changelog).toContain("Fix a thing in core.");
  });

  it("a minor on core keeps every dependent within range and below a major", async () => {
    const { plan: result, exitCode } = await plan({ "core-feature.md": changeset({ "@cairn/core": "minor" }, "A feature in core.") });
    expect(result.violations).toEqual([]);
    expect(exitCode).toBe(0);
    const core = byName(result, "@cairn/core");
    expect(core.to).toBe(semver.inc(core.from, "minor"));
    const dependents = result.packages.filter((p) => p.ranges["@cairn/core"] !== undefined);
    expect(dependents.map((p) => p.name)).toContain("@cairn/backend-file");
    for (const p of dependents) {
      expect(semver.major(p.to), `${p.name}: ${p.from} → ${p.to}`).toBe(semver.major(p.from));
      expect(semver.satisfies(core.to, p.ranges["@cairn/core"]!), `${p.name} admits core ${core.to} (${p.ranges["@cairn/core"]})`).toBe(true);
    }
    // Backends not named by a changeset are not released at all (their peer range still admits core).
    expect(byName(result, "@cairn/backend-s3").bump).toBe("none");
  });

  it("a major on core that its peer dependents do not also declare is refused", async () => {
    const { plan: result, exitCode } = await plan({ "core-break.md": changeset({ "@cairn/core": "major" }, "Break core.") });
    expect(exitCode).toBe(1);
    expect(result.violations.join("\n")).toMatch(/@cairn\/backend-file jumps .* \(a major\) but its changesets ask for no release/);
  });

  it("the repository's pending changesets break no rule", async () => {
    const { stdout } = await run(process.execPath, [join(repoRoot, "scripts", "release-dry-run.mjs"), "--json"], { maxBuffer: 64 * 1024 * 1024 });
    const result = JSON.parse(stdout) as Plan;
    expect(result.violations).toEqual([]);
    for (const p of result.packages.filter((p) => !p.private && p.bump !== "none")) {
      expect(p.changelog, `${p.name} gets a CHANGELOG entry`).toContain(`## ${p.to}`);
    }
  });
});
