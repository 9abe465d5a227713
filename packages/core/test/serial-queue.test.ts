import { describe, expect, it } from "vitest";
import { serialQueue } from "../src/driver.js";

describe("serialQueue", () => {
  it("runs one action at a time, in call order, a failure reaching only its own caller", async () => {
    const serialize = serialQueue();
    const events: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = serialize(async () => {
      events.push("first starts");
      await gate;
      events.push("first ends");
      throw new Error("first failed");
    });
    const second = serialize(() => {
      events.push("second runs");
      return 2;
    });
    await Promise.resolve();
    expect(events).toEqual(["first starts"]); // the second waits for the first
    release();
    await expect(first).rejects.toThrow("first failed");
    expect(await second).toBe(2);
    expect(events).toEqual(["first starts", "first ends", "second runs"]);
  });
});
