import { describe, expect, it } from "vitest";
import { satisfiesRange } from "../src/plugins/version-range.js";

/**
 * Expected answers are npm's (`semver` 7.8.6's `satisfies`, run once against this table and a
 * 1,728-case cross product while writing the checker); cairn does not depend on semver.
 */
const CASES: Array<[range: string, satisfied: string[], notSatisfied: string[]]> = [
  ["^0.1.0", ["0.1.0", "0.1.9"], ["0.2.0", "0.0.9", "0.1.1-beta", "1.0.0"]],
  ["^1.2.3", ["1.2.3", "1.9.9"], ["2.0.0", "2.0.0-rc.1", "1.2.2"]],
  ["^0.0.3", ["0.0.3"], ["0.0.4", "0.1.0"]],
  ["^0.x", ["0.0.0", "0.9.9"], ["1.0.0"]],
  ["~1.2", ["1.2.0", "1.2.9"], ["1.3.0"]],
  ["~1", ["1.0.0", "1.9.9"], ["2.0.0"]],
  ["1.2.3", ["1.2.3"], ["1.2.4"]],
  ["1.x", ["1.0.0", "1.5.0"], ["2.0.0", "1.5.0-beta"]],
  ["*", ["0.0.0", "10.0.0"], ["1.0.0-alpha"]],
  ["", ["1.0.0"], []],
  [">=0.1.0 <2", ["0.1.0", "1.9.9"], ["2.0.0", "0.0.1"]],
  [">= 1.2.3 < 2", ["1.2.3"], ["2.0.0"]],
  [">1.2", ["1.3.0"], ["1.2.9", "1.3.0-0"]],
  ["<=1.2", ["1.2.9"], ["1.3.0"]],
  ["1.2.3 - 2.3", ["1.2.3", "2.3.9"], ["2.4.0", "1.2.2"]],
  ["^0.1.0 || ^1.0.0", ["0.1.5", "1.2.0"], ["0.2.0", "2.0.0"]],
  ["^1.2.3-beta.2", ["1.2.3-beta.2", "1.2.3-beta.10", "1.2.3", "1.3.0"], ["1.2.3-beta.1", "1.3.0-beta"]],
  ["<*", [], ["0.0.0"]],
];

describe("satisfiesRange", () => {
  it.each(CASES)("%j", (range, satisfied, notSatisfied) => {
    for (const version of satisfied) expect(satisfiesRange(version, range), `${version} in ${range}`).toBe(true);
    for (const version of notSatisfied) expect(satisfiesRange(version, range), `${version} not in ${range}`).toBe(false);
  });

  it("says it cannot tell for what is not a range (tags, protocols, typos) rather than guessing", () => {
    for (const range of ["workspace:^", "latest", "git+https://example.com/x.git", "1.2.3.4", "=>1", "^a"]) {
      expect(satisfiesRange("1.0.0", range)).toBeUndefined();
    }
  });
});
