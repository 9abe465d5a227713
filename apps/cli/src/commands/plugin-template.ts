/**
 * The files of a new backend plugin package (`cairn plugin new`): a small, working, Map-backed
 * `StateStore` behind `defineBackendPlugin`, and a vitest file running the published conformance
 * suites against it. Everything it imports is public API of `@cairn/core` and `@cairn/conformance`,
 * so a generated package that passes its tests proves those packages are enough to write a backend.
 */
export interface PluginTemplateInput {
  /** npm package name, e.g. `cairn-backend-acme` or `@acme/cairn-backend`. */
  packageName: string;
  /** URL scheme without the colon, e.g. `acme`. */
  scheme: string;
  /** The version of `@cairn/core` the CLI runs with; `@cairn/conformance` shares it (one `fixed` release group). */
  coreVersion: string;
  /** Whether cairn finds the package by its name alone (`cairn-backend-<scheme>`), without a Pulumi.yaml mapping. */
  discoverable: boolean;
}

/** Tool versions the template is known to work with (the monorepo's own). `@cairn/conformance` needs vitest >=4.1 <5. */
const DEV_TOOLS = { "@types/node": "^20.19.43", typescript: "^5.9.3", vitest: "^4.1.12" } as const;

/**
 * The `@cairn/core` peer range for a plugin built against `version`: in 0.x every compatible core
 * up to 1.0 (cairn's minors are additive, see RELEASING.md), from 1.0 on the caret range.
 */
export function corePeerRange(version: string): string {
  return version.startsWith("0.") ? `>=${version} <1.0.0` : `^${version}`;
}

/** `acme` → `AcmeMapStore`; `git+ssh` → `GitSshMapStore`. */
function storeClassName(scheme: string): string {
  const words = scheme.split(/[^a-zA-Z0-9]+/).filter(Boolean);
  return `${words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("")}MapStore`;
}

/** Relative path → file contents. */
export function pluginTemplate(input: PluginTemplateInput): Record<string, string> {
  const { packageName, scheme, coreVersion } = input;
  const store = storeClassName(scheme);
  const manifest = {
    name: packageName,
    version: "0.1.0",
    description: `cairn backend plugin for ${scheme}:// URLs`,
    type: "module",
    sideEffects: false,
    exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./package.json": "./package.json" },
    files: ["dist", "README.md"],
    engines: { node: ">=20.19" },
    scripts: { build: "tsc -p tsconfig.json", test: "vitest run", prepublishOnly: "npm run build && npm test" },
    peerDependencies: { "@cairn/core": corePeerRange(coreVersion) },
    devDependencies: { "@cairn/conformance": `^${coreVersion}`, "@cairn/core": `^${coreVersion}`, ...DEV_TOOLS },
  };
  return {
    "package.json": `${JSON.stringify(manifest, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023"],
          types: ["node"],
          strict: true,
          declaration: true,
          sourceMap: true,
          skipLibCheck: true,
          verbatimModuleSyntax: true,
          rootDir: "src",
          outDir: "dist",
        },
        include: ["src"],
      },
      null,
      2,
    )}\n`,
    "vitest.config.ts": `import { defineConfig } from "vitest/config";\n\nexport default defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 60_000 } });\n`,
    ".gitignore": "node_modules/\ndist/\n",
    "src/index.ts": indexSource(input, store),
    "src/map-store.ts": storeSource(scheme, store),
    "test/conformance.test.ts": testSource(packageName, scheme, store),
    "README.md": readmeSource(input),
  };
}

function indexSource({ scheme }: PluginTemplateInput, store: string): string {
  return `import { createRequire } from "node:module";
import { defineBackendPlugin } from "@cairn/core/driver";
import { ${store} } from "./map-store.js";

export { ${store} } from "./map-store.js";

/** This package's own name and version (meta.name must be the package name: cairn checks it). */
const manifest = createRequire(import.meta.url)("../package.json") as { name: string; version: string };

/**
 * The plugin cairn loads for ${scheme}:// URLs: cairn imports this package's default export and
 * calls \`open\` with the parsed URL. Return a \`StateStore\` (cairn lays Pulumi's self-managed
 * layout, locking and history over it) or a whole \`StateBackend\`.
 */
export default defineBackendPlugin({
  meta: { name: manifest.name, version: manifest.version },
  schemes: [${JSON.stringify(scheme)}],
  async open(url, _context) {
    // _context: home ($PULUMI_HOME), cwd, env, urlText (the URL as typed) and storedCredential
    // (the secret stored at \`cairn login\`, if any). Read credentials from there, never log them.
    return new ${store}(url.host + url.pathname);
  },
});
`;
}

function storeSource(scheme: string, store: string): string {
  return `import {
  CairnError,
  throwIfCanceled,
  type DeleteOptions,
  type ErrorCode,
  type GetOptions,
  type ListOptions,
  type ListPage,
  type PutOptions,
  type StateStore,
  type StoredObject,
} from "@cairn/core/driver";

/**
 * A ${scheme}:// store kept in process memory: every rule of the \`StateStore\` contract, no service.
 * Replace the Map with calls to your service; keep the rules (the conformance suite checks them):
 * - \`get\` returns the bytes and the version of exactly those bytes, \`undefined\` when missing;
 * - every \`put\` gets a new version, even of identical bytes;
 * - \`ifNoneMatch: "*"\` / \`ifMatch\` are checked and applied atomically, else \`Conflict\`, nothing written;
 * - \`delete\` of a missing key succeeds; with \`ifMatch\` it deletes only that version;
 * - \`list\` is a string-prefix match, sorted, paged by \`cursor\`, each key once;
 * - a call whose \`signal\` is aborted fails with \`Canceled\` and changes nothing (pass the signal
 *   to your SDK or HTTP request too, so an abort ends a call that is waiting on the network).
 * Stores opened with the same name share their contents within the process, as two processes
 * over one bucket would (the two-instance and lock-race checks need that).
 */
const spaces = new Map<string, Map<string, StoredObject>>();
let nextVersion = 1;

export class ${store} implements StateStore {
  readonly url: string;
  readonly capabilities = { conditionalWrite: true } as const;
  private readonly objects: Map<string, StoredObject>;

  constructor(name: string) {
    this.url = \`${scheme}://\${name}\`;
    let space = spaces.get(name);
    if (space === undefined) spaces.set(name, (space = new Map()));
    this.objects = space;
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | undefined> {
    throwIfCanceled(options.signal, \`get \${key}\`);
    const found = this.objects.get(key);
    // Copies in and out: a caller must never change what is stored by changing its buffer.
    return found && { bytes: found.bytes.slice(), version: found.version };
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<string> {
    throwIfCanceled(options.signal, \`put \${key}\`);
    this.checkPreconditions(key, options);
    const version = String(nextVersion++);
    this.objects.set(key, { bytes: bytes.slice(), version });
    return version;
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    throwIfCanceled(options.signal, \`delete \${key}\`);
    this.checkPreconditions(key, options);
    this.objects.delete(key);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    throwIfCanceled(options.signal, \`list \${prefix}\`);
    const limit = options.limit ?? 1000;
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix) && (options.cursor === undefined || key > options.cursor)).sort();
    const page = keys.slice(0, limit).map((key) => {
      const found = this.objects.get(key)!;
      return { key, size: found.bytes.length, version: found.version };
    });
    return keys.length > limit ? { objects: page, cursor: page.at(-1)!.key } : { objects: page };
  }

  /** Map your SDK's errors to cairn's codes here (a 404 → "NotFound", a 403 → "PermissionDenied", …). */
  classifyError(error: unknown): ErrorCode {
    return error instanceof CairnError ? error.code : "Internal";
  }

  async close(): Promise<void> {}

  private checkPreconditions(key: string, options: { ifMatch?: string; ifNoneMatch?: "*" }): void {
    const current = this.objects.get(key);
    if (options.ifNoneMatch === "*" && current !== undefined) throw new CairnError("Conflict", \`\${key} already exists\`);
    if (options.ifMatch !== undefined && current?.version !== options.ifMatch) {
      throw new CairnError("Conflict", \`\${key} changed since version \${options.ifMatch}\`);
    }
  }
}
`;
}

function testSource(packageName: string, scheme: string, store: string): string {
  return `import { fileURLToPath } from "node:url";
import { createStoreBackend } from "@cairn/core";
import {
  describeBackendConformance,
  describeCoreOverStoreConformance,
  describeLockRaceConformance,
  describePausedWriterConformance,
  describePluginPackage,
  describeStoreConformance,
} from "@cairn/conformance";
import { ${store} } from "../src/index.js";

// The published conformance suites against this store. Every check is listed in
// node_modules/@cairn/conformance/CHECKS.md. Build first (\`npm run build\`): the plugin-package
// check loads the built default export from dist/.

let spaces = 0;
let lastSpace = "";
const freshSpace = () => (lastSpace = \`conformance-\${process.pid}-\${++spaces}\`);
// pid and hostname stay the real ones: core takes over a lock whose holder is a dead process on this host.
const backendOptions = { env: {}, username: "conformance" };

describeStoreConformance(${JSON.stringify(store)}, {
  create: async () => new ${store}(freshSpace()),
  // Give \`createMissing\` (a store over a bucket that does not exist) once your store has one.
  missingNotApplicable: "a Map space exists as soon as it is named; there is no container to be missing",
});

describeCoreOverStoreConformance(${JSON.stringify(store)}, { create: async () => new ${store}(freshSpace()) });

// The second instance opens the same state, as a second process would.
describeBackendConformance(${JSON.stringify(`createStoreBackend(${store})`)}, {
  create: async () => createStoreBackend(new ${store}(freshSpace()), backendOptions),
  createSecond: async () => createStoreBackend(new ${store}(lastSpace), { ...backendOptions, username: "second" }),
});

describeLockRaceConformance(${JSON.stringify(store)}, {
  createBackend: async () => createStoreBackend(new ${store}(\`race-\${process.pid}\`), backendOptions),
});

// Needs a store a second process can open (see the conformance README, "Paused writer").
describePausedWriterConformance(${JSON.stringify(store)}, { unsupported: "an in-process Map cannot be opened from a second process" });

describePluginPackage(${JSON.stringify(packageName)}, fileURLToPath(new URL("../", import.meta.url)));
// (${scheme}:// is this package's scheme.)
`;
}

function readmeSource({ packageName, scheme, discoverable }: PluginTemplateInput): string {
  const mapping = discoverable
    ? `cairn finds this package by its name: for a \`${scheme}://\` URL it looks for \`@cairn/backend-<scheme>\`, then
\`cairn-backend-<scheme>\` (the scheme with every run of characters other than a-z, 0-9 and \`-\` turned into \`-\`).`
    : `cairn does not find \`${packageName}\` by its name alone (only \`cairn-backend-<scheme>\` is), so a project maps the
scheme to it in \`Pulumi.yaml\`:

\`\`\`yaml
cairn:
  backends:
    ${scheme}: "${packageName}"
\`\`\``;
  return `# ${packageName}

A [cairn](https://www.npmjs.com/package/@cairn/cli) state backend for \`${scheme}://\` URLs. Generated by
\`cairn plugin new\`: the store in \`src/map-store.ts\` keeps state in process memory, so it is a
working starting point, not yet a useful backend — replace the Map with your service.

## Install

\`\`\`sh
npm install --prefix ~/.pulumi/cairn/plugins ${packageName}
\`\`\`

(or add it to a project's dependencies). ${mapping}

## URL format

\`${scheme}://<name>\`: stores opened with the same name share their state within one process.

## Credentials

None. When yours needs some, read them in \`open(url, context)\` from \`context.env\` or
\`context.storedCredential\`, and never log them.

## Capabilities

\`conditionalWrite\` (create-only and compare-and-swap writes are atomic): claim it only if your
service guarantees it. A list must see every completed write (core finds stacks, locks and history
by listing), so a store without list-after-write consistency cannot be a cairn backend.

## Locking

cairn's own stack locks: conditional creates of Pulumi's lock files, made atomic by \`conditionalWrite\`.

## Limitations

State lives in memory and is gone when the process exits; a second process cannot open it.

## Conformance

\`npm run build && npm test\` runs the published \`@cairn/conformance\` suites: the store suite, core
over the store, the backend suite (two instances), the lock race and the plugin-package check.
Every check is listed in \`node_modules/@cairn/conformance/CHECKS.md\`.
`;
}
