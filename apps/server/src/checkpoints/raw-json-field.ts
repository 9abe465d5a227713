import { CairnError } from "@cairn/core";

/**
 * The exact bytes of one top-level field's value in a JSON object, as the client sent them.
 * Delta checkpoints are text edits against the bytes of the previous checkpoint, so the server
 * must keep those bytes as sent, not a re-serialisation (Go escapes and formats differently).
 * The body must already be known to be valid JSON (it was parsed before this is called).
 */
export function rawJsonField(body: Buffer, field: string): Buffer | undefined {
  let i = skipSpace(body, 0);
  if (body[i] !== 0x7b) return undefined; // {
  i++;
  for (;;) {
    i = skipSpace(body, i);
    if (body[i] === 0x7d) return undefined; // } : not found
    const keyEnd = endOfString(body, i);
    const key = JSON.parse(body.subarray(i, keyEnd).toString("utf8")) as string;
    i = skipSpace(body, keyEnd);
    i = skipSpace(body, i + 1); // the colon
    const valueEnd = endOfValue(body, i);
    if (key === field) return body.subarray(i, valueEnd);
    i = skipSpace(body, valueEnd);
    if (body[i] === 0x2c) i++; // ,
  }
}

function skipSpace(body: Buffer, i: number): number {
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  return i;
}

/** `i` at an opening quote: the index just past the closing one. */
function endOfString(body: Buffer, i: number): number {
  if (body[i] !== 0x22) throw new CairnError("InvalidArgument", "malformed JSON: expected a string");
  for (let j = i + 1; j < body.length; j++) {
    if (body[j] === 0x5c) j++; // an escape: skip the next byte
    else if (body[j] === 0x22) return j + 1;
  }
  throw new CairnError("InvalidArgument", "malformed JSON: unterminated string");
}

function endOfValue(body: Buffer, i: number): number {
  const first = body[i];
  if (first === 0x22) return endOfString(body, i);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let j = i; j < body.length; j++) {
      const byte = body[j];
      if (byte === 0x22) j = endOfString(body, j) - 1;
      else if (byte === 0x7b || byte === 0x5b) depth++;
      else if (byte === 0x7d || byte === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    throw new CairnError("InvalidArgument", "malformed JSON: unterminated value");
  }
  let j = i;
  while (j < body.length && body[j] !== 0x2c && body[j] !== 0x7d && body[j] !== 0x5d && body[j] !== 0x20 && body[j] !== 0x0a && body[j] !== 0x0d && body[j] !== 0x09) j++;
  return j;
}
