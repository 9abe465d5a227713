import { describe, expect, it } from "vitest";
import { api, serviceSuite } from "./service-world.js";

// The audit log of what the real Pulumi CLI does against cairn-server: an update is three events
// (create, start, complete), however many journal batches and engine events it sends; those are
// counted on its completion, which its update token vouches for as the user who started it.
const suite = serviceSuite("file");

interface Event {
  action: string;
  actor: string;
  org?: string;
  credential?: { kind: string };
  target: { stack?: string; updateId?: string };
  details?: Record<string, number | string>;
}

describe("pulumi against cairn-server: the audit log", () => {
  it("pulumi up is update.create, update.start and update.complete with its calls counted; stack rm is stack.delete", async () => {
    const w = await suite.open({ stack: "dev" });
    const log = async (): Promise<Event[]> => {
      const page = await api(w.server.url, "GET", `/api/orgs/${w.user}/auditlogs?format=json&limit=500`, w.token);
      expect(page.status).toBe(200);
      return [...(page.body as { events: Event[] }).events].reverse();
    };
    const before = (await log()).length;
    const up = w.drive("up", `${w.user}/interop/dev`, { components: 20 });
    expect(up.status, up.stderr).toBe(0);
    const events = (await log()).slice(before).filter((event) => event.action.startsWith("update."));
    expect(events.map((event) => event.action)).toEqual(["update.create", "update.start", "update.complete"]);
    const [create, start, complete] = events as [Event, Event, Event];
    expect(create).toMatchObject({ actor: w.user, org: w.user, credential: { kind: "token" }, target: { stack: "dev" } });
    expect(start.target.updateId).toBe(create.target.updateId);
    expect(complete).toMatchObject({ actor: w.user, org: w.user, credential: { kind: "update-token" }, target: { updateId: create.target.updateId }, details: { result: "succeeded" } });
    const calls = complete.details as Record<string, number>;
    expect((calls.journalBatches ?? 0) + (calls.checkpoints ?? 0)).toBeGreaterThan(10);
    expect(calls.eventBatches).toBeGreaterThan(0);

    w.pulumiOk(["stack", "rm", "--yes", "--force"]);
    expect((await log()).at(-1)).toMatchObject({ action: "stack.delete", actor: w.user, target: { stack: "dev" } });
  });
});
