import { spawn } from "node:child_process";
import { stopChild } from "./child-process.js";

/** A program running on a pseudo-terminal: what a user at a terminal sees and types. */
export interface PtyProcess {
  /** Everything written to the terminal so far, escape sequences and all. */
  output(): string;
  /** Types `text` (ENTER is "\r", as a terminal sends it). */
  type(text: string): void;
  /** Resolves with the output once `pattern` appears in it; rejects if the program ends first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The program's exit code (null when ended by a signal). */
  exited: Promise<number | null>;
  /** Ends the program (the terminal closes, as when its window is closed). */
  stop(): Promise<void>;
}

/**
 * Runs `command args…` on a pseudo-terminal (util-linux `script`), so a program that asks "is this
 * a terminal?" before prompting does prompt. The terminal answers the two queries full-screen
 * programs send on start (background colour, cursor position) as a terminal emulator would;
 * unanswered, they wait for a reply until their own timeout.
 */
export function startInPty(command: string, args: string[], options: { cwd: string; env: Record<string, string> }): PtyProcess {
  const commandLine = [command, ...args].map(shellQuote).join(" ");
  // -q: no "Script started" banner; -f: flush each write; -e: exit with the program's code; -c: run this.
  const child = spawn("script", ["-qfec", commandLine, "/dev/null"], { cwd: options.cwd, env: { TERM: "xterm-256color", ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    output += text;
    if (text.includes("\x1b]11;?")) child.stdin.write("\x1b]11;rgb:0000/0000/0000\x1b\\");
    if (text.includes("\x1b[6n")) child.stdin.write("\x1b[1;1R");
    for (const listener of listeners) listener();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  let ended = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      ended = true;
      for (const listener of listeners) listener();
      resolve(code);
    }),
  );
  return {
    output: () => output,
    type: (text) => void child.stdin.write(text),
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) return finish(() => resolve(output));
          if (ended) finish(() => reject(new Error(`the program ended before ${pattern} appeared; it wrote:\n${output}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${pattern} did not appear within ${timeoutMs} ms; the terminal shows:\n${output}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
    exited,
    stop: () => stopChild(child),
  };
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
