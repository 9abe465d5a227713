import { Agent } from "node:http";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { server } from "./helpers.js";

// moto checks a precondition and then writes, in two steps; under its threaded server two racing
// writers can both pass the check (see packages/test-servers/python/moto_s3.py). S3 decides a
// conditional write atomically and cairn's locks rest on that, so the test server must too. One
// round of racing writers rarely hits the window; many rounds do (measured on threaded moto: 8 of
// 200 rounds of 16 had two winners).
const raw = new S3Client({
  endpoint: server.endpoint,
  region: server.region,
  forcePathStyle: true,
  credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 16 }) },
});
afterAll(() => raw.destroy());

describe("the S3 test server", () => {
  it("decides racing create-only writes atomically: in each of 150 rounds of 16 writers exactly one wins", { timeout: 120_000 }, async () => {
    const prefix = `t-atomic-${Date.now()}`;
    const rounds: number[] = [];
    for (let round = 0; round < 150; round++) {
      const results = await Promise.allSettled(
        Array.from({ length: 16 }, (_, writer) =>
          raw.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${round}`, Body: `writer ${writer}`, IfNoneMatch: "*" })),
        ),
      );
      const refused = results.filter((result) => result.status === "rejected").map((result) => (result.reason as { name?: string }).name);
      expect(new Set(refused)).toEqual(new Set(["PreconditionFailed"]));
      rounds.push(results.length - refused.length);
    }
    expect(rounds.filter((winners) => winners !== 1)).toEqual([]);
  });
});
