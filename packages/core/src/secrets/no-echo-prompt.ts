import { createInterface, emitKeypressEvents, type Interface } from "node:readline";
import { CairnError } from "../errors.js";
import type { PassphrasePrompt } from "./passphrase-source.js";

/** The parts of a terminal's input stream the prompt uses (process.stdin has them). */
export interface PromptInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface NoEchoPromptOptions {
  /** Defaults to process.stdin. */
  input?: PromptInput;
  /** Where the question goes; defaults to process.stderr so stdout stays clean for `--json`. */
  output?: NodeJS.WritableStream;
}

interface Keypress {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
}

/**
 * A prompt that reads a line without echoing it. On a terminal it switches to raw mode (so the
 * terminal echoes nothing) and collects keypresses itself: Enter ends, Backspace deletes, Ctrl-C
 * cancels. Without a terminal (a pipe), nothing echoes anyway and it reads one line per question.
 */
export function createNoEchoPrompt(options: NoEchoPromptOptions = {}): PassphrasePrompt {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  let lines: LineReader | undefined;
  return async (question) => {
    output.write(`${question}: `);
    if (input.isTTY && typeof input.setRawMode === "function") return readHidden(input, output);
    lines ??= new LineReader(input);
    const line = await lines.next();
    output.write("\n");
    if (line === undefined) throw new CairnError("InvalidArgument", "no passphrase on standard input (it ended)");
    return line;
  };
}

function readHidden(input: PromptInput, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw ?? false;
    let answer = "";
    const finish = (error?: CairnError): void => {
      input.removeListener("keypress", onKeypress);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(answer);
    };
    const onKeypress = (text: string | undefined, key: Keypress | undefined): void => {
      if (key?.ctrl && (key.name === "c" || (key.name === "d" && answer === ""))) {
        finish(new CairnError("Canceled", "passphrase prompt canceled"));
      } else if (key?.name === "return" || key?.name === "enter" || (key?.ctrl && key.name === "d")) {
        finish();
      } else if (key?.name === "backspace") {
        answer = Array.from(answer).slice(0, -1).join("");
      } else if (text !== undefined && text !== "" && !key?.ctrl && !key?.meta && !/[\u0000-\u001f\u007f]/.test(text)) {
        // Control characters and escape sequences (arrow keys) are not part of a passphrase.
        answer += text;
      }
    };
    emitKeypressEvents(input);
    input.setRawMode?.(true);
    input.on("keypress", onKeypress);
    input.resume();
  });
}

/** One readline interface for all questions, so a second line already buffered is not lost. */
class LineReader {
  readonly #lines: string[] = [];
  readonly #waiting: Array<(line: string | undefined) => void> = [];
  readonly #reader: Interface;
  #ended = false;

  constructor(input: NodeJS.ReadableStream) {
    this.#reader = createInterface({ input, terminal: false, crlfDelay: Infinity });
    this.#reader.on("line", (line) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(line);
      else this.#lines.push(line);
      if (this.#waiting.length === 0) this.#reader.pause();
    });
    this.#reader.on("close", () => {
      this.#ended = true;
      for (const waiter of this.#waiting.splice(0)) waiter(undefined);
    });
  }

  next(): Promise<string | undefined> {
    const buffered = this.#lines.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#reader.resume();
    });
  }
}
