import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNoEchoPrompt, readNewPassphrase, readPassphrase, type PromptInput } from "@cairn/core";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "cairn-passphrase-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const never = async (): Promise<string> => {
  throw new Error("prompted although the environment had the passphrase");
};

describe("readPassphrase", () => {
  it("prefers PULUMI_CONFIG_PASSPHRASE, even when it is empty", async () => {
    const file = join(directory, "unused");
    await expect(readPassphrase({ env: { PULUMI_CONFIG_PASSPHRASE: "from-env", PULUMI_CONFIG_PASSPHRASE_FILE: file }, prompt: never })).resolves.toBe("from-env");
    await expect(readPassphrase({ env: { PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: file }, prompt: never })).resolves.toBe("");
  });

  it("reads PULUMI_CONFIG_PASSPHRASE_FILE, trimming surrounding whitespace as Go's TrimSpace does", async () => {
    await writeFile(join(directory, "phrase"), "  \tpass phrase\u00a0 \r\n");
    await expect(readPassphrase({ env: { PULUMI_CONFIG_PASSPHRASE_FILE: "phrase" }, cwd: directory, prompt: never })).resolves.toBe("pass phrase");
    // U+FEFF is not space to Go, so it stays (JavaScript's trim() would drop it).
    await writeFile(join(directory, "bom"), "\ufeffphrase\n");
    await expect(readPassphrase({ env: { PULUMI_CONFIG_PASSPHRASE_FILE: join(directory, "bom") } })).resolves.toBe("\ufeffphrase");
  });

  it("an unreadable passphrase file is InvalidArgument naming the variable", async () => {
    await expect(readPassphrase({ env: { PULUMI_CONFIG_PASSPHRASE_FILE: join(directory, "missing") } })).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining("PULUMI_CONFIG_PASSPHRASE_FILE"),
    });
  });

  it("prompts when neither variable is set (an empty file variable counts as unset)", async () => {
    const questions: string[] = [];
    const prompt = async (question: string) => {
      questions.push(question);
      return "typed";
    };
    await expect(readPassphrase({ env: { PULUMI_CONFIG_PASSPHRASE_FILE: "" }, prompt, stackName: "dev" })).resolves.toBe("typed");
    expect(questions[0]).toContain("for stack dev");
  });

  it("non-interactive, or without a prompt, it is InvalidArgument naming both variables", async () => {
    for (const options of [{ env: {}, nonInteractive: true, prompt: never }, { env: {} }]) {
      const error = await readPassphrase(options).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "InvalidArgument" });
      expect((error as Error).message).toContain("PULUMI_CONFIG_PASSPHRASE ");
      expect((error as Error).message).toContain("PULUMI_CONFIG_PASSPHRASE_FILE");
    }
  });

  it("a new passphrase is asked twice and must match", async () => {
    const answers = (...values: string[]) => async () => values.shift() ?? "";
    await expect(readNewPassphrase({ env: {}, prompt: answers("same", "same") })).resolves.toBe("same");
    await expect(readNewPassphrase({ env: {}, prompt: answers("one", "two") })).rejects.toMatchObject({ code: "InvalidArgument" });
    // When rotating, the environment holds the old passphrase and is ignored.
    await expect(
      readNewPassphrase({ env: { PULUMI_CONFIG_PASSPHRASE: "old" }, useEnvironment: false, prompt: answers("new", "new") }),
    ).resolves.toBe("new");
  });
});

/** A terminal stand-in: a stream that reports being a TTY and records raw-mode switches. */
function fakeTerminal(): { input: PromptInput & PassThrough; output: PassThrough; rawModes: boolean[]; shown: () => string } {
  const input = new PassThrough() as PromptInput & PassThrough;
  const rawModes: boolean[] = [];
  input.isTTY = true;
  input.isRaw = false;
  input.setRawMode = (mode: boolean) => {
    rawModes.push(mode);
    input.isRaw = mode;
    return input;
  };
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { input, output, rawModes, shown: () => Buffer.concat(chunks).toString("utf8") };
}

describe("createNoEchoPrompt", () => {
  it("reads in raw mode, echoes nothing, handles backspace, and restores the terminal", async () => {
    const terminal = fakeTerminal();
    const prompt = createNoEchoPrompt({ input: terminal.input, output: terminal.output });
    const answer = prompt("Passphrase");
    terminal.input.write("s3cretX\x7f\x1b[Dé\r");
    await expect(answer).resolves.toBe("s3creté");
    expect(terminal.rawModes).toEqual([true, false]);
    expect(terminal.shown()).toContain("Passphrase");
    expect(terminal.shown()).not.toContain("s3cret");
  });

  it("Ctrl-C cancels", async () => {
    const terminal = fakeTerminal();
    const answer = createNoEchoPrompt({ input: terminal.input, output: terminal.output })("Passphrase");
    terminal.input.write("abc\x03");
    await expect(answer).rejects.toMatchObject({ code: "Canceled" });
    expect(terminal.rawModes).toEqual([true, false]);
  });

  it("without a terminal it reads one line per question from the pipe", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const prompt = createNoEchoPrompt({ input, output });
    input.end("first\nsecond\n");
    await expect(prompt("one")).resolves.toBe("first");
    await expect(prompt("two")).resolves.toBe("second");
    await expect(prompt("three")).rejects.toMatchObject({ code: "InvalidArgument" });
  });
});
