import { describe, expect, it } from "vitest";
import { formatJson } from "../src/index.js";
import { fixtureText } from "./layout-test-helpers.js";

describe("formatJson", () => {
  it("reproduces a stack file Pulumi wrote byte for byte: compact, no final newline", () => {
    for (const name of ["checkpoint-v3.json", "checkpoint-secrets.json", "checkpoint-v4.json"]) {
      const text = fixtureText(name);
      expect(text.endsWith("}"), name).toBe(true);
      expect(formatJson(JSON.parse(text), { indent: 0, trailingNewline: false }), name).toBe(text);
    }
  });

  it("reproduces `pulumi stack export` output byte for byte, whose plaintexts hold Go-escaped HTML characters", () => {
    const text = fixtureText("export-secrets-shown.json");
    expect(text).toContain("\\\\u003c"); // the secret's JSON encoding, escaped by Go, inside a JSON string
    expect(text.endsWith("}\n")).toBe(true);
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
