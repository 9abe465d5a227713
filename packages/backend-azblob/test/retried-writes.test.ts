import { createStoreBackend } from "@cairn/core";
import { describeRetriedWriteConformance } from "@cairn/conformance";
import { lostAnswerFixture, startAnswerLoser } from "@cairn/test-servers/answer-loser";
import { inject } from "vitest";
import { openAzblobUrl } from "../src/index.js";
import { accountKeyEnv, createContainer, deleteContainer, uniqueContainerName } from "./azurite-fixture.js";

const backendOptions = { env: {}, username: "conformance", hostname: "azblob-retried", pid: 4545 };
const urlFor = (container: string, host: string) => `azblob://${container}/prefix?localemu=true&domain=${host}&protocol=http`;

// The first backend reaches Azurite through a proxy that loses one chosen answer; the second, on
// the same container, reaches Azurite directly and sees what really landed.
describeRetriedWriteConformance("createStoreBackend(AzblobStore) behind a proxy losing answers", {
  create: async () => {
    const container = uniqueContainerName("retried");
    await createContainer(container);
    const loser = await startAnswerLoser(`http://${inject("azuriteHost")}`);
    const backend = createStoreBackend(await openAzblobUrl(urlFor(container, loser.host), accountKeyEnv()), backendOptions);
    const second = createStoreBackend(await openAzblobUrl(urlFor(container, inject("azuriteHost")), accountKeyEnv()), { ...backendOptions, hostname: "azblob-direct", pid: 4646 });
    return lostAnswerFixture(loser, backend, second, () => deleteContainer(container));
  },
});
