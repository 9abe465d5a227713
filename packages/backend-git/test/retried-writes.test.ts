import { afterAll, inject } from "vitest";
import { createStoreBackend } from "@cairn/core";
import { describeRetriedWriteConformance } from "@cairn/conformance";
import { lostAnswerFixture, startAnswerLoser } from "@cairn/test-servers/answer-loser";
import { freshRepo, openStore, removeTempDirs } from "./helpers.js";

const backendOptions = { env: {}, username: "conformance", hostname: "git-test", pid: process.pid };
afterAll(removeTempDirs);

// Pushes go through a proxy that loses one push's answer after the remote took it (a push names no
// key: the next push after arming loses its answer); the second backend, with its own clone
// cache, pushes to the remote directly.
describeRetriedWriteConformance("createStoreBackend(GitStore over git+http://) behind a proxy losing answers", {
  create: async () => {
    const base = new URL(inject("gitHttpBase"));
    const loser = await startAnswerLoser(base.origin, { isWrite: (request) => request.method === "POST" && request.path.includes("/git-receive-pack") });
    const repo = freshRepo();
    const throughProxy = repo.httpUrl.replace(base.host, loser.host);
    const backend = createStoreBackend(await openStore(throughProxy), backendOptions);
    const second = createStoreBackend(await openStore(repo.httpUrl), { ...backendOptions, username: "second" });
    return lostAnswerFixture(loser, backend, second);
  },
  timeoutMs: 120_000,
});
