import { describe, expect, it } from "vitest";
import { CairnError, migrateStacks, type StateBackend } from "../src/index.js";
import { DEV, fixtureDeployment, memorySpace } from "./layout-test-helpers.js";

const SECRET = "hunter2-never-print-me";

describe("migrateStacks failures", () => {
  it("mask credentials in any URL their message or hint quotes (what `stack migrate` prints and returns as JSON)", async () => {
    const source = memorySpace().backend();
    await source.createStack(DEV);
    await source.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"));
    const real = memorySpace().backend();
    // Fault injection: no store in the repo quotes a credentialed URL in its errors today, so the
    // target's write fails the way a store's SDK error can read (defence in depth, not a mock of a peer).
    const target: StateBackend = Object.assign(Object.create(real) as StateBackend, {
      createStack: () => {
        throw new CairnError("Unavailable", `put http://AKIA:${SECRET}@127.0.0.1:9000/bucket/x: connection refused`, {
          hint: `check s3://bucket?endpoint=http://AKIA:${SECRET}@127.0.0.1:9000&secretKey=${SECRET}`,
        });
      },
    });
    const { failures } = await migrateStacks(source, target, [DEV]);
    expect(failures).toEqual([
      {
        stack: "organization/countdown/foo",
        code: "Unavailable",
        message: "put http://***@127.0.0.1:9000/bucket/x: connection refused",
        hint: "check s3://bucket?endpoint=http://***@127.0.0.1:9000&secretKey=***",
      },
    ]);
    expect(JSON.stringify(failures)).not.toContain(SECRET);
  });
});
