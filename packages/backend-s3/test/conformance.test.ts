import { fileURLToPath } from "node:url";
import { createStoreBackend } from "@cairn/core";
import { randomUUID } from "node:crypto";
import { describeBackendConformance, describeCoreOverStoreConformance, describeLockRaceConformance, describePluginPackage, describeStoreConformance } from "@cairn/conformance";
import { openTestStore, s3UrlFor, server, serverUrl } from "./helpers.js";

const PACKAGE_DIR = fileURLToPath(new URL("../", import.meta.url));
const backendOptions = { env: {}, username: "conformance", hostname: "s3-test", pid: 4242 };

// A fresh prefix per store: checks never see each other's keys.
// The missing bucket is a fresh name never created on the server.
describeStoreConformance("S3Store on moto", {
  create: () => openTestStore(),
  createMissing: () => openTestStore(serverUrl("p", `missing-${randomUUID()}`)),
  // The same credentials and URL form, pointed at an endpoint that never answers.
  createStalled: (endpoint) => openTestStore(s3UrlFor(endpoint, server.bucket)),
});
describeCoreOverStoreConformance("S3Store on moto", { create: () => openTestStore() });

// The second instance is a separate S3Store (its own client) on the same prefix: a second process.
let lastUrl = "";
describeBackendConformance("createStoreBackend(S3Store)", {
  create: async () => createStoreBackend(await openTestStore((lastUrl = serverUrl())), backendOptions),
  createSecond: async () => createStoreBackend(await openTestStore(lastUrl), { ...backendOptions, username: "second", hostname: "s3-test-second", pid: 4343 }),
});

// 16 backends, each with its own S3Store and client (as 16 machines would be), racing on one stack.
const raceUrl = serverUrl();
let racer = 0;
describeLockRaceConformance("createStoreBackend(S3Store)", {
  createBackend: async () => createStoreBackend(await openTestStore(raceUrl), { ...backendOptions, hostname: `s3-racer-${++racer}` }),
});

describePluginPackage("@cairn/backend-s3", PACKAGE_DIR);
