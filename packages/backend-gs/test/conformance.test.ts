import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { createStoreBackend } from "@cairn/core";
import * as conformance from "@cairn/conformance";
import { openTestStore, testUrl } from "./helpers.js";

const PACKAGE_DIR = fileURLToPath(new URL("../", import.meta.url));
const backendOptions = { env: {}, username: "conformance", hostname: "gs-test", pid: 4242 };

// The missing bucket is a fresh name never created on the fake GCS server.
conformance.describeStoreConformance("GsStore", {
  create: () => openTestStore(),
  createMissing: () => openTestStore(testUrl("p", inject("gcsEndpoint"), `missing-${randomUUID()}`)),
  createStalled: (endpoint) => openTestStore(testUrl("p", endpoint)),
});
conformance.describeCoreOverStoreConformance("GsStore", { create: () => openTestStore() });

// Both instances are separate GsStores (separate SDK clients) over the same bucket and prefix.
let lastUrl = testUrl();
conformance.describeBackendConformance("createStoreBackend(GsStore)", {
  create: async () => createStoreBackend(await openTestStore((lastUrl = testUrl())), backendOptions),
  createSecond: async () => createStoreBackend(await openTestStore(lastUrl), { ...backendOptions, username: "second", hostname: "gs-test-second", pid: 4343 }),
});

conformance.describePluginPackage("@cairn/backend-gs", PACKAGE_DIR);

// Sixteen racers, each its own GsStore and SDK client, as separate machines would be (distinct
// host names, so none mistakes another's lock for one left by a dead local process).
const raceUrl = testUrl();
let racer = 0;
const describeLockRace = (conformance as Partial<typeof conformance>).describeLockRaceConformance;
describeLockRace?.("createStoreBackend(GsStore)", {
  createBackend: async () => createStoreBackend(await openTestStore(raceUrl), { ...backendOptions, hostname: `gs-racer-${++racer}`, pid: 5000 + racer }),
});
