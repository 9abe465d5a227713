import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { waitForFile } from "./world.js";
import { api, serviceSuite } from "./service-world.js";

// A journaled `pulumi up` against a cairn-server that is SIGKILLed mid-update: every journal
// entry the server acknowledged before it died must reach the stack once the update is ended.
const resourcesOf = (exported: string) => ((JSON.parse(exported) as { deployment: { resources?: Array<{ urn: string }> } }).deployment.resources ?? []).map((r) => r.urn);
const summaryOf = (stdout: string) => (JSON.parse(stdout.trim().split("\n").at(-1) as string) as { summary: { resourceChanges: Record<string, number> } }).summary;

describe("cairn-server killed during a journaled pulumi up", () => {
  const suite = serviceSuite("file");
  it("the client dies too: after a restart, `pulumi cancel` recovers every acknowledged resource and the next up finds them unchanged", async () => {
    const w = await suite.open({ stack: "dev" });
    const stack = `${w.user}/interop/dev`;
    w.pulumiOk(["config", "set", "--secret", "secretValue", "s"]);
    const ready = join(w.root, "ready");
    const running = w.startDrive("up", stack, { components: 10, readyFile: ready, waitFile: join(w.root, "never") });
    // Wait until the CLI has reported resources done in its engine events (it sends them in
    // batches; a step is reported only after its journal entry was acknowledged): those are
    // resources the server promised to keep. Then the server and the whole client die.
    await waitForFile(ready, running);
    const acknowledged = await waitForCreated(w.server.url, w.token, `${w.user}/interop/dev`, (urn) => urn.includes("cairn:interop:"), 1);
    expect(acknowledged.length).toBeGreaterThan(0);
    await suite.restart();
    running.kill("SIGKILL");
    await running.done;

    // The dead update still holds the stack (its lease has not expired): a new up is refused...
    const refused = w.drive("up", stack, { components: 10 });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/another update is currently in progress|409|conflict/i);
    // ...until it is cancelled, which replays its journal into the stack.
    w.pulumiOk(["cancel", "--yes"]);
    const recovered = resourcesOf(w.pulumiOk(["stack", "export"]));
    for (const urn of acknowledged) expect(recovered).toContain(urn);
    const up = w.drive("up", stack, { components: 10 });
    expect(up.status, up.stderr).toBe(0);
    // What was recovered is not made again.
    expect(summaryOf(up.stdout).resourceChanges.create ?? 0).toBe(21 - recovered.length);
    expect(resourcesOf(w.pulumiOk(["stack", "export"]))).toHaveLength(21);
    expect(w.pulumiOk(["stack", "history"])).toMatch(/Version: 1\s+UpdateKind: update\s+Status: failed/);
  });

  it("the client survives: it carries on against the restarted server and its update completes whole", async () => {
    const w = await suite.open({ stack: "dev" });
    const stack = `${w.user}/interop/dev`;
    w.pulumiOk(["config", "set", "--secret", "secretValue", "s"]);
    const ready = join(w.root, "ready");
    const release = join(w.root, "release");
    const running = w.startDrive("up", stack, { components: 10, readyFile: ready, waitFile: release });
    await waitForFile(ready, running);
    await suite.restart();
    writeFileSync(release, "go");
    const finished = await running.done;
    expect(finished.status, finished.stderr).toBe(0);
    expect(resourcesOf(w.pulumiOk(["stack", "export"]))).toHaveLength(21);
    expect(w.pulumiOk(["stack", "output", "components"]).trim()).toBe("10");
  });
});

describe.each(["file", "s3"] as const)("two cairn-server instances over one %s store, two Pulumi clients", (kind) => {
  const suite = serviceSuite(kind);
  it("one stack takes one update at a time across instances; other stacks run beside it; each instance reads what the other wrote", async () => {
    const first = await suite.open({ stack: "shared" });
    const second = await suite.another();
    const other = await suite.open({ server: second, asUser: first.user });
    other.pulumiOk(["stack", "select", `${first.user}/interop/shared`]);
    other.pulumiOk(["stack", "init", `${first.user}/interop/beside`]);
    for (const w of [first, other]) w.pulumiOk(["config", "set", "--secret", "secretValue", "s", "--stack", `${first.user}/interop/shared`]);
    other.pulumiOk(["config", "set", "--secret", "secretValue", "s", "--stack", `${first.user}/interop/beside`]);

    const ready = join(first.root, "ready");
    const release = join(first.root, "release");
    const running = first.startDrive("up", `${first.user}/interop/shared`, { components: 5, readyFile: ready, waitFile: release });
    try {
      await waitForFile(ready, running);
      const refused = other.drive("up", `${first.user}/interop/shared`, { components: 1 });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/another update is currently in progress|409|conflict/i);
      const beside = other.drive("up", `${first.user}/interop/beside`, { components: 3 });
      expect(beside.status, beside.stderr).toBe(0);
    } finally {
      writeFileSync(release, "go");
    }
    expect((await running.done).status).toBe(0);
    // Each instance serves what the other wrote.
    expect(resourcesOf(other.pulumiOk(["stack", "export", "--stack", `${first.user}/interop/shared`]))).toHaveLength(11);
    expect(resourcesOf(first.pulumiOk(["stack", "export", "--stack", `${first.user}/interop/beside`]))).toHaveLength(7);
    const versions = await api(second.url, "GET", `/api/stacks/${first.user}/interop/shared/updates`, first.token);
    expect((versions.body as { updates: Array<{ version: number; result: string }> }).updates.map((u) => [u.version, u.result])).toEqual([[1, "succeeded"]]);
  });
});

/**
 * Polls the running update's stored engine events until `count` resources matching `wanted` are
 * reported done (`resOutputsEvent`), and returns their URNs. The engine persists a step before
 * it reports it, so these are resources whose journal entries the server has acknowledged.
 */
async function waitForCreated(url: string, token: string, stack: string, wanted: (urn: string) => boolean, count: number): Promise<string[]> {
  for (;;) {
    const info = (await api(url, "GET", `/api/stacks/${stack}`, token)).body as { activeUpdate?: string };
    const events = (await api(url, "GET", `/api/stacks/${stack}/update/${info.activeUpdate ?? "none"}/events`, token)).body as {
      events?: Array<{ resOutputsEvent?: { metadata?: { urn?: string } } }>;
    };
    const done = new Set((events.events ?? []).map((event) => event.resOutputsEvent?.metadata?.urn ?? "").filter((urn) => urn !== "" && wanted(urn)));
    if (done.size >= count) return [...done];
    await new Promise((resolve) => setTimeout(resolve, 50)); // polls for the events, not for time to pass
  }
}
