import { expect, it } from "vitest";
import { main } from "../src/main.js";
import { runProgram } from "../src/program.js";
import type { Output } from "../src/output.js";

/**
 * `main` answers `cairn version [--json]` and `cairn --version` before loading the command tree
 * (start-up: no commander, no core). The answer must be the one commander gives for the same
 * arguments, and any other argument list must still go through commander.
 */
function capture(): { output: Output; text: () => { out: string; err: string } } {
  const out: string[] = [];
  const err: string[] = [];
  return { output: { out: (text) => void out.push(text), err: (text) => void err.push(text), interactive: false }, text: () => ({ out: out.join("\n"), err: err.join("\n") }) };
}

const VERSION = "9.8.7-test";

const ARGVS = [["version"], ["version", "--json"], ["version", "-j"], ["--version"], ["-V"], ["version", "--help"], ["version", "--json", "extra"], ["version", "--bogus"]];
it.each(ARGVS.map((argv) => ({ argv, shown: argv.join(" ") })))(
  "cairn $shown prints what commander prints, with the same exit code",
  async ({ argv }) => {
    const fast = capture();
    const slow = capture();
    // The fast path reads the real package.json; give commander the same version.
    const real = capture();
    await main(["--version"], { output: real.output });
    const version = real.text().out;
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    const fastCode = await main(argv, { output: fast.output, env: {}, cwd: process.cwd() });
    const slowCode = await runProgram(argv, slow.output, {}, process.cwd(), version);
    expect({ code: fastCode, ...fast.text() }).toEqual({ code: slowCode, ...slow.text() });
  },
);

it("commander prints the version it is given (so the comparison above can fail)", async () => {
  const slow = capture();
  expect(await runProgram(["version", "--json"], slow.output, {}, process.cwd(), VERSION)).toBe(0);
  expect(slow.text().out).toBe(JSON.stringify({ version: VERSION }));
});
