import { spawn, execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";

/**
 * The real git smart-HTTP server: system `git http-backend` (a CGI program) behind a small Node
 * wrapper that checks HTTP Basic auth itself, as a hosting service would. Pushes run the real
 * receive-pack, so its ref-lock compare-and-swap and `receive.denyNonFastForwards` are what a
 * racing client meets. Repositories live under `root` (`<root>/<name>.git`).
 */
export interface GitHttpServerOptions {
  /** Directory holding the bare repositories. */
  root: string;
  /** Accepted `user → password` pairs. Empty or absent: no auth required. */
  users?: Readonly<Record<string, string>>;
}

export interface RunningGitHttpServer {
  /** `http://127.0.0.1:<port>` — append `/<name>.git`. */
  baseUrl: string;
  close(): Promise<void>;
}

/** `git init --bare -b main` with the settings a hosted repository has (push over HTTP, no rewinds). */
export function createBareRepo(root: string, name: string, branch = "main"): string {
  const dir = join(root, name.endsWith(".git") ? name : `${name}.git`);
  execFileSync("git", ["init", "--quiet", "--bare", "-b", branch, dir]);
  execFileSync("git", ["-C", dir, "config", "receive.denyNonFastForwards", "true"]);
  execFileSync("git", ["-C", dir, "config", "http.receivepack", "true"]);
  return dir;
}

export function createGitHttpServer(options: GitHttpServerOptions): Server {
  const users = options.users ?? {};
  return createServer((req, res) => {
    const user = authenticatedUser(req, users);
    if (user === undefined) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="cairn test git"', "Content-Type": "text/plain" });
      res.end("authentication required\n");
      return;
    }
    runHttpBackend(options.root, user, req, res);
  });
}

/** Starts a server on a free loopback port. */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<RunningGitHttpServer> {
  const server = createGitHttpServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("git http server has no address");
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The user named by a valid `Authorization: Basic` header; `"anonymous"` when no users are configured. */
function authenticatedUser(req: IncomingMessage, users: Readonly<Record<string, string>>): string | undefined {
  if (Object.keys(users).length === 0) return "anonymous";
  const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? "");
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const name = decoded.slice(0, colon);
  return Object.hasOwn(users, name) && users[name] === decoded.slice(colon + 1) ? name : undefined;
}

function runHttpBackend(root: string, user: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://localhost");
  const cgi = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: decodeURIComponent(url.pathname),
      REQUEST_METHOD: req.method ?? "GET",
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      CONTENT_LENGTH: req.headers["content-length"] ?? "",
      HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
      GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
      REMOTE_USER: user,
    },
  });
  req.pipe(cgi.stdin);
  cgi.stdin.on("error", () => {}); // the client may hang up early
  let head = Buffer.alloc(0);
  let headersSent = false;
  cgi.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf("\r\n\r\n");
    const lf = head.indexOf("\n\n");
    const end = crlf >= 0 ? crlf : lf;
    if (end < 0) return;
    let status = 200;
    for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    headersSent = true;
    res.write(head.subarray(end + (crlf >= 0 ? 4 : 2)));
  });
  cgi.on("error", (error) => {
    if (!headersSent) res.writeHead(500);
    res.end(String(error));
  });
  cgi.on("close", () => {
    if (!headersSent) res.writeHead(502);
    res.end();
  });
}
