import { describe, expect, it } from "vitest";
import { describeJsonFault, parseJsonQuietly } from "../src/index.js";

const SECRET = "hunter2";

describe("parseJsonQuietly", () => {
  it("parses valid JSON", () => {
    expect(parseJsonQuietly('{"a": [1, "x", null]}')).toEqual({ ok: true, value: { a: [1, "x", null] } });
  });

  it.each([
    [`{"password": ${SECRET}}`, "unexpected character at line 1 column 14"],
    [`{"password": "${SECRET}"`, "unexpected end of input at line 1 column 23"],
    [`{\n  "a": "${SECRET}",\n  "b": "${SECRET}" "c"\n}`, "expected ',' or '}' at line 3 column 18"],
    [`{"a": "${SECRET}\u0001"}`, "control character in string at line 1 column 15"],
    [`{"a": "${SECRET}"} ${SECRET}`, "unexpected text after the JSON value at line 1 column 18"],
    [`{${SECRET}: 1}`, "expected a property name at line 1 column 2"],
  ])("%j is described by position, never by its text", (text, problem) => {
    const result = parseJsonQuietly(text);
    expect(result).toEqual({ ok: false, problem });
    expect(() => JSON.parse(text)).toThrow();
    expect(describeJsonFault(text)).not.toContain(SECRET);
  });
});
