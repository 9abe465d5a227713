/**
 * Messages between the paused-writer check (parent) and its child process (`paused-writer-child`),
 * over Node's IPC channel. Bytes never cross it: both sides build them from `valueFor`.
 */
export interface ChildStart {
  type: "start";
  /** Absolute path or file: URL of the store author's module exporting `openStore(args)`. */
  module: string;
  args: unknown;
  key: string;
  baseVersion: string;
  tag: string;
  valueBytes: number;
}

export interface ChildGo {
  type: "put";
}

export type ChildReport =
  | { type: "ready" }
  | { type: "result"; ok: true; version: string }
  | { type: "result"; ok: false; code: string | undefined; message: string }
  | { type: "fatal"; message: string };

/**
 * A value of `size` bytes that names its writer: the tag, then a filler byte derived from the tag,
 * so two writers' values differ from the first byte and a torn mix would be caught as neither.
 */
export function valueFor(tag: string, size: number): Uint8Array {
  const head = new TextEncoder().encode(`${tag}\n`);
  let fill = 0;
  for (const byte of head) fill = (fill * 31 + byte) & 0xff;
  const value = new Uint8Array(Math.max(size, head.length)).fill(fill);
  value.set(head, 0);
  return value;
}
