import { afterAll, beforeAll } from "vitest";
import { describeBackendConformance, describeLockRaceConformance } from "@cairn/conformance";
import { startServerFixture, type ServerFixture } from "./server-fixture.js";

let fixture: ServerFixture;
beforeAll(async () => {
  fixture = await startServerFixture();
});
afterAll(() => fixture?.dispose());

// Two ServiceBackend instances are two independent clients of one server, as two CLIs would be.
describeBackendConformance("backend-service against cairn-server", {
  create: async () => fixture.backend(),
  createSecond: async () => fixture.backend(),
});

describeLockRaceConformance("backend-service against cairn-server", {
  createBackend: async () => fixture.backend(),
});
