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
  /** How a held lock schedules its lease renewals (default `intervalTimer`); tests step it along with `now`. */
  renewalTimer?: RenewalTimer;
  /** When an update session compacts its journal into the stack file (see `CompactionSettings`). */
  compaction?: Partial<CompactionSettings>;
  /**
   * List stacks through the per-project stack indexes (default true). `false` reads every stack
   * file instead (the benchmark's baseline); writes keep the indexes up to date either way.
   */
  stackIndex?: boolean;
}

/** Calls `tick` every `ms` until the returned function is called; `tick`'s promise settles when that renewal is done. */
export type RenewalTimer = (ms: number, tick: () => Promise<void>) => () => void;

/** The default renewal timer: an unref'd `setInterval`, so a forgotten lock does not keep the process alive (its lease simply runs out). */
export const intervalTimer: RenewalTimer = (ms, tick) => {
  const timer = setInterval(() => void tick(), ms);
  timer.unref();
  return () => clearInterval(timer);
};

/** Receives the warnings a backend wants a human to see; the CLI prints them to stderr. */
export interface BackendLogger {
  warn(message: string): void;
}

/**
 * When a running update's journal is compacted into the stack file (besides at `complete`). The
 * byte threshold grows with the checkpoint (`growth` × its last compacted size), so the bytes
 * compactions write stay proportional to the bytes journaled: an update's total stays O(n).
 */
export interface CompactionSettings {
  /** Compact after this many steps since the last compaction. Default 10,000. */
  everyEntries: number;
  /** Compact after this many journaled bytes since the last compaction (at least). Default 8 MiB. */
  everyBytes: number;
  /** …and not before `growth` × the last compacted checkpoint's size. Default 4. */
  growth: number;
}

export const DEFAULT_COMPACTION: CompactionSettings = { everyEntries: 10_000, everyBytes: 8 * 1024 * 1024, growth: 4 };

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
  renewalTimer: RenewalTimer;
  settings: LayoutSettings;
  compaction: CompactionSettings;
  stackIndex: boolean;
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
    renewalTimer: options.renewalTimer ?? intervalTimer,
    compaction: { ...DEFAULT_COMPACTION, ...options.compaction },
    stackIndex: options.stackIndex ?? true,
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
