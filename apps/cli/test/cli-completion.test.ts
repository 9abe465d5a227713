import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../src/main.js";
import { CAIRN_BIN, createSandbox, type Sandbox } from "./helpers.js";

/**
 * Shell completion, checked against the command tree as `--help` shows it (parsed from the help
 * text, not from the completion code): bash for real (the script sourced into /usr/bin/bash, the
 * completion function called as bash calls it), zsh and fish by the script's content, since neither
 * shell is installed on this machine.
 */

interface HelpNode {
  path: string[];
  /** Subcommand names and aliases ("ls|list" in the help is both). */
  commands: string[];
  /** Each subcommand by its own name. */
  children: string[];
  flags: string[];
  /** The fixed values of its positional arguments (`(choices: "bash", …)` in the help). */
  choices: string[];
}

/** `cairn <path> --help`, in-process: the subcommand names and flag spellings it lists. */
async function helpOf(path: string[]): Promise<HelpNode> {
  const lines: string[] = [];
  const output = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(text), interactive: false };
  expect(await main([...path, "--help"], { output, env: { PULUMI_HOME: "/nonexistent" } })).toBe(0);
  const sections: Record<string, string[]> = {};
  let section = "";
  for (const line of lines.join("\n").split("\n")) {
    if (/^\S.*:$/.test(line)) section = line.slice(0, -1);
    else if (/^ {2}\S/.test(line)) (sections[section] ??= []).push(line.trim().split(/\s{2,}/)[0] ?? "");
  }
  const choices = [...lines.join("\n").matchAll(/\(choices: ([^)]*)\)/g)].flatMap((match) => [...(match[1] ?? "").matchAll(/"([^"]+)"/g)].map((choice) => choice[1] ?? ""));
  const names = (sections.Commands ?? []).map((term) => (term.split(" ")[0] ?? "").split("|"));
  return {
    path,
    commands: names.flat(),
    children: names.map((spellings) => spellings[0] ?? ""),
    choices,
    flags: (sections.Options ?? []).flatMap((term) => term.split(/[ ,]+/).filter((word) => word.startsWith("-"))),
  };
}

async function helpTree(path: string[] = []): Promise<HelpNode[]> {
  const node = await helpOf(path);
  const children = await Promise.all(node.children.filter((name) => name !== "help").map((name) => helpTree([...path, name])));
  return [node, ...children.flat()];
}

let sandbox: Sandbox;
let tree: HelpNode[];
let scripts: Record<"bash" | "zsh" | "fish", string>;
let binDir: string;

beforeAll(async () => {
  sandbox = createSandbox();
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
  for (const stack of ["dev", "prod"]) expect(sandbox.run(["stack", "init", stack]).status).toBe(0);
  tree = await helpTree();
  const generated = (shell: string) => {
    const result = sandbox.run(["completion", shell]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return result.stdout;
  };
  scripts = { bash: generated("bash"), zsh: generated("zsh"), fish: generated("fish") };
  // The scripts call `cairn` by the name typed; here that is a wrapper for the built CLI.
  binDir = join(sandbox.root, "bin");
  mkdirSync(binDir);
  writeFileSync(join(binDir, "cairn"), `#!/bin/sh\nexec "${process.execPath}" "${CAIRN_BIN}" "$@"\n`);
  chmodSync(join(binDir, "cairn"), 0o755);
  writeFileSync(join(sandbox.root, "completion.bash"), scripts.bash);
});
afterAll(() => sandbox?.dispose());

/**
 * Completes each command line (the cursor at its end; a trailing space starts a new word) in one
 * real bash: COMP_WORDS/COMP_CWORD as bash sets them, the function registered by `complete -F`.
 */
function bashComplete(lines: string[]): string[][] {
  const calls = lines.map((line) => {
    const words = line.split(/(=)|\s+/).filter((word) => word !== undefined && word !== "");
    if (line.endsWith(" ") || line.endsWith("=")) words.push("");
    const quoted = words.map((word) => `'${word}'`).join(" ");
    return `COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); "$fn" cairn '${words.at(-1)}' '${words.at(-2) ?? ""}'; printf '%s\\n' "\${COMPREPLY[@]}" | sort; echo '--end--'`;
  });
  const program = [
    "set -u",
    `source '${join(sandbox.root, "completion.bash")}'`,
    // The function `complete -F` registered for cairn, read back as bash stores it.
    `fn=$(complete -p cairn | sed -n 's/.*-F \\([^ ]*\\) .*/\\1/p')`,
    ...calls,
  ].join("\n");
  const result = spawnSync("/usr/bin/bash", ["--norc", "--noprofile", "-c", program], {
    cwd: sandbox.project,
    env: { PATH: `${binDir}:${process.env.PATH}`, HOME: sandbox.root, PULUMI_HOME: sandbox.home, PULUMI_CONFIG_PASSPHRASE: "x" },
    encoding: "utf8",
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  const answers = result.stdout.split("--end--\n").slice(0, -1);
  expect(answers).toHaveLength(lines.length);
  return answers.map((answer) => answer.split("\n").filter((word) => word !== ""));
}

const sorted = (words: string[]) => [...words].sort();
const node = (path: string) => {
  const found = tree.find((candidate) => candidate.path.join(" ") === path);
  if (found === undefined) throw new Error(`no command ${path}`);
  return found;
};

describe("bash (/usr/bin/bash, for real)", () => {
  it("completes command names, subcommands and flags as --help lists them", () => {
    const [st, stac, stack, login, loginC, tagValue, shells] = bashComplete([
      "cairn st",
      "cairn stac",
      "cairn stack ",
      "cairn login --",
      "cairn login -c file://x --n",
      "cairn stack tag -s ls ",
      "cairn completion ",
    ]);
    expect(st).toEqual(["stack", "state"]);
    expect(stac).toEqual(["stack"]);
    expect(stack).toEqual(sorted(node("stack").commands));
    expect(stack).toContain("select");
    expect(login).toEqual(sorted(node("login").flags.filter((flag) => flag.startsWith("--"))));
    expect(login).toContain("--local");
    // -c takes a value: file://x is skipped, not taken for a subcommand or an argument.
    expect(loginC).toEqual(["--non-interactive"]);
    // A flag's value is not a subcommand, even when it reads like one (a stack named "ls").
    expect(tagValue).toEqual(sorted(node("stack tag").commands));
    // A positional argument with fixed values offers them.
    expect(shells).toEqual(["bash", "fish", "zsh"]);
  });

  it("every command's subcommands and flags, the whole tree", () => {
    const lines = tree.flatMap((entry) => [["cairn", ...entry.path, ""].join(" "), ["cairn", ...entry.path, "-"].join(" ")]);
    const answers = bashComplete(lines);
    tree.forEach((entry, i) => {
      const [commands, flags] = [answers[2 * i], answers[2 * i + 1]];
      const stacks = ["dev", "prod"].filter((name) => commands?.includes(name));
      expect({ path: entry.path, commands: commands?.filter((word) => !stacks.includes(word)) }).toEqual({ path: entry.path, commands: sorted([...entry.commands, ...entry.choices]) });
      expect({ path: entry.path, flags }).toEqual({ path: entry.path, flags: sorted(entry.flags) });
    });
  });

  it("stack names where a stack is expected, read from the backend; none where a stack is created", () => {
    const [select, flag, equals, rm, init, tagFlag] = bashComplete([
      "cairn stack select ",
      "cairn stack export --stack ",
      "cairn stack export --stack=p",
      "cairn stack rm -y ",
      "cairn stack init ",
      "cairn stack tag ls -s d",
    ]);
    expect(select).toEqual(["dev", "prod"]);
    expect(flag).toEqual(["dev", "prod"]);
    expect(equals).toEqual(["prod"]);
    expect(rm).toEqual(["dev", "prod"]);
    expect(init).toEqual([]);
    expect(tagFlag).toEqual(["dev"]);
  });

  it("outside a project or logged out, stack names are quietly nothing", () => {
    const result = spawnSync(
      "/usr/bin/bash",
      ["--norc", "-c", `source '${join(sandbox.root, "completion.bash")}'; COMP_WORDS=(cairn stack select ''); COMP_CWORD=3; _cairn_completion cairn '' select; echo "[\${COMPREPLY[*]}]"`],
      { cwd: sandbox.root, env: { PATH: `${binDir}:${process.env.PATH}`, HOME: sandbox.root, PULUMI_HOME: join(sandbox.root, "empty-home") }, encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("[]\n");
  });
});

/** The lines of the script's `case` branch for `path` (up to its `;;`). */
function caseBranch(script: string, label: string, path: string): string {
  const start = script.search(new RegExp(`\n {4}${label}${path}${label}[)|]`));
  expect(start, `no case branch for "${path}"`).toBeGreaterThanOrEqual(0);
  return script.slice(start, script.indexOf(";;", start));
}

describe("zsh (not installed here: the script's content is checked against the command tree)", () => {
  it("is a #compdef function that also registers itself when sourced", () => {
    expect(scripts.zsh.startsWith("#compdef cairn\n")).toBe(true);
    expect(scripts.zsh).toContain("compdef _cairn cairn");
  });

  it("lists every command's subcommands (with descriptions) and flags", () => {
    for (const entry of tree) {
      const branch = caseBranch(scripts.zsh, "'", entry.path.join(" "));
      const list = (name: string) => /\((.*)\)/.exec(branch.split("\n").find((line) => line.trim().startsWith(`${name}=(`)) ?? "")?.[1] ?? "";
      const commands = [...list("cmddescs").matchAll(/'([\w-]+):/g)].map((match) => match[1]);
      expect({ path: entry.path, commands }).toEqual({ path: entry.path, commands: entry.commands });
      const described = [...list("flagdescs").matchAll(/'(-[^:']+):/g)].map((match) => match[1]);
      expect({ path: entry.path, flags: described }).toEqual({ path: entry.path, flags: entry.flags });
    }
    expect(caseBranch(scripts.zsh, "'", "stack export")).toMatch(/sflags=\(-s --stack\)/);
    expect(caseBranch(scripts.zsh, "'", "completion")).toContain(`achoices=(${node("completion").choices.map((shell) => `0=${shell}`).join(" ")})`);
  });
});

describe("fish (not installed here: the script's content is checked against the command tree)", () => {
  it("has a complete line for every subcommand and flag, conditioned on its command", () => {
    const lines = scripts.fish.split("\n").filter((line) => line.startsWith("complete -c cairn "));
    for (const entry of tree) {
      const at = `-n '__cairn_at \\'${entry.path.join(" ")}\\''`;
      const mine = lines.filter((line) => line.includes(at));
      const commands = mine.flatMap((line) => /^complete -c cairn -f -n '(?:\\'|[^'])*' -a ([\w-]+) -d /.exec(line)?.[1] ?? []);
      expect({ path: entry.path, commands }).toEqual({ path: entry.path, commands: entry.commands });
      const flags = mine.flatMap((line) => [...line.matchAll(/ -([ls]) (\S+)/g)].map(([, kind, name]) => (kind === "l" ? `--${name}` : `-${name}`)));
      expect({ path: entry.path, flags: sorted(flags) }).toEqual({ path: entry.path, flags: sorted(entry.flags) });
    }
    expect(lines).toContain("complete -c cairn -f -n '__cairn_at \\'stack select\\' 0' -a '(__cairn_stacks)'");
    expect(lines).toContain(`complete -c cairn -f -n '__cairn_at \\'completion\\' 0' -a '${node("completion").choices.join(" ")}'`);
    expect(lines.some((line) => line.includes("'__cairn_at \\'stack init\\'") && line.includes("__cairn_stacks"))).toBe(false);
  });
});

it("an unknown shell is a usage error naming the choices, and prints no script", () => {
  const result = sandbox.run(["completion", "tcsh"]);
  expect(result.status).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/bash.*zsh.*fish/);
});
