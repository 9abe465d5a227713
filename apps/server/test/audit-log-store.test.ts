import { MemoryStore } from "@cairn/backend-memory";
import { expect, it } from "vitest";
import { AuditLog } from "../src/audit/audit-log.js";
import type { AuditEvent, AuditRecordInput } from "../src/audit/event.js";

// The log's own ordering and paging, over a real (in-memory) store and a clock the test sets.

const BASE = Date.parse("2026-12-01T10:00:00.000Z");

function input(n: number): AuditRecordInput {
  return { scope: { org: "team" }, action: "stack.tags.update", actor: "ann", target: { org: "team", stack: `s${n}` }, method: "PATCH", path: "/x", status: 200, address: "127.0.0.1" };
}

/** Events at times chosen to cross digit boundaries of the inverted time (…999 → …000) and to share milliseconds. */
async function filledLog(): Promise<{ log: AuditLog; times: number[] }> {
  const clock = { now: BASE };
  const log = new AuditLog(new MemoryStore(`audit-${Math.random()}`), () => clock.now);
  const times = [0, 1, 1, 1, 9, 10, 99, 100, 999, 1000, 1001, 86_400_000, 86_400_000, 3 * 86_400_000 + 7].map((offset) => BASE + offset);
  for (const [n, time] of times.entries()) {
    clock.now = time;
    await log.record(input(n));
  }
  return { log, times };
}

async function all(events: AsyncIterable<AuditEvent>): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

it("pages newest first, and the pages joined are the whole log in order, whatever the page size", async () => {
  const { log, times } = await filledLog();
  const newestFirst = await all(log.stream({ org: "team" }));
  expect(newestFirst.map((event) => Date.parse(event.time))).toEqual([...times].sort((a, b) => b - a));
  for (const limit of [1, 2, 3, 5, 14, 100]) {
    const joined: AuditEvent[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await log.list({ org: "team" }, { limit, ...(before === undefined ? {} : { before }) });
      joined.push(...page.events);
      if (page.next === undefined) break;
      before = page.next;
    }
    expect(joined.map((event) => event.id), `limit ${limit}`).toEqual(newestFirst.map((event) => event.id));
  }
});

it("since and until are inclusive, in both orders; the scopes are apart", async () => {
  const { log, times } = await filledLog();
  const since = new Date(BASE + 1);
  const until = new Date(BASE + 1000);
  const expected = times.filter((time) => time >= since.getTime() && time <= until.getTime()).sort((a, b) => b - a);
  const newest = await all(log.stream({ org: "team" }, { since, until }));
  expect(newest.map((event) => Date.parse(event.time))).toEqual(expected);
  const oldest = await all(log.stream({ org: "team" }, { since, until, order: "oldest" }));
  expect(oldest.map((event) => event.id)).toEqual(newest.map((event) => event.id).reverse());
  expect(await all(log.stream("site"))).toEqual([]);
  expect(await all(log.stream({ org: "other" }))).toEqual([]);
});

it("a cursor that is not an event id is refused", async () => {
  const { log } = await filledLog();
  await expect(log.list({ org: "team" }, { before: "../x" })).rejects.toMatchObject({ code: "InvalidArgument" });
});
