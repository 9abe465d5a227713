import type { StateBackend } from "./backend.js";
import type { StateStore } from "./store.js";

/** The plugin contract version. A plugin built for another major is refused with `PluginIncompatible`. */
export const PLUGIN_API_VERSION = 1;

/**
 * A credential a driver accepts, for the driver's own documentation (e.g. a `*_CREDENTIAL_SOURCES`
 * list beside its resolution code). Core reads no such list: the source a store actually used is
 * its `StateStore.credentialSource`, which `whoami -v` prints.
 */
export interface CredentialSource {
  /** E.g. `env:AZURE_STORAGE_KEY`, `stored`, `sdk-default-chain`. */
  id: string;
  description: string;
}

export interface OpenContext {
  /** `$PULUMI_HOME`. */
  home: string;
  /** The working directory relative `file://./x` URLs resolve against. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The credential stored for this URL at login, if any. */
  storedCredential?: string;
  /**
   * The URL exactly as the user wrote it. WHATWG parsing rewrites some forms (`file://` and
   * `file:` become `file:///`, `file:x` becomes `file:///x`) that Pulumi reads differently.
   */
  urlText?: string;
}

export interface BackendPlugin {
  apiVersion: number;
  meta: { name: string; version: string };
  /** URL schemes, without the colon (`file`, `s3`, `git+https`). */
  schemes: readonly string[];
  /** Returns a store (core lays the self-managed layout over it) or a full backend. */
  open(url: URL, context: OpenContext): Promise<StateStore | StateBackend>;
}

/** Identity function that type-checks a plugin and fills in the API version. */
export function defineBackendPlugin(plugin: Omit<BackendPlugin, "apiVersion"> & { apiVersion?: number }): BackendPlugin {
  return { ...plugin, apiVersion: plugin.apiVersion ?? PLUGIN_API_VERSION };
}

/** A `StateBackend` is distinguished from a store by having `listStacks`. */
export function isStateBackend(value: StateStore | StateBackend): value is StateBackend {
  return typeof (value as StateBackend).listStacks === "function";
}
