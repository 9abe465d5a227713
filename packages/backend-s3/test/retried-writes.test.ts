import { randomUUID } from "node:crypto";
import { createStoreBackend } from "@cairn/core";
import { describeRetriedWriteConformance } from "@cairn/conformance";
import { lostAnswerFixture, startAnswerLoser } from "@cairn/test-servers/answer-loser";
import { openTestStore, s3UrlFor, server } from "./helpers.js";

const backendOptions = { env: {}, username: "conformance", hostname: "s3-retried", pid: 4545 };

// The first backend's S3Store talks to moto through a proxy that loses one chosen answer; the
// second, on the same prefix, talks to moto directly and sees what really landed.
describeRetriedWriteConformance("createStoreBackend(S3Store) behind a proxy losing answers", {
  create: async () => {
    const loser = await startAnswerLoser(server.endpoint);
    const prefix = `t-${randomUUID()}`;
    const backend = createStoreBackend(await openTestStore(s3UrlFor(loser.url, server.bucket, prefix)), backendOptions);
    const second = createStoreBackend(await openTestStore(s3UrlFor(server.endpoint, server.bucket, prefix)), { ...backendOptions, hostname: "s3-direct", pid: 4646 });
    return lostAnswerFixture(loser, backend, second);
  },
});
