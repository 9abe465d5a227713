import type { CompletionFlag, CompletionNode } from "./command-tree.js";

/**
 * Command and flag names go into the scripts unquoted (case labels, word lists): only names that
 * need no quoting in any of the three shells are allowed, so a new command cannot break a script.
 */
const SAFE_WORD = /^-{0,2}[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function safeWord(word: string): string {
  if (!SAFE_WORD.test(word)) throw new Error(`cannot complete ${JSON.stringify(word)}: command and flag names must match ${SAFE_WORD}`);
  return word;
}

/** "stack ls": the node's path as the scripts key it ("" for the root). */
export function pathKey(node: CompletionNode): string {
  return node.path.map(safeWord).join(" ");
}

/** Every typed form of the node's path ("stack tag ls", "stack tag list"), as case labels match them. */
export function pathKeys(node: CompletionNode): string[] {
  return node.spellings.map((words) => words.map(safeWord).join(" "));
}

/**
 * The names a subcommand is offered as: its own and its first alias, as `--help` shows them
 * ("ls|list"). Every alias is still understood when typed (`pathKeys`).
 */
export const namesOf = (child: CompletionNode): string[] => [child.path.at(-1) ?? "", ...child.aliases.slice(0, 1)].map(safeWord);
/** The node's subcommands as candidates. */
export const commandNames = (node: CompletionNode): string[] => node.commands.flatMap(namesOf);
/** Every name and alias a subcommand of the node can be typed as. */
export const typedNames = (node: CompletionNode): string[] => node.commands.flatMap((child) => [child.path.at(-1) ?? "", ...child.aliases].map(safeWord));
export const flagNames = (flags: CompletionFlag[]): string[] => flags.flatMap((flag) => flag.names.map(safeWord));

/**
 * The positional index from which stack names complete, as the scripts test it: "" (none), "1"
 * (the second word only) or "0+" (the first and every later one).
 */
export function stackArgumentSpec(node: CompletionNode): string {
  if (node.stackArgument === undefined) return "";
  return `${node.stackArgument}${node.stackArgumentVariadic ? "+" : ""}`;
}

/** The first line of a description, for the shells that show one beside each candidate. */
export function shortDescription(text: string): string {
  return (text.split("\n")[0] ?? "").trim();
}

/** "0=bash 0=zsh 0=fish": each fixed choice with the index of its positional argument. */
export function choiceWords(node: CompletionNode): string[] {
  return node.argumentChoices.flatMap(({ index, choices }) => choices.map((choice) => `${index}=${safeWord(choice)}`));
}

/**
 * The POSIX-shell function (bash and zsh alike) that prints the current project's stack names,
 * read quietly from `stack ls --json`: nothing when that fails (e.g. outside a project).
 */
export function posixStackNamesFunction(functionName: string, program: string): string {
  return `# Stack names of the current project, from \`${program} stack ls --json\`; nothing when that fails.
${functionName}() {
  "$1" stack ls --json 2>/dev/null </dev/null | sed -n 's/^ *"name": *"\\([^"]*\\)".*/\\1/p'
}`;
}
