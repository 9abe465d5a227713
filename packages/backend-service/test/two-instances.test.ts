import { afterAll, beforeAll } from "vitest";
import { describeLockRaceConformance } from "@cairn/conformance";
import { spawnServer, type SpawnedServer } from "@cairn/server/testing";
import { ServiceBackend } from "../src/index.js";
import { startServerFixture, type ServerFixture } from "./server-fixture.js";

let fixture: ServerFixture;
let second: SpawnedServer;
beforeAll(async () => {
  fixture = await startServerFixture();
  second = await spawnServer({ data: fixture.dataUrl, home: fixture.root, adminToken: fixture.server.adminToken });
});
afterAll(async () => {
  await second?.stop();
  await fixture?.dispose();
});

let next = 0;
// Racers alternate between two server processes over ONE file:// data directory: the lease and
// every record are conditional writes in the shared store, so one holder at a time, nothing lost.
describeLockRaceConformance("backend-service against two cairn-server instances over one store", {
  createBackend: async () => {
    const url = next++ % 2 === 0 ? fixture.server.url : second.url;
    return new ServiceBackend({ baseUrl: url, token: { value: fixture.server.adminToken, source: "test" } });
  },
});
