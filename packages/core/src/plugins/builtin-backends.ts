/**
 * The backends cairn ships, by URL scheme. Only package names: nothing is imported until a URL
 * with that scheme is opened.
 */
export const BUILTIN_BACKEND_PACKAGES: Readonly<Record<string, string>> = {
  file: "@cairn/backend-file",
  memory: "@cairn/backend-memory",
  s3: "@cairn/backend-s3",
  azblob: "@cairn/backend-azblob",
  gs: "@cairn/backend-gs",
  "git+https": "@cairn/backend-git",
  "git+http": "@cairn/backend-git",
  "git+file": "@cairn/backend-git",
  http: "@cairn/backend-service",
  https: "@cairn/backend-service",
};

/** `git+https` → `git-https`: a scheme as it can appear in a package name. */
export function sanitizeScheme(scheme: string): string {
  return scheme.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
}

/**
 * Package names that may provide `scheme`, most preferred first: the built-in table, the project's
 * `cairn.backends` mapping, then the naming conventions `@cairn/backend-<scheme>` and
 * `cairn-backend-<scheme>`.
 */
export function candidatePackages(scheme: string, projectPackages: Readonly<Record<string, string>> = {}): string[] {
  const named = sanitizeScheme(scheme);
  const candidates = [
    Object.hasOwn(BUILTIN_BACKEND_PACKAGES, scheme) ? BUILTIN_BACKEND_PACKAGES[scheme] : undefined,
    Object.hasOwn(projectPackages, scheme) ? projectPackages[scheme] : undefined,
    `@cairn/backend-${named}`,
    `cairn-backend-${named}`,
  ];
  return [...new Set(candidates.filter((name): name is string => name !== undefined))];
}
