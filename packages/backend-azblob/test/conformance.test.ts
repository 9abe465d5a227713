import { fileURLToPath } from "node:url";
import { createStoreBackend } from "@cairn/core";
import { type StateStore } from "@cairn/core/driver";
import { describeBackendConformance, describeCoreOverStoreConformance, describeLockRaceConformance, describePluginPackage, describeStoreConformance } from "@cairn/conformance";
import { openAzblobUrl } from "../src/index.js";
import { accountKeyEnv, connectionStringEnv, createContainer, deleteContainer, emulatorParameters, uniqueContainerName } from "./azurite-fixture.js";

const PACKAGE_DIR = fileURLToPath(new URL("../", import.meta.url));
// Distinct hosts: core breaks a lock whose holder is a dead process on its OWN host, and pids 4242 /
// 4343 are not running here, so same-host instances would (rightly) take each other's locks.
const backendOptions = { env: {}, username: "conformance", hostname: "azblob-host-a", pid: 4242 };
const containerOf = (store: StateStore) => new URL(store.url).hostname;

// A fresh container per check, half of them under a path prefix so KeyPrefix mapping is exercised.
let created = 0;
const freshContainerStore = async () => {
  const container = uniqueContainerName("store");
  await createContainer(container);
  const prefix = created++ % 2 === 0 ? "" : "/team-a/state";
  return openAzblobUrl(`azblob://${container}${prefix}`, connectionStringEnv());
};
describeStoreConformance("AzblobStore", {
  create: freshContainerStore,
  cleanup: async (store) => deleteContainer(containerOf(store)),
  // A fresh container name, never created.
  createMissing: async () => openAzblobUrl(`azblob://${uniqueContainerName("missing")}`, connectionStringEnv()),
  // The account-key route with the endpoint in the URL, pointed at an endpoint that never answers.
  createStalled: async (endpoint) => openAzblobUrl(`azblob://${uniqueContainerName("stalled")}?localemu=true&domain=${new URL(endpoint).host}&protocol=http`, accountKeyEnv()),
});
describeCoreOverStoreConformance("AzblobStore", { create: freshContainerStore, cleanup: async (store) => deleteContainer(containerOf(store)) });

// The account-key route with the endpoint in the URL; the second instance is a separate client on
// the same container, as a second process would open.
let lastUrl = "";
describeBackendConformance("createStoreBackend(AzblobStore)", {
  create: async () => {
    const container = uniqueContainerName("backend");
    await createContainer(container);
    lastUrl = `azblob://${container}/prefix?${emulatorParameters()}`;
    return createStoreBackend(await openAzblobUrl(lastUrl, accountKeyEnv()), backendOptions);
  },
  createSecond: async () => createStoreBackend(await openAzblobUrl(lastUrl, accountKeyEnv()), { ...backendOptions, username: "second", hostname: "azblob-host-b", pid: 4343 }),
});

// 16 backends, each with its own SDK client, racing for one stack's lock over one container.
const raceContainer = uniqueContainerName("race");
let raceContainerReady: Promise<void> | undefined;
describeLockRaceConformance("createStoreBackend(AzblobStore)", {
  createBackend: async () => {
    await (raceContainerReady ??= createContainer(raceContainer));
    return createStoreBackend(await openAzblobUrl(`azblob://${raceContainer}`, connectionStringEnv()), { env: {} });
  },
});

describePluginPackage("@cairn/backend-azblob", PACKAGE_DIR);
