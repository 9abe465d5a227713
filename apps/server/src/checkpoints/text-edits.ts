import { CairnError } from "@cairn/core";

/**
 * One edit of a delta checkpoint, as the Pulumi CLI marshals `gotextdiff.TextEdit`: replace the
 * bytes `[Span.start.offset, Span.end.offset)` of the previous checkpoint with `NewText`.
 */
interface TextEdit {
  Span: { start: { offset: number }; end: { offset: number } };
  NewText: string;
}

/**
 * Applies a delta's edits to the previous checkpoint's bytes. Edits must be in order and must
 * not overlap (the CLI produces them from a line diff that way); anything else is refused, so a
 * malformed delta never yields a plausible-looking wrong checkpoint (the hash check is the second
 * guard).
 */
export function applyTextEdits(before: Buffer, edits: unknown): Buffer {
  if (!Array.isArray(edits)) throw new CairnError("InvalidArgument", "deploymentDelta must be a list of text edits");
  const parts: Buffer[] = [];
  let cursor = 0;
  edits.forEach((value: unknown, index) => {
    const edit = value as Partial<TextEdit> | null;
    const start = edit?.Span?.start?.offset;
    const end = edit?.Span?.end?.offset;
    if (!Number.isInteger(start) || !Number.isInteger(end) || typeof edit?.NewText !== "string") {
      throw new CairnError("InvalidArgument", `deploymentDelta[${index}] must be {Span: {start: {offset}, end: {offset}}, NewText}`);
    }
    if ((start as number) < cursor || (end as number) < (start as number) || (end as number) > before.length) {
      throw new CairnError("InvalidArgument", `deploymentDelta[${index}] is out of order or outside the previous checkpoint`);
    }
    parts.push(before.subarray(cursor, start), Buffer.from(edit.NewText, "utf8"));
    cursor = end as number;
  });
  parts.push(before.subarray(cursor));
  return Buffer.concat(parts);
}
