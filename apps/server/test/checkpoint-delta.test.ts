import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DeltaBases } from "../src/checkpoints/delta-bases.js";
import { rawJsonField } from "../src/checkpoints/raw-json-field.js";
import { applyTextEdits } from "../src/checkpoints/text-edits.js";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const edit = (start: number, end: number, text: string) => ({ Span: { uri: "", start: { line: 1, column: 0, offset: start }, end: { line: 1, column: 0, offset: end } }, NewText: text });

describe("delta checkpoints", () => {
  it("rawJsonField returns a field's bytes exactly as sent (Go's escapes and spacing kept)", () => {
    const body = Buffer.from('{"version":3, "untypedDeployment" : {"a":"\\u003c\\"}","b":[1,{"c":2}]},"sequenceNumber":7}');
    expect(rawJsonField(body, "untypedDeployment")?.toString()).toBe('{"a":"\\u003c\\"}","b":[1,{"c":2}]}');
    expect(rawJsonField(body, "sequenceNumber")?.toString()).toBe("7");
    expect(rawJsonField(body, "missing")).toBeUndefined();
  });

  it("edits apply in order; out-of-order or out-of-range edits are refused", () => {
    const before = Buffer.from('{"resources":[A,B,C]}');
    expect(applyTextEdits(before, [edit(14, 15, "X"), edit(18, 19, "Y,Z")]).toString()).toBe('{"resources":[X,B,Y,Z]}');
    expect(() => applyTextEdits(before, [edit(18, 19, "Y"), edit(14, 15, "X")])).toThrow(/out of order/);
    expect(() => applyTextEdits(before, [edit(14, 99, "X")])).toThrow(/outside/);
    expect(() => applyTextEdits(before, [{ NewText: "x" }])).toThrow(/Span/);
  });

  it("a delta applies to the base of the sequence before it, is checked by hash, and a retry is recognised", () => {
    const bases = new DeltaBases();
    bases.remember("u1", 1, Buffer.from("[A,B]"));
    const next = "[A,B,C]";
    expect(bases.apply("u1", 2, sha(next), [edit(4, 4, ",C")])?.toString()).toBe(next);
    // The same delta again (its response was lost): nothing more to write.
    expect(bases.apply("u1", 2, sha(next), [edit(4, 4, ",C")])).toBeUndefined();
    // A wrong hash, a gap in sequence numbers, or an unknown update: Conflict, so the client sends the whole.
    expect(() => bases.apply("u1", 3, sha("nope"), [edit(0, 0, "")])).toThrow(expect.objectContaining({ code: "Conflict" }));
    expect(() => bases.apply("u1", 5, sha(next), [])).toThrow(expect.objectContaining({ code: "Conflict" }));
    expect(() => bases.apply("other", 2, sha(next), [])).toThrow(expect.objectContaining({ code: "Conflict" }));
    bases.forget("u1");
    expect(() => bases.apply("u1", 3, sha(next), [])).toThrow(expect.objectContaining({ code: "Conflict" }));
  });
});
