import { hostname, userInfo } from "node:os";

/** How `createStoreBackend` is configured. Every field defaults from the running process. */
export interface StoreBackendOptions {
  /** Environment to read `PULUMI_DIY_BACKEND_*` switches from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Recorded in lock files and returned by `currentUser()` (default: the OS user name). */
  username?: string;
  hostname?: string;
  pid?: number;
  /**
   * Lock on a store without conditional writes anyway. Two writers can then both believe they hold
   * the lock, so this must be an explicit choice.
   */
  allowUnsafeLocking?: boolean;
  /**
   * How long a stack lock stays valid without renewal (default 5 minutes). The holder renews it
   * every third of this while it works; a lock whose lease ran out can be taken over.
   */
  leaseMs?: number;
  /** Where warnings go (e.g. "took over an expired lock held by …"). Default: none. */
  logger?: BackendLogger;
  /** Milliseconds since the epoch (default `Date.now`); tests move it to expire leases. */
  now?: () => number;
}

/** Receives the warnings a backend wants a human to see; the CLI prints them to stderr. */
export interface BackendLogger {
  warn(message: string): void;
}

/** Five minutes: long enough for a slow store round trip, short enough for a killed CI job. */
export const DEFAULT_LEASE_MS = 5 * 60 * 1000;

/** The `PULUMI_DIY_BACKEND_*` switches (Pulumi's `sdk/go/common/env/env.go`), resolved once. */
export interface LayoutSettings {
  compression: "none" | "gzip" | "zstd";
  /** A new, empty store starts in the legacy (not project-scoped) layout. */
  legacyLayoutForNewStore: boolean;
  /** Also keep `<stack file>.<unix nanos>` copies of every write. */
  retainCheckpoints: boolean;
  /** Skip `.pulumi/backups/…`. */
  disableBackups: boolean;
}

export interface ResolvedOptions {
  env: Record<string, string | undefined>;
  username: string;
  hostname: string;
  pid: number;
  allowUnsafeLocking: boolean;
  leaseMs: number;
  logger: BackendLogger;
  now: () => number;
  settings: LayoutSettings;
}

export function resolveOptions(options: StoreBackendOptions = {}): ResolvedOptions {
  const env = options.env ?? process.env;
  return {
    env,
    username: options.username ?? userInfo().username,
    hostname: options.hostname ?? hostname(),
    pid: options.pid ?? process.pid,
    allowUnsafeLocking: options.allowUnsafeLocking ?? false,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    logger: options.logger ?? { warn: () => {} },
    now: options.now ?? Date.now,
    settings: {
      compression: isTruthy(env.PULUMI_DIY_BACKEND_ZSTD) ? "zstd" : isTruthy(env.PULUMI_DIY_BACKEND_GZIP) ? "gzip" : "none",
      legacyLayoutForNewStore: isTruthy(env.PULUMI_DIY_BACKEND_LEGACY_LAYOUT),
      retainCheckpoints: isTruthy(env.PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS),
      disableBackups: isTruthy(env.PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS),
    },
  };
}

/** Pulumi's `cmdutil.IsTruthy`: `1` or `true` in any case. */
export function isTruthy(value: string | undefined): boolean {
  return value === "1" || value?.toLowerCase() === "true";
}
