import { CairnError, isCairnError, type ErrorCode } from "@cairn/core";
import { CREDENTIAL_HINT } from "./git-credentials.js";
import { GitCliError } from "./git-cli.js";
import { isPushRejected } from "./git-remote.js";

const NETWORK_ERRNOS: Record<string, ErrorCode> = {
  ECONNREFUSED: "Unavailable",
  ECONNRESET: "Unavailable",
  EPIPE: "Unavailable",
  ENOTFOUND: "Unavailable",
  EAI_AGAIN: "Unavailable",
  EHOSTUNREACH: "Unavailable",
  ENETUNREACH: "Unavailable",
  ETIMEDOUT: "Timeout",
};

/** Failures before anything was sent: the remote cannot have taken the push. */
const NOT_SENT_ERRNOS = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * Whether a failed push may still have landed: the connection broke or timed out after the pack
 * was sent, the server answered 5xx, or its answer was cut short. A rejection (the remote moved
 * on), a refused connection or an authentication failure did not land.
 */
export function pushMayHaveLanded(error: unknown): boolean {
  if (isPushRejected(error)) return false;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && NOT_SENT_ERRNOS.has(code)) return false;
  const classified = classifyGitError(error);
  return classified === "Unavailable" || classified === "Timeout" || classified === "Internal";
}

/** Maps what isomorphic-git, the git CLI and the network throw to a cairn error code. */
export function classifyGitError(error: unknown): ErrorCode {
  if (isCairnError(error)) return error.code;
  if (isPushRejected(error)) return "Conflict";
  const { code, data } = (error ?? {}) as { code?: unknown; data?: { statusCode?: number } };
  if (code === "HttpError" && typeof data?.statusCode === "number") return httpStatusCode(data.statusCode);
  // onAuth answered "cancel": there was no credential, or the server refused the one we sent.
  if (code === "UserCanceledError") return "Unauthenticated";
  if (code === "SmartHttpError" || code === "ParseError") return "Unavailable";
  if (typeof code === "string" && code in NETWORK_ERRNOS) return NETWORK_ERRNOS[code]!;
  if (error instanceof GitCliError) return cliCode(error.stderr);
  return "Internal";
}

function httpStatusCode(status: number): ErrorCode {
  if (status === 401) return "Unauthenticated";
  if (status === 403) return "PermissionDenied";
  if (status === 404) return "NotFound";
  if (status === 429) return "RateLimited";
  if (status >= 500) return "Unavailable";
  return "Internal";
}

function cliCode(output: string): ErrorCode {
  if (/does not appear to be a git repository|not a git repository|no such file or directory|does not exist/i.test(output)) return "NotFound";
  if (/permission denied|insufficient permission|read-only file system/i.test(output)) return "PermissionDenied";
  if (/was not found on PATH/.test(output)) return "Unavailable";
  return "Internal";
}

const HINTS: Partial<Record<ErrorCode, (url: string) => string>> = {
  Unauthenticated: () => CREDENTIAL_HINT,
  PermissionDenied: () => `the credential was accepted but may not use this repository; ${CREDENTIAL_HINT}`,
  NotFound: (url) =>
    url.startsWith("git+file:")
      ? "check the path; create the repository with `git init --bare -b main <path>`"
      : "check the URL (host, owner and repository name, ending in .git) and that the repository exists",
  Unavailable: () => "check the host is reachable and try again",
  Timeout: () => "check the host is reachable and try again",
  RateLimited: () => "the git server is throttling requests; wait and try again",
};

/** A CairnError with a hint for anything a git operation threw. Messages never contain credentials. */
export function toGitCairnError(error: unknown, url: string, what: string): CairnError {
  if (isCairnError(error)) return error;
  const code = classifyGitError(error);
  const detail = error instanceof Error ? error.message : String(error);
  const message =
    code === "Unauthenticated" ? `${url}: the git server refused the credentials (or none were given) while trying to ${what}` : `${url}: could not ${what}: ${detail}`;
  const hint = HINTS[code]?.(url);
  return new CairnError(code, message, { cause: error, ...(hint === undefined ? {} : { hint }) });
}
