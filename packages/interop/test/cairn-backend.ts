import { fileURLToPath } from "node:url";
import { openBackend, parseStackRef, type StackRef, type StateBackend } from "@cairn/core";
import type { World } from "./world.js";

const CLI_DIR = fileURLToPath(new URL("../../../apps/cli/", import.meta.url));

/**
 * cairn's backend for the world's store, opened in this process the way the CLI opens it (the
 * bundled backend plugins, the world's environment): for what the CLI does only for an instant,
 * such as holding a stack's lock while Pulumi runs.
 */
export async function openCairnBackend(world: World): Promise<StateBackend> {
  const env = { HOME: world.root, PULUMI_HOME: world.home, ...world.store.env };
  const { backend } = await openBackend(world.store.url, { env, cwd: world.project, home: world.home, cliDir: CLI_DIR });
  return backend;
}

export const stackRef = (world: World, stack: string): StackRef => parseStackRef(`organization/${world.projectName}/${stack}`, world.projectName);
