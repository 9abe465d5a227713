import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CairnError } from "../errors.js";
import type { BackendPlugin } from "../plugin.js";
import { findProject } from "../workspace/project.js";
import { BUILTIN_BACKEND_PACKAGES, candidatePackages, sanitizeScheme } from "./builtin-backends.js";
import { assertCoreCompatible, readPluginManifest } from "./core-compat.js";
import { findPackageEntry, type PackageEntry } from "./package-entry.js";
import { checkPlugin } from "./plugin-check.js";
import { assertSharesCore, linkSharedCore } from "./shared-core.js";

/** Where plugin packages are found, in the order they are searched. */
export interface PluginSearchOptions {
  /** `$PULUMI_HOME`: cairn's own plugin directory is `<home>/cairn/plugins` (see `pluginDirectory`). */
  home: string;
  /** The project's directory, searched first (a project can pin its backends as dependencies). */
  projectDir?: string;
  /**
   * The project's `cairn.backends` mapping (scheme → package). When absent it is read from the
   * project file in `projectDir`, and only if the scheme is not served by a registered plugin.
   */
  projectPackages?: Readonly<Record<string, string>>;
  /**
   * Directories of a distribution that ships backends beside the CLI (`@cairn/cli-all` passes its
   * own), searched after the plugin directory and before `cliDir`: its backends are its own
   * dependencies, which a nested or pnpm layout does not make visible from the CLI's directory.
   */
  bundleDirs?: readonly string[];
  /** The CLI's install directory, searched last: where the backends bundled with cairn live. */
  cliDir?: string;
  /**
   * The command that installs a package into the plugin directory, for error hints (the CLI says
   * `cairn plugin install <scheme>`); `npm install --prefix <plugin dir> <package>` when absent.
   */
  installHint?: (request: InstallHintRequest) => string;
}

/** What an install hint is asked for: the scheme wanted and the package that would serve it. */
export interface InstallHintRequest {
  scheme: string;
  packageName: string;
  /** The scheme is in cairn's built-in table (`builtin-backends.ts`). */
  builtin: boolean;
}

/** `<home>/cairn/plugins`: `cairn plugin install` puts backends here (an npm prefix: `node_modules/`, `package.json`). */
export function pluginDirectory(home: string): string {
  return join(home, "cairn", "plugins");
}

/**
 * Chooses a backend plugin by URL scheme. Registered plugins win; otherwise candidate packages
 * (`candidatePackages`) are looked for in the project, the plugin directory and the CLI's install,
 * and the first one found is loaded with `import()` — so a command pays only for its backend.
 */
export class PluginRegistry {
  private readonly registered = new Map<string, BackendPlugin>();

  /** Makes `plugin` serve its schemes ahead of any package lookup. A scheme can have one registered plugin. */
  register(plugin: BackendPlugin): this {
    const checked = checkPlugin(plugin, `plugin ${plugin?.meta?.name ?? "(unnamed)"}`);
    for (const scheme of checked.schemes) {
      const existing = this.registered.get(scheme);
      if (existing !== undefined && existing !== checked) {
        throw new CairnError("AlreadyExists", `scheme ${scheme}:// is already served by ${existing.meta.name}; cannot also register ${checked.meta.name}`);
      }
    }
    for (const scheme of checked.schemes) this.registered.set(scheme, checked);
    return this;
  }

  registeredSchemes(): string[] {
    return [...this.registered.keys()].sort();
  }

  /** The plugin for `scheme` (without `:`), or a PluginNotFound / PluginIncompatible error. */
  async resolve(scheme: string, options: PluginSearchOptions): Promise<BackendPlugin> {
    const registered = this.registered.get(scheme);
    if (registered !== undefined) return registered;

    const projectPackages = await this.projectPackages(options);
    const packages = candidatePackages(scheme, projectPackages);
    const directories = searchDirectories(options);
    for (const packageName of packages) {
      for (const directory of directories) {
        const found = await findPackageEntry(packageName, directory);
        if (found !== undefined) return loadPlugin(packageName, found, scheme, directory, options);
      }
    }
    throw await this.notFound(scheme, packages, directories, options, projectPackages);
  }

  /** Schemes that can be opened now: registered ones, and those whose package is installed (found, not imported). */
  async availableSchemes(options: PluginSearchOptions): Promise<string[]> {
    const projectPackages = (await this.projectPackages(options)) ?? {};
    const mapped = { ...projectPackages, ...BUILTIN_BACKEND_PACKAGES };
    const directories = searchDirectories(options);
    const available = new Set(this.registered.keys());
    for (const [scheme, packageName] of Object.entries(mapped)) {
      for (const directory of directories) {
        if (await findPackageEntry(packageName, directory)) {
          available.add(scheme);
          break;
        }
      }
    }
    return [...available].sort();
  }

  private async projectPackages(options: PluginSearchOptions): Promise<Readonly<Record<string, string>> | undefined> {
    if (options.projectPackages !== undefined || options.projectDir === undefined) return options.projectPackages;
    return (await findProject(options.projectDir))?.backendPackages;
  }

  private async notFound(
    scheme: string,
    packages: string[],
    directories: string[],
    options: PluginSearchOptions,
    projectPackages: Readonly<Record<string, string>> | undefined,
  ): Promise<CairnError> {
    const suggested = BUILTIN_BACKEND_PACKAGES[scheme] ?? projectPackages?.[scheme] ?? `cairn-backend-${sanitizeScheme(scheme)}`;
    const available = await this.availableSchemes({ ...options, projectPackages: projectPackages ?? {} });
    const install = [installCommand(options, scheme, suggested)];
    if (options.projectDir !== undefined) install.push(`\`pnpm add ${suggested}\` in ${options.projectDir}`);
    const schemes = available.length > 0 ? available.map((s) => `${s}://`).join(", ") : "none";
    return new CairnError(
      "PluginNotFound",
      `no backend plugin for ${scheme}:// URLs: tried packages ${packages.join(", ")} in ${directories.join(", ")}. ` +
        `Schemes available: ${schemes}`,
      { hint: `install the plugin: \`${install[0]}\`${install[1] ? ` or ${install[1]}` : ""}` },
    );
  }
}

function installCommand(options: PluginSearchOptions, scheme: string, packageName: string): string {
  const builtin = Object.hasOwn(BUILTIN_BACKEND_PACKAGES, scheme);
  return options.installHint?.({ scheme, packageName, builtin }) ?? `npm install --prefix ${pluginDirectory(options.home)} ${packageName}`;
}

function searchDirectories(options: PluginSearchOptions): string[] {
  const directories = [options.projectDir, pluginDirectory(options.home), ...(options.bundleDirs ?? []), options.cliDir];
  return [...new Set(directories.filter((directory): directory is string => directory !== undefined))];
}

/**
 * Imports a found package after checking, without running its code, that it was built for this
 * core (its `@cairn/core` peer range) and — in cairn's plugin directory — that it will import
 * this very core (`linkSharedCore`). Elsewhere (a project's or the CLI's node_modules) core is
 * whatever that install resolves; the project owns it.
 */
async function loadPlugin(packageName: string, found: PackageEntry, scheme: string, directory: string, options: PluginSearchOptions): Promise<BackendPlugin> {
  const source = `package ${packageName} (${found.packageDir})`;
  const install = installCommand(options, scheme, packageName);
  const inPluginDir = directory === pluginDirectory(options.home);
  const fix =
    directory === options.projectDir
      ? `update ${packageName} in ${directory} to a release built for this cairn's @cairn/core (or upgrade cairn)`
      : inPluginDir
        ? `install a release built for this cairn: \`${install}\` (or upgrade cairn)`
        : `reinstall cairn so that its bundled backends match its @cairn/core`;
  const manifest = await readPluginManifest(found.packageDir);
  if (manifest !== undefined) assertCoreCompatible(manifest, found.packageDir, fix);
  if (inPluginDir) {
    await linkSharedCore(directory);
    await assertSharesCore(found.packageDir, source, `reinstall it so it shares cairn's core: \`${install}\``);
  }
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(found.entryFile).href)) as { default?: unknown };
  } catch (error) {
    throw new CairnError("PluginIncompatible", `failed to load ${source}: ${(error as Error).message}`, {
      cause: error,
      hint: "reinstall it; its dependencies, including its @cairn/core peer, must be installed beside it",
    });
  }
  return checkPlugin(module.default, source, scheme);
}
