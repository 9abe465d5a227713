import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CairnError } from "../errors.js";

export const PASSPHRASE_ENV = "PULUMI_CONFIG_PASSPHRASE";
export const PASSPHRASE_FILE_ENV = "PULUMI_CONFIG_PASSPHRASE_FILE";

/** Asks the user a question and returns the answer without echoing it (see `createNoEchoPrompt`). */
export type PassphrasePrompt = (question: string) => Promise<string>;

export interface ReadPassphraseOptions {
  /** Defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** `--non-interactive`: never prompt; a missing passphrase is an error. */
  nonInteractive?: boolean;
  /** The CLI passes a no-echo terminal prompt; without one, a missing passphrase is an error. */
  prompt?: PassphrasePrompt;
  /** Named in the prompt ("… for stack dev"). */
  stackName?: string;
  /** Base for a relative PULUMI_CONFIG_PASSPHRASE_FILE; defaults to `process.cwd()`. */
  cwd?: string;
}

/**
 * The passphrase of an existing stack, looked up as Pulumi does (`pkg/secrets/passphrase/manager.go`
 * `readPassphrase`): `PULUMI_CONFIG_PASSPHRASE` when it is set at all — even to the empty string,
 * which is a valid passphrase — then the file named by a non-empty `PULUMI_CONFIG_PASSPHRASE_FILE`
 * (its contents with surrounding whitespace trimmed), then a prompt.
 */
export async function readPassphrase(options: ReadPassphraseOptions = {}): Promise<string> {
  const fromEnvironment = await passphraseFromEnvironment(options);
  if (fromEnvironment !== undefined) return fromEnvironment;
  const prompt = interactivePrompt(options);
  const forStack = options.stackName ? ` for stack ${options.stackName}` : "";
  return prompt(
    `Enter your passphrase to unlock config/secrets${forStack}\n` +
      `    (set ${PASSPHRASE_ENV} or ${PASSPHRASE_FILE_ENV} to remember)`,
  );
}

export interface ReadNewPassphraseOptions extends ReadPassphraseOptions {
  /**
   * Whether the environment may supply the new passphrase (true for `stack init`). Pulumi ignores
   * the environment when rotating, because there it holds the OLD passphrase.
   */
  useEnvironment?: boolean;
}

/** A passphrase for a new provider: from the environment, or prompted twice and confirmed. */
export async function readNewPassphrase(options: ReadNewPassphraseOptions = {}): Promise<string> {
  if (options.useEnvironment ?? true) {
    const fromEnvironment = await passphraseFromEnvironment(options);
    if (fromEnvironment !== undefined) return fromEnvironment;
  }
  const prompt = interactivePrompt(options);
  const first = await prompt("Enter your passphrase to protect config/secrets");
  const second = await prompt("Re-enter your passphrase to confirm");
  if (first !== second) {
    throw new CairnError("InvalidArgument", "passphrases do not match", { hint: "run the command again and type the same passphrase twice" });
  }
  return first;
}

async function passphraseFromEnvironment(options: ReadPassphraseOptions): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const passphrase = env[PASSPHRASE_ENV];
  if (passphrase !== undefined) return passphrase;
  const file = env[PASSPHRASE_FILE_ENV];
  if (file === undefined || file === "") return undefined;
  const path = resolve(options.cwd ?? process.cwd(), file);
  let contents: string;
  try {
    contents = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new CairnError("InvalidArgument", `unable to read ${PASSPHRASE_FILE_ENV} (${path}): ${code}`, {
      cause: error,
      hint: `point ${PASSPHRASE_FILE_ENV} at a readable file that holds the passphrase`,
    });
  }
  return trimGoSpace(contents);
}

function interactivePrompt(options: ReadPassphraseOptions): PassphrasePrompt {
  if (options.nonInteractive || options.prompt === undefined) {
    throw new CairnError(
      "InvalidArgument",
      `passphrase must be set with ${PASSPHRASE_ENV} or ${PASSPHRASE_FILE_ENV} environment variables`,
      { hint: `set ${PASSPHRASE_ENV} to the passphrase, or ${PASSPHRASE_FILE_ENV} to a file that holds it` },
    );
  }
  return options.prompt;
}

// Go's strings.TrimSpace trims unicode.IsSpace characters. JavaScript's trim() differs in two
// places (it also trims U+FEFF, and not U+0085), and the passphrase must match byte for byte.
const GO_SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, "g");

export function trimGoSpace(text: string): string {
  return text.replace(GO_TRIM, "");
}
