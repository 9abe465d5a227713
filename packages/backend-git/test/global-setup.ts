import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitHttpServer } from "@cairn/test-servers/git-http";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory of the bare repositories the HTTP server serves. */
    gitRoot: string;
    /** `http://127.0.0.1:<port>`: `<base>/<name>.git` is `<gitRoot>/<name>.git`. */
    gitHttpBase: string;
    gitUser: string;
    gitPassword: string;
  }
}

/** One real `git http-backend` server (Basic auth tester/s3cret) over a temp directory of bare repos. */
export default async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  const root = await mkdtemp(join(tmpdir(), "cairn-git-repos-"));
  const server = await startGitHttpServer({ root, users: { tester: "s3cret" } });
  provide("gitRoot", root);
  provide("gitHttpBase", server.baseUrl);
  provide("gitUser", "tester");
  provide("gitPassword", "s3cret");
  return async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  };
}
