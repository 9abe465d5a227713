import { isAbsolute, resolve } from "node:path";
import { BUILTIN_BACKEND_PACKAGES, CairnError } from "@cairn/core";

/** What `cairn plugin install <what>` was asked for, as npm will be given it. */
export interface PluginSpec {
  /** The argument npm installs: a package name (with an optional `@version`), or an absolute path. */
  npmSpec: string;
  /** The package name, when known before installing (not for a path: read from what npm installed). */
  packageName?: string;
}

/**
 * `<scheme|package|path>`: a path (starts with `.`, `/` or `~`, or ends in `.tgz`) is a tarball or
 * directory; a scheme of cairn's own (`s3`, `git+https`) or of the project's `cairn.backends`
 * mapping is its package; anything else is an npm package name, `name@range` allowed. A bare word
 * that is neither is not guessed into `cairn-backend-<word>`: npm is asked for exactly what was typed.
 */
export function parsePluginSpec(what: string, cwd: string, projectPackages: Readonly<Record<string, string>> = {}): PluginSpec {
  const text = what.trim();
  if (text === "" || text.startsWith("-")) {
    throw new CairnError("InvalidArgument", `${JSON.stringify(what)} is not a plugin to install`, {
      hint: "give a scheme (`cairn plugin install s3`), a package (`cairn plugin install cairn-backend-acme`) or a tarball path",
    });
  }
  if (/^[./~]/.test(text) || /\.(tgz|tar\.gz)$/.test(text) || isAbsolute(text)) {
    const home = process.env.HOME ?? "";
    return { npmSpec: resolve(cwd, text.startsWith("~/") ? `${home}${text.slice(1)}` : text) };
  }
  const mapped = Object.hasOwn(BUILTIN_BACKEND_PACKAGES, text) ? BUILTIN_BACKEND_PACKAGES[text] : Object.hasOwn(projectPackages, text) ? projectPackages[text] : undefined;
  if (mapped !== undefined) return { npmSpec: mapped, packageName: mapped };
  const name = packageNameOf(text);
  if (name === undefined) {
    throw new CairnError("InvalidArgument", `${JSON.stringify(what)} is neither a scheme cairn knows, an npm package name nor a path`, {
      hint: `schemes: ${Object.keys(BUILTIN_BACKEND_PACKAGES).join(", ")}; packages look like cairn-backend-acme or @acme/cairn-backend@^1`,
    });
  }
  return { npmSpec: text, packageName: name };
}

/** Maps a scheme (or the package itself) to the package name to remove. */
export function packageForRemoval(what: string, projectPackages: Readonly<Record<string, string>> = {}): string {
  const text = what.trim();
  if (Object.hasOwn(BUILTIN_BACKEND_PACKAGES, text)) return BUILTIN_BACKEND_PACKAGES[text] as string;
  if (Object.hasOwn(projectPackages, text)) return projectPackages[text] as string;
  return packageNameOf(text) ?? text;
}

/** `@scope/name@1.2` → `@scope/name`; `undefined` when it is not an npm package name. */
function packageNameOf(spec: string): string | undefined {
  const match = /^((?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*)(?:@[^\s]+)?$/.exec(spec);
  return match?.[1];
}
