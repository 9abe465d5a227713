import type { Command } from "commander";
import { CairnError, type StackRef, type StateBackend } from "@cairn/core";
import type { CliContext } from "../../context.js";
import type { RunCommand } from "../../run-command.js";
import { formatTable, printJson } from "../../output.js";
import { stackNames } from "../../stack-display.js";

type TagBackend = StateBackend & Required<Pick<StateBackend, "getStackTags" | "updateStackTags">>;

/** `cairn stack tag get|ls|set|rm`, as Pulumi's `stack tag`: `-s/--stack` on the group or on each. */
export function registerStackTag(stack: Command, run: RunCommand): void {
  const tag = stack
    .command("tag")
    .description("Manage the stack's tags: get, ls, set, rm (self-managed stores keep them as Pulumi does, in <stack>.pulumi-tags)")
    .option("-s, --stack <stack>", "the stack whose tags to manage; defaults to the selected stack");
  const stackOf = (command: Command): string | undefined => (command.opts() as { stack?: string }).stack ?? (tag.opts() as { stack?: string }).stack;

  tag
    .command("get")
    .description("Print the value of one tag")
    .argument("<name>", "the tag's name")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .action(
      run(async (context, name: string, _flags: unknown, command: Command) => {
        const { backend, ref } = await open(context, stackOf(command));
        const tags = await backend.getStackTags(ref);
        if (!Object.hasOwn(tags, name)) {
          throw new CairnError("NotFound", `stack tag '${name}' not found for stack '${(await stackNames(backend, (await context.project())?.name)).display(ref)}'`, {
            hint: "`cairn stack tag ls` lists the stack's tags",
          });
        }
        context.output.out(tags[name]!);
      }),
    );

  tag
    .command("ls")
    .alias("list")
    .description("List the stack's tags")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .option("-j, --json", "print JSON: an object of name → value")
    .action(
      run(async (context, flags: { json?: boolean }, command: Command) => {
        const { backend, ref } = await open(context, stackOf(command));
        const tags = await backend.getStackTags(ref);
        const names = Object.keys(tags).sort();
        if (flags.json) return printJson(context.output, Object.fromEntries(names.map((name) => [name, tags[name]])));
        context.output.out(formatTable(["NAME", "VALUE"], names.map((name) => [name, tags[name]!])));
      }),
    );

  tag
    .command("set")
    .description("Set a tag (adding it, or replacing its value)")
    .argument("<name>", "the tag's name")
    .argument("<value>", "the tag's value")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .action(
      run(async (context, name: string, value: string, _flags: unknown, command: Command) => {
        if (name === "") throw new CairnError("InvalidArgument", "a tag name must not be empty", { hint: "cairn stack tag set <name> <value>" });
        const { backend, ref } = await open(context, stackOf(command));
        await backend.updateStackTags(ref, (tags) => ({ ...tags, [name]: value }));
      }),
    );

  tag
    .command("rm")
    .aliases(["remove", "delete"])
    .description("Remove a tag (removing one the stack does not have is not an error, as in Pulumi)")
    .argument("<name>", "the tag's name")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .action(
      run(async (context, name: string, _flags: unknown, command: Command) => {
        const { backend, ref } = await open(context, stackOf(command));
        await backend.updateStackTags(ref, (tags) => {
          delete tags[name];
          return tags;
        });
      }),
    );
}

async function open(context: CliContext, explicit: string | undefined): Promise<{ backend: TagBackend; ref: StackRef }> {
  const url = await context.backendUrl();
  const ref = await context.currentStack(url, explicit);
  const backend = await context.openBackend(url);
  if (backend.getStackTags === undefined || backend.updateStackTags === undefined) {
    throw new CairnError("Unimplemented", `the backend at ${backend.url} does not support stack tags`, {
      hint: "self-managed stores (file://, s3://, azblob://, gs://, git) keep tags; ask the service's operator for tag support",
    });
  }
  return { backend: backend as TagBackend, ref };
}
