import { CairnError } from "@cairn/core";
import { expect, it } from "vitest";
import { keepingOneAdmin } from "../src/accounts/keep-one-admin.js";

/** Two admins demoting each other at once both see two admins first; the re-count after the change catches it. */
it("a change that a concurrent change left without any admin is undone and refused", async () => {
  const admins = new Set(["a", "b"]);
  const steps: string[] = [];
  const attempt = keepingOneAdmin({
    isAdmin: async () => admins.has("a"),
    countAdmins: async () => admins.size,
    change: async () => {
      admins.delete("a");
      admins.delete("b"); // the other demotion landed in between
      steps.push("change");
    },
    undo: async () => {
      admins.add("a");
      steps.push("undo");
    },
    lastAdmin: () => new CairnError("Conflict", "last"),
    raced: () => new CairnError("Conflict", "raced"),
  });
  await expect(attempt).rejects.toThrow("raced");
  expect(steps).toEqual(["change", "undo"]);
  expect([...admins]).toEqual(["a"]);
});

it("the last admin is refused before anything changes; a non-admin's change is not counted", async () => {
  let changed = 0;
  const options = (isAdmin: boolean) => ({
    isAdmin: async () => isAdmin,
    countAdmins: async () => 1,
    change: async () => void changed++,
    undo: async () => {},
    lastAdmin: () => new CairnError("Conflict", "last"),
    raced: () => new CairnError("Conflict", "raced"),
  });
  await expect(keepingOneAdmin(options(true))).rejects.toThrow("last");
  expect(changed).toBe(0);
  await keepingOneAdmin(options(false));
  expect(changed).toBe(1);
});
