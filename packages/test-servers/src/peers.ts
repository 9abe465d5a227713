import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The real peers `scripts/peers.sh` built or installed into the machine's cache, as it recorded
 * them: each recipe `scripts/peers/<name>.sh` writes `.peers/<name>.json` at the repo root.
 */
export interface PeerManifest {
  /** The Pulumi CLI built from its Go module, and cairn's interop driver beside it. */
  pulumi: {
    /** The CLI's version, e.g. "3.274.1". */
    version: string;
    /** The directory holding `bin/pulumi` (what the driver's `--pulumi-root` takes). */
    root: string;
    pulumi: string;
    driver: string;
  };
  /** moto (`moto[server]` from PyPI) in its own virtualenv: the S3 emulator. */
  moto: {
    /** moto's version, e.g. "5.2.5". */
    version: string;
    /** The virtualenv. */
    root: string;
    /** The virtualenv's python: run `python -m moto.server`, or cairn's `python/moto_s3.py`. */
    python: string;
  };
  /** fake-gcs-server built from its Go module: the GCS JSON-API emulator. */
  "fake-gcs-server": {
    /** e.g. "1.56.1". */
    version: string;
    root: string;
    /** The `fake-gcs-server` binary. */
    server: string;
  };
}

const PEERS_DIR = new URL("../../../.peers/", import.meta.url);

/** One peer's paths; a clear error (what to run) when that peer was never set up. */
export function peer<Name extends keyof PeerManifest>(name: Name): PeerManifest[Name] {
  const file = fileURLToPath(new URL(`${name}.json`, PEERS_DIR));
  if (!existsSync(file)) {
    throw new Error(`the test peer "${name}" is not set up (no ${file}): run scripts/peers.sh ${name} (npm test runs them all)`);
  }
  return JSON.parse(readFileSync(file, "utf8")) as PeerManifest[Name];
}
