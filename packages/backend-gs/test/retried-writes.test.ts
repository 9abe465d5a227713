import { randomUUID } from "node:crypto";
import { createStoreBackend } from "@cairn/core";
import { describeRetriedWriteConformance } from "@cairn/conformance";
import { lostAnswerFixture, startAnswerLoser } from "@cairn/test-servers/answer-loser";
import { inject } from "vitest";
import { openTestStore, testUrl } from "./helpers.js";

const backendOptions = { env: {}, username: "conformance", hostname: "gs-retried", pid: 4545 };

// The first backend reaches the GCS emulator through a proxy that loses one chosen answer; the
// second, on the same prefix, reaches it directly and sees what really landed.
describeRetriedWriteConformance("createStoreBackend(GsStore) behind a proxy losing answers", {
  create: async () => {
    const loser = await startAnswerLoser(inject("gcsEndpoint"));
    const prefix = `t-${randomUUID()}`;
    const backend = createStoreBackend(await openTestStore(testUrl(prefix, loser.url)), backendOptions);
    const second = createStoreBackend(await openTestStore(testUrl(prefix)), { ...backendOptions, hostname: "gs-direct", pid: 4646 });
    return lostAnswerFixture(loser, backend, second);
  },
});
