import type { ChildProcess } from "node:child_process";

/** The most a child's output kept for an error message (its tail). */
const KEEP = 16_384;

/**
 * Resolves with the first line a child prints on stdout (its "listening" line); rejects with the
 * child's output when it exits first or prints nothing within `timeoutMs`. Later output is drained
 * and dropped, so a chatty server never fills its pipe.
 */
export function readReadyLine(child: ChildProcess, name: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let output = "";
    let settled = false;
    const keep = (chunk: Buffer) => {
      if (!settled) output = (output + chunk.toString()).slice(-KEEP);
    };
    const finish = (error: Error | undefined, line?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off("exit", onExit);
      if (error === undefined) resolve(line!);
      else reject(error);
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`${name} exited (${signal ?? `code ${String(code)}`}) before it was ready:\n${output}`));
    const timer = setTimeout(() => finish(new Error(`${name} was not ready within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (settled) return;
      stdout += chunk.toString();
      const end = stdout.indexOf("\n");
      if (end >= 0) finish(undefined, stdout.slice(0, end).trim());
    });
    child.stderr?.on("data", keep);
    child.once("exit", onExit);
  });
}
