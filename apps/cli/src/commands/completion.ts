import { type Command, Argument } from "commander";
import type { RunCommand } from "../run-command.js";
import { completionTree } from "../completion/command-tree.js";
import { bashScript } from "../completion/bash.js";
import { zshScript } from "../completion/zsh.js";
import { fishScript } from "../completion/fish.js";

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;
type Shell = keyof typeof SCRIPTS;

const INSTALL = `
Install (then start a new shell):
  bash  add to ~/.bashrc:     source <(cairn completion bash)
        or save it:           cairn completion bash > ~/.local/share/bash-completion/completions/cairn
  zsh   save it in $fpath:    cairn completion zsh > "\${fpath[1]}/_cairn"   (before compinit runs)
        or add to ~/.zshrc:   source <(cairn completion zsh)              (after compinit)
  fish  save it:              cairn completion fish > ~/.config/fish/completions/cairn.fish

Completes commands, subcommands and flags; where a stack is expected (--stack, stack select …),
the current project's stack names, read with \`cairn stack ls --json\`.`;

/**
 * `cairn completion bash|zsh|fish`: prints a completion script generated from the command tree
 * as it is when the command runs, so every command registered in main.ts is in it, with no list to
 * keep in step.
 */
export function registerCompletion(program: Command, run: RunCommand): void {
  program
    .command("completion")
    .description("Print a shell completion script for bash, zsh or fish")
    .addArgument(new Argument("<shell>", "the shell").choices(Object.keys(SCRIPTS)))
    .addHelpText("after", INSTALL)
    .action(
      run(async (context, shell: Shell) => {
        context.output.out(SCRIPTS[shell](completionTree(program), program.name()).replace(/\n$/, ""));
      }),
    );
}
