import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { UntypedDeployment } from "@cairn/core";
import { parseJournalEntries } from "../src/journal/entries.js";
import { JournalReplayer } from "../src/journal/replay.js";

/**
 * Golden: journals the real Pulumi CLI (3.274.1) sent, replayed onto the deployment it started
 * from, must give the checkpoint the same CLI wrote for the same update run with journaling off.
 * The fixtures and how they were made: fixtures/journal/README.md and generate.mjs.
 */

interface Fixture {
  description: string;
  pulumi: string;
  command: string;
  base: UntypedDeployment;
  /** `journalentries` request bodies' entries, in the order the CLI's requests arrived. */
  batches: unknown[][];
  checkpoint: UntypedDeployment;
}

const SCENARIOS = ["create", "grow", "shrink", "refresh", "destroy"];
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function load(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`./fixtures/journal/${name}.json`, import.meta.url), "utf8")) as Fixture;
}

/**
 * What differs between two runs of the same update: the clock (the manifest's time, a resource's
 * created/modified) and secrets' ciphertexts (fresh nonces). Everything else must be equal.
 */
function normalize(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => normalize(item));
  if (typeof value !== "object" || value === null) {
    return typeof value === "string" && (key === "time" || key === "created" || key === "modified") ? "<time>" : value;
  }
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG] !== undefined && typeof record["ciphertext"] === "string") return { ...record, ciphertext: "<ciphertext>" };
  return Object.fromEntries(Object.entries(record).map(([field, inner]) => [field, normalize(inner, field)]));
}

function replayer(fixture: Fixture): JournalReplayer {
  // Pulumi's replay stamps its own version; the server passes the updating CLI's.
  return new JournalReplayer(fixture.base, { engineVersion: (fixture.checkpoint.deployment as { manifest: { version: string } }).manifest.version });
}

describe("replay matches the Pulumi CLI's own checkpoint", () => {
  for (const name of SCENARIOS) {
    const fixture = load(name);

    it(`${name}: ${fixture.description}`, () => {
      const replay = replayer(fixture);
      for (const batch of fixture.batches) replay.apply(parseJournalEntries({ entries: batch }));
      expect(replay.missingSequenceIDs()).toEqual([]);
      const result = replay.snapshot();
      expect(normalize(result)).toEqual(normalize(fixture.checkpoint));
      // The magic cookie is not normalized away: it must be the CLI's for its version.
      expect((result.deployment as { manifest: { magic: string } }).manifest.magic).toBe((fixture.checkpoint.deployment as { manifest: { magic: string } }).manifest.magic);
    });

    it(`${name}: the same result with the batches delivered in reverse and entries one at a time, with a snapshot after each`, () => {
      const inOrder = replayer(fixture);
      for (const batch of fixture.batches) inOrder.apply(parseJournalEntries({ entries: batch }));
      const expected = normalize(inOrder.snapshot());
      const reversed = replayer(fixture);
      for (const entry of parseJournalEntries({ entries: fixture.batches.flat() }).reverse()) {
        reversed.apply([entry]);
        reversed.snapshot();
      }
      expect(normalize(reversed.snapshot())).toEqual(expected);
    });
  }

  it("the fixtures exercise out-of-order arrival and the kinds a real update sends", () => {
    const arrivedOutOfOrder = SCENARIOS.some((name) => {
      const ids = load(name).batches.flat().map((entry) => (entry as { sequenceID: number }).sequenceID);
      return ids.some((id, index) => index > 0 && id < (ids[index - 1] as number));
    });
    expect(arrivedOutOfOrder).toBe(true);
    const kinds = new Set(SCENARIOS.flatMap((name) => load(name).batches.flat().map((entry) => (entry as { kind: number }).kind)));
    expect([...kinds].sort()).toEqual([0, 1, 3, 4, 6, 7]);
  });
});
