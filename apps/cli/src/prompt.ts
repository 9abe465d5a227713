import { createInterface } from "node:readline/promises";
import { CairnError } from "@cairn/core";
import type { Output } from "./output.js";

/**
 * Asks the user to type `expected` to confirm a destructive step. Without a terminal (or with
 * --non-interactive) it refuses, naming the flag that skips the question.
 */
export async function confirmByTyping(output: Output, question: string, expected: string, skipFlag: string, nonInteractive: boolean): Promise<void> {
  if (nonInteractive || !output.interactive) {
    throw new CairnError("InvalidArgument", `${question} needs confirmation`, { hint: `pass ${skipFlag} to confirm without a prompt` });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question}\nPlease confirm by typing "${expected}": `);
    if (answer.trim() !== expected) throw new CairnError("Canceled", "confirmation did not match; nothing was changed");
  } finally {
    rl.close();
  }
}
