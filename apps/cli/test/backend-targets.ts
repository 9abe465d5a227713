import { join } from "node:path";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openBackend, type StateBackend } from "@cairn/core";
import { startS3Server, type S3TestServer } from "@cairn/test-servers/s3";
import { startAzurite, type AzuriteServer } from "@cairn/test-servers/azurite";
import { startGcsServer, type RunningGcsServer } from "@cairn/test-servers/gcs";
import { createBareRepo, startGitHttpServer, type RunningGitHttpServer } from "@cairn/test-servers/git-http";
import { spawnServer, type SpawnedServer } from "@cairn/server/testing";

/** Every backend a CLI user can log in to, each against its real server (memory:// lives in one process only). */
export const TARGET_NAMES = ["file", "s3", "azblob", "gs", "git", "service"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** A fresh, empty location on one backend, with the credentials a user would set. */
export interface Target {
  url: string;
  env: Record<string, string>;
}

export interface BackendTargets {
  /** A new location on `name` each call. */
  fresh(name: TargetName): Target;
  /** Opens `target` through the plugin registry, exactly as the CLI opens it. */
  open(target: Target): Promise<StateBackend>;
  stop(): Promise<void>;
}

const CLI_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Starts the real servers (moto S3, Azurite, fake GCS, git over HTTP, a cairn-server) with one
 * bucket/container named `bucket`, all under `root`. Shared by the tests that run one scenario
 * on every backend, so each backend's URL and environment are written once.
 */
export async function startBackendTargets(root: string, bucket: string): Promise<BackendTargets> {
  process.env.METADATA_SERVER_DETECTION = "none";
  const gitRoot = join(root, "repos");
  const [s3, azurite, gcs, git, service]: [S3TestServer, AzuriteServer, RunningGcsServer, RunningGitHttpServer, SpawnedServer] = await Promise.all([
    startS3Server({ buckets: [bucket] }),
    startAzurite({ containers: [bucket] }),
    startGcsServer({ buckets: [bucket] }),
    startGitHttpServer({ root: gitRoot, users: { tester: "s3cret" } }),
    spawnServer({ data: pathToFileURL(join(root, "service-data")).href, home: join(root, "service-home") }),
  ]);
  let counter = 0;
  const make: Record<TargetName, () => Target> = {
    file: () => ({ url: pathToFileURL(join(root, `file-${++counter}`)).href, env: {} }),
    s3: () => ({
      url: `s3://${bucket}/p${++counter}?endpoint=${encodeURIComponent(s3.endpoint.replace(/^http:\/\//, ""))}&disable_https=true&use_path_style=true`,
      env: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region },
    }),
    azblob: () => ({ url: `azblob://${bucket}/p${++counter}`, env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString } }),
    gs: () => ({ url: `gs://${bucket}/p${++counter}?endpoint=${encodeURIComponent(gcs.endpoint)}`, env: { METADATA_SERVER_DETECTION: "none" } }),
    git: () => {
      const name = `${bucket}-${++counter}`;
      createBareRepo(gitRoot, name);
      return { url: `git+${git.baseUrl}/${name}.git`, env: { GIT_TOKEN: "tester:s3cret", GIT_AUTHOR_NAME: "Matrix", GIT_AUTHOR_EMAIL: "matrix@cairn.invalid" } };
    },
    service: () => ({ url: service.url, env: { PULUMI_ACCESS_TOKEN: service.adminToken } }),
  };
  return {
    fresh: (name) => make[name](),
    async open(target) {
      const home = join(root, `home-${++counter}`);
      const { backend } = await openBackend(target.url, { env: { ...target.env, HOME: home }, cwd: root, home, cliDir: CLI_DIR });
      await backend.verify();
      return backend;
    },
    async stop() {
      await Promise.allSettled([s3.stop(), azurite.stop(), gcs.close(), git.close(), service.stop()]);
    },
  };
}
