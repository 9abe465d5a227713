import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { Command } from "commander";
import { BUILTIN_BACKEND_PACKAGES, CairnError, sanitizeScheme } from "@cairn/core";

/** RFC 3986 scheme syntax, lower-case (cairn matches schemes case-sensitively, URLs lower-case them). */
const SCHEME = /^[a-z][a-z0-9+.-]*$/;
/** npm's rules for a package name (lower-case, URL-safe, optionally scoped, at most 214 characters). */
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export interface PluginNewOptions {
  scheme: string;
  name?: string;
}

/** What `cairn plugin new` wrote. */
export interface PluginNewResult {
  dir: string;
  packageName: string;
  scheme: string;
  files: string[];
  discoverable: boolean;
}

/**
 * `cairn plugin new <dir> --scheme <scheme> [--name <pkg>]`: writes a backend plugin package whose
 * tests (the published conformance suites) pass as generated. Refuses, writing nothing, a
 * directory that exists and is not empty, an invalid scheme or package name, and a scheme cairn
 * ships a backend for (the built-in one would always win).
 */
export function pluginNewCommand(): Command {
  return new Command("new")
    .description("Create a backend plugin package (a working store, the conformance suites as its tests)")
    .argument("<dir>", "directory to create (must not exist, or be empty)")
    .requiredOption("--scheme <scheme>", "URL scheme the backend serves, without the colon (e.g. acme for acme://)")
    .option("--name <package>", "npm package name (default cairn-backend-<scheme>, which cairn finds without configuration)")
    .action(async (dir: string, options: PluginNewOptions, command: Command) => {
      const result = await createPluginPackage(resolve(dir), options);
      const write = command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
      const out = (text: string) => write(`${text}\n`);
      out(`Created ${result.packageName} (${result.scheme}://) in ${result.dir}:`);
      for (const file of result.files) out(`  ${file}`);
      if (!result.discoverable) {
        out(`cairn finds ${result.packageName} only through a project's Pulumi.yaml (cairn.backends: { ${result.scheme}: "${result.packageName}" }); see its README.`);
      }
      out(`Next: cd ${dir} && npm install && npm run build && npm test`);
    });
}

/** Validates everything first, then writes the package into a staging directory and renames it into place. */
export async function createPluginPackage(dir: string, options: PluginNewOptions): Promise<PluginNewResult> {
  const scheme = options.scheme;
  if (!SCHEME.test(scheme)) {
    throw new CairnError("InvalidArgument", `${JSON.stringify(scheme)} is not a URL scheme`, {
      hint: "give it without the colon: a lower-case letter, then letters, digits, +, - or . (e.g. --scheme acme, --scheme git+ssh)",
    });
  }
  if (Object.hasOwn(BUILTIN_BACKEND_PACKAGES, scheme)) {
    throw new CairnError("InvalidArgument", `${scheme}:// is served by cairn's own ${BUILTIN_BACKEND_PACKAGES[scheme]}, which is always chosen before a plugin`, {
      hint: "pick a scheme of your own (e.g. --scheme acme)",
    });
  }
  const conventional = [`cairn-backend-${sanitizeScheme(scheme)}`, `@cairn/backend-${sanitizeScheme(scheme)}`];
  const packageName = options.name ?? conventional[0]!;
  if (!PACKAGE_NAME.test(packageName) || packageName.length > 214) {
    throw new CairnError("InvalidArgument", `${JSON.stringify(packageName)} is not a valid npm package name`, {
      hint: "use lower-case letters, digits, - . _ ~, optionally scoped (e.g. --name @acme/cairn-backend)",
    });
  }
  await refuseNonEmpty(dir);

  // The template's text is loaded only by this command, not at every start of the CLI.
  const { pluginTemplate } = await import("./plugin-template.js");
  const files = pluginTemplate({ packageName, scheme, coreVersion: coreVersion(), discoverable: conventional.includes(packageName) });
  // Staged beside the target and renamed into place: an interrupted run leaves no half-written package.
  await mkdir(dirname(dir), { recursive: true });
  const staging = await mkdtemp(join(dirname(dir), `.${basename(dir)}.cairn-new-`));
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await writeFile(join(staging, path), text);
    }
    await rename(staging, dir); // replaces an empty directory atomically
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { dir, packageName, scheme, files: Object.keys(files).sort(), discoverable: conventional.includes(packageName) };
}

async function refuseNonEmpty(dir: string): Promise<void> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (info === undefined) return;
  if (!info.isDirectory()) {
    throw new CairnError("InvalidArgument", `${dir} exists and is not a directory`, { hint: "give a new directory for the package" });
  }
  if ((await readdir(dir)).length > 0) {
    throw new CairnError("InvalidArgument", `${dir} is not empty; nothing was written`, { hint: "give a new or empty directory for the package" });
  }
}

/** The @cairn/core this CLI runs with; the template depends on it and on @cairn/conformance at the same version (they are released together). */
function coreVersion(): string {
  return (createRequire(import.meta.url)("@cairn/core/package.json") as { version: string }).version;
}
