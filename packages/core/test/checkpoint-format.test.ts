import { describe, expect, it } from "vitest";
import { formatJson } from "../src/index.js";
import { fixtureText } from "./layout-test-helpers.js";

describe("formatJson", () => {
  it("reproduces Pulumi's checkpoint-v3.json byte for byte, final newline included", () => {
    const text = fixtureText("checkpoint-v3.json");
    expect(formatJson(JSON.parse(text))).toBe(text);
  });

  it("reproduces the secrets fixture, whose values contain escaped HTML characters", () => {
    const text = fixtureText("checkpoint-secrets.json");
    expect(text).toContain("\\u003e");
    expect(formatJson(JSON.parse(text))).toBe(text);
  });

  it("escapes <, >, &, U+2028 and U+2029 as Go's encoder does, inside keys and values", () => {
    expect(formatJson({ "a<b": "x > y & z\u2028\u2029" }, { indent: 0, trailingNewline: false })).toBe(
      '{"a\\u003cb":"x \\u003e y \\u0026 z\\u2028\\u2029"}',
    );
  });

  it("indents with four spaces and writes empty containers compactly", () => {
    expect(formatJson({ a: [], b: {}, c: [1, "two"] })).toBe('{\n    "a": [],\n    "b": {},\n    "c": [\n        1,\n        "two"\n    ]\n}\n');
  });

  it("can write Pulumi's newer compact, unescaped form", () => {
    expect(formatJson({ a: "<&>" }, { indent: 0, escapeHtml: false, trailingNewline: false })).toBe('{"a":"<&>"}');
  });
});
