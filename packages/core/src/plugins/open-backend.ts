import type { StateBackend } from "../backend.js";
import type { CredentialsStore } from "../credentials/credentials-store.js";
import { CairnError } from "../errors.js";
import { redactUrl } from "../credentials/redact-url.js";
import { createStoreBackend } from "../layout/store-backend.js";
import { isStateBackend, type BackendPlugin, type OpenContext } from "../plugin.js";
import type { StateStore } from "../store.js";
import { PluginRegistry, type PluginSearchOptions } from "./plugin-registry.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Lays the self-managed layout over a store (core's `createStoreBackend`). */
export type StoreWrapper = (store: StateStore, options: { env: Env }) => StateBackend;

export interface OpenBackendContext extends PluginSearchOptions {
  /** Plugins registered here are used ahead of any package; a fresh registry when absent. */
  registry?: PluginRegistry;
  env: Env;
  /** What `file://./x` resolves against. */
  cwd: string;
  /** Supplies the credential stored for the URL at login (`OpenContext.storedCredential`). */
  credentials?: Pick<CredentialsStore, "storedToken">;
  /** Replaces core's `createStoreBackend` (tests, embedders with their own layout). */
  wrapStore?: StoreWrapper;
}

export interface OpenedBackend {
  backend: StateBackend;
  plugin: BackendPlugin;
}

const URL_EXAMPLES = "file://~, file://./state, s3://my-bucket/prefix?region=eu-west-1, https://api.pulumi.com";

/**
 * Opens the backend at `urlText`: parses the URL, resolves the plugin for its scheme, opens it,
 * and lays the self-managed layout over the result when the plugin returned a store.
 */
export async function openBackend(urlText: string, context: OpenBackendContext): Promise<OpenedBackend> {
  const url = parseBackendUrl(urlText);
  const scheme = url.protocol.slice(0, -1);
  const plugin = await (context.registry ?? new PluginRegistry()).resolve(scheme, context);
  const storedCredential = await context.credentials?.storedToken(urlText);
  const openContext: OpenContext = {
    home: context.home,
    cwd: context.cwd,
    env: context.env,
    urlText,
    ...(storedCredential === undefined ? {} : { storedCredential }),
  };
  const opened = await plugin.open(url, openContext);
  if (isStateBackend(opened)) return { backend: opened, plugin };
  try {
    const wrap = context.wrapStore ?? createStoreBackend;
    return { backend: wrap(opened, { env: context.env }), plugin };
  } catch (error) {
    await opened.close().catch(() => {});
    throw error;
  }
}

/** Parses a backend URL; anything that is not an absolute URL is an InvalidArgument error with examples. */
export function parseBackendUrl(urlText: string): URL {
  // The URL parser silently deletes tabs and newlines, so a pasted "file:///a\nb" would open (and
  // be stored as) file:///ab — a different place than the user typed. Refuse instead of guessing.
  // The URL itself is not echoed: redaction parses it line by line, so a split URL could leak a secret.
  const control = /[\t\n\r]/.exec(urlText);
  if (control !== null) {
    const name = control[0] === "\n" ? "a newline" : control[0] === "\r" ? "a carriage return" : "a tab";
    throw new CairnError("InvalidArgument", `the backend URL contains ${name} (at character ${control.index + 1}), which is not allowed in a URL`, {
      hint: "retype the URL on one line (check for a line break copied with it)",
    });
  }
  try {
    return new URL(urlText);
  } catch (error) {
    throw new CairnError("InvalidArgument", `${JSON.stringify(redactUrl(urlText))} is not a backend URL`, {
      cause: error,
      hint: `give a URL with a scheme, for example ${URL_EXAMPLES}`,
    });
  }
}
