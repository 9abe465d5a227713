import type { Command } from "commander";
import type { RunCommand } from "../run-command.js";
import { registerStackInit } from "./stack/init.js";
import { registerStackLs } from "./stack/ls.js";
import { registerStackSelect } from "./stack/select.js";
import { registerStackRm } from "./stack/rm.js";
import { registerStackRename } from "./stack/rename.js";
import { registerStackExport } from "./stack/export.js";
import { registerStackImport } from "./stack/import.js";
import { registerStackHistory } from "./stack/history.js";
import { registerStackUnlock } from "./stack/unlock.js";
import { registerStackChangeSecretsProvider } from "./stack/change-secrets-provider.js";
import { registerStackMigrate } from "./stack/migrate.js";
import { registerStackVerify } from "./stack/verify.js";
import { registerStackTag } from "./stack/tag.js";
import { registerStackRestore } from "./stack/restore.js";

export function registerStack(program: Command, run: RunCommand): void {
  const stack = program
    .command("stack")
    .description("Manage stacks and their state: init, ls, select, rm, rename, export, import, history, unlock, change-secrets-provider, migrate, verify, tag, restore");
  for (const register of [
    registerStackInit,
    registerStackLs,
    registerStackSelect,
    registerStackRm,
    registerStackRename,
    registerStackExport,
    registerStackImport,
    registerStackHistory,
    registerStackUnlock,
    registerStackChangeSecretsProvider,
    registerStackMigrate,
    registerStackVerify,
    registerStackTag,
    registerStackRestore,
  ]) {
    register(stack, run);
  }
}
