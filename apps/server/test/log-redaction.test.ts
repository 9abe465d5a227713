import { describe, expect, it } from "vitest";
import { jsonLogger } from "../src/log.js";

describe("jsonLogger", () => {
  it("redacts credentials in every URL it logs, in the message and in nested fields", () => {
    const lines: string[] = [];
    const logger = jsonLogger((line) => lines.push(line));
    logger.info("listening on s3://AKIA:hunter2@bucket/state", { url: "http://127.0.0.1:8080", store: "azblob://c?storage_account=a&sig=hunter2" });
    logger.error("request failed", { error: "invalid S3 backend URL s3://k:hunter2@b/p: no region", nested: { list: ["file://u:hunter2@localhost/tmp"] }, status: 500 });
    const text = lines.join("");
    expect(text).not.toContain("hunter2");
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ msg: "listening on s3://***@bucket/state", url: "http://127.0.0.1:8080", store: "azblob://c?storage_account=a&sig=***" });
    expect(second).toMatchObject({ error: "invalid S3 backend URL s3://***@b/p: no region", nested: { list: ["file://***@localhost/tmp"] }, status: 500 });
  });
});
