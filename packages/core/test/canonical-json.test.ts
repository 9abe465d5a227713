import { describe, expect, it } from "vitest";
import { canonicalJson } from "../src/index.js";

describe("canonicalJson", () => {
  it("sorts every object's members, keeps array order, and leaves out undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
    expect(canonicalJson([undefined, null])).toBe("[null,null]");
  });

  it("is a string for every value, undefined being null", () => {
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson("<&>")).toBe('"<&>"');
  });
});
