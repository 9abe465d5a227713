/** Where commands write. Tests capture it; the binary passes process streams. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether a human is at the keyboard (prompts and progress allowed). */
  interactive: boolean;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
};
