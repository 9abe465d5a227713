import type { Command } from "commander";

/**
 * What shell completion needs to know about one command, read from commander's own tree: the same
 * subcommands and flags `--help` shows (commander's `visibleCommands`/`visibleOptions`, so hidden
 * ones stay hidden and the implicit `help` command and `-h/--help` are included). Every script
 * generator reads only this, so bash, zsh and fish complete the same things.
 */
export interface CompletionNode {
  /** Command names from the root, without `cairn`: [] for the root, ["stack", "ls"]. */
  path: string[];
  /** The other names commander accepts for it (`list` for `stack tag ls`). */
  aliases: string[];
  /** Every way to type the path, aliases included: ["stack tag ls", "stack tag list"] (each a word list). */
  spellings: string[][];
  description: string;
  commands: CompletionNode[];
  flags: CompletionFlag[];
  /**
   * The positional argument (0-based) from which on the words are existing stack names, or
   * undefined. Only the argument at that index unless `stackArgumentVariadic`.
   */
  stackArgument?: number;
  stackArgumentVariadic?: boolean;
  /** The allowed values of positional arguments that have a fixed set (`completion <shell>`), by index. */
  argumentChoices: { index: number; choices: string[] }[];
}

export interface CompletionFlag {
  /** Every spelling: ["-s", "--stack"]. */
  names: string[];
  description: string;
  /** The flag is followed by a value (`<value>` or `[value]`). */
  takesValue: boolean;
  /** Its value is the name of an existing stack (a `<stack>` placeholder). */
  takesStack: boolean;
}

/** Commands that create the stack they are given: completing existing names there would mislead. */
const CREATES_STACK = new Set(["stack init"]);

/** Arguments (and option values) that name an existing stack: `[stack]`, `<stack>`, `[stacks...]`. */
const STACK_PLACEHOLDER = /^(stack|stacks)$/;

/** The tree under `program` (the root command), as completion sees it. */
export function completionTree(program: Command): CompletionNode {
  return nodeFor(program, [], [[]]);
}

function nodeFor(command: Command, path: string[], spellings: string[][]): CompletionNode {
  const help = command.createHelp();
  const createsStack = CREATES_STACK.has(path.join(" "));
  const node: CompletionNode = {
    path,
    aliases: command.aliases(),
    spellings,
    description: command.description(),
    commands: help.visibleCommands(command).map((child) =>
      nodeFor(
        child,
        [...path, child.name()],
        spellings.flatMap((prefix) => [child.name(), ...child.aliases()].map((name) => [...prefix, name])),
      ),
    ),
    flags: help.visibleOptions(command).map((option) => {
      const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? "";
      return {
        names: [option.short, option.long].filter((name): name is string => name !== undefined),
        description: option.description,
        takesValue: option.required || option.optional,
        takesStack: !createsStack && STACK_PLACEHOLDER.test(placeholder),
      };
    }),
    argumentChoices: [],
  };
  node.argumentChoices = command.registeredArguments.flatMap((argument, index) => (argument.argChoices ? [{ index, choices: argument.argChoices }] : []));
  const stackArgument = createsStack ? -1 : command.registeredArguments.findIndex((argument) => STACK_PLACEHOLDER.test(argument.name()));
  if (stackArgument >= 0) {
    node.stackArgument = stackArgument;
    if (command.registeredArguments[stackArgument]?.variadic) node.stackArgumentVariadic = true;
  }
  return node;
}

/** The node and all below it, depth first (root first). */
export function everyNode(node: CompletionNode): CompletionNode[] {
  return [node, ...node.commands.flatMap(everyNode)];
}
