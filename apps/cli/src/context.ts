import { delimiter, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CairnError,
  CredentialsStore,
  createStoreBackend,
  credentialsDirectory,
  isUnsafeStoreAllowed,
  findProject,
  getSelectedStack,
  openBackend,
  parseStackRef,
  PluginRegistry,
  pulumiHome,
  resolveBackendUrl,
  type Project,
  type StackRef,
  type StateBackend,
} from "@cairn/core";
import type { Output } from "./output.js";

/** Everything a command needs from its surroundings; built once per invocation, lazily. */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  output: Output;
  home: string;
  credentials: CredentialsStore;
  project(): Promise<Project | undefined>;
  /** The backend URL in effect, or a NotFound error telling the user to log in. */
  backendUrl(): Promise<string>;
  /** The backend URL in effect, if any. */
  backendUrlOrUndefined(): Promise<string | undefined>;
  /** Opens the backend in effect (or `url`), loading only that backend's plugin. */
  openBackend(url?: string): Promise<StateBackend>;
  /** `--stack` if given, else the project's selected stack. */
  currentStack(backendUrl: string, explicit?: string): Promise<StackRef>;
  close(): Promise<void>;
}

/** The directory cairn is installed in: built-in backends are resolved from here last. */
export const CLI_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * What the not-found and incompatible errors tell the user to run: the scheme for cairn's own
 * backends (`cairn plugin install s3`), the package name for anything else.
 */
export const pluginInstallHint = ({ scheme, packageName, builtin }: { scheme: string; packageName: string; builtin: boolean }): string =>
  `cairn plugin install ${builtin ? scheme : packageName}`;

/**
 * `CAIRN_PLUGIN_PATH`: more directories to find backend packages in (path-list syntax), after the
 * plugin directory. `@cairn/cli-all` sets it to its own install, whose dependencies are the backends.
 */
export function pluginPath(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env.CAIRN_PLUGIN_PATH ?? "").split(delimiter).filter((entry) => entry !== "");
}

export function createContext(output: Output, env = process.env, cwd = process.cwd()): CliContext {
  const home = pulumiHome(env);
  const credentials = new CredentialsStore(credentialsDirectory(env));
  const registry = new PluginRegistry();
  const opened: StateBackend[] = [];
  let project: Promise<Project | undefined> | undefined;

  const context: CliContext = {
    env,
    cwd,
    output,
    home,
    credentials,
    project: () => (project ??= findProject(cwd)),
    async backendUrlOrUndefined() {
      return resolveBackendUrl({ env, project: await context.project(), credentials: await credentials.read() });
    },
    async backendUrl() {
      const url = await context.backendUrlOrUndefined();
      if (url === undefined) {
        throw new CairnError("Unauthenticated", "you are not logged in to any backend", {
          hint: "run `cairn login` (a local file:// backend in ~/.pulumi) or `cairn login <url>`",
        });
      }
      return url;
    },
    async openBackend(url) {
      const target = url ?? (await context.backendUrl());
      // A store the user accepted at login although it ignores preconditions locks without atomicity.
      const allowUnsafeLocking = await isUnsafeStoreAllowed(home, target);
      const { backend } = await openBackend(target, {
        wrapStore: (store, { env: storeEnv }) =>
          createStoreBackend(store, { env: storeEnv as Record<string, string | undefined>, allowUnsafeLocking, logger: { warn: (message) => output.err(message) } }),
        registry,
        env,
        cwd,
        home,
        projectDir: (await context.project())?.directory,
        projectPackages: (await context.project())?.backendPackages,
        bundleDirs: pluginPath(env),
        cliDir: CLI_DIR,
        installHint: pluginInstallHint,
        credentials,
      });
      opened.push(backend);
      return backend;
    },
    async currentStack(backendUrl, explicit) {
      const found = await context.project();
      if (explicit !== undefined) return parseStackRef(explicit, found?.name);
      if (found === undefined) {
        throw new CairnError("InvalidArgument", "no stack given and no Pulumi.yaml project found here", {
          hint: "pass --stack organization/<project>/<stack>, or run inside a project directory",
        });
      }
      const selected = await getSelectedStack(home, found.file, backendUrl);
      if (selected === undefined) {
        throw new CairnError("NotFound", "no stack is selected", {
          hint: "run `cairn stack select <name>`, `cairn stack init <name>`, or pass --stack",
        });
      }
      return parseStackRef(selected, found.name);
    },
    async close() {
      await Promise.all(opened.map((backend) => backend.close()));
    },
  };
  return context;
}
