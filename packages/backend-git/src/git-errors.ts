import { CairnError, codeForHttpStatus, isAmbiguous, isCairnError, requestNeverSent, type ErrorCode, type StatusExceptions } from "@cairn/core/driver";
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
  ECONNABORTED: "Unavailable",
  ERR_STREAM_PREMATURE_CLOSE: "Unavailable",
};

/**
 * What isomorphic-git throws for an answer that is not a whole git answer (empty, cut short,
 * garbled): the transport failed, not the repository — worth another try, and for a push its
 * outcome is unknown.
 */
const BAD_ANSWER_CODES = new Set([
  "SmartHttpError",
  "ParseError", // e.g. 'Expected "unpack ok" or "unpack [error message]"', a pkt-line cut short
  "EmptyServerResponseError", // "Empty response from git server."
]);

// Marks a push failure that provably never reached receive-pack (a failed ref discovery, a
// refused connection, 429), set by HttpRemote.push, which knows which request failed.
const NOT_PUSHED = Symbol.for("cairn.git.notPushed");

/** Marks `error` (in place) as a push that never reached the server: it surely did not land. */
export function markNotPushed<T>(error: T): T {
  if (typeof error === "object" && error !== null && !(NOT_PUSHED in error)) Object.defineProperty(error, NOT_PUSHED, { value: true });
  return error;
}

function notPushed(error: unknown): boolean {
  // A connection never made (core's requestNeverSent): the remote cannot have taken the push.
  return requestNeverSent(error) || (typeof error === "object" && error !== null && NOT_PUSHED in error);
}

/** Whether another try may succeed: a network failure, a bad or cut-short answer, a 5xx, 429. */
export function isTransientGitError(error: unknown): boolean {
  const code = classifyGitError(error);
  return code === "Unavailable" || code === "Timeout" || code === "RateLimited";
}

/**
 * Whether a failed push may still have landed: the connection broke or timed out after the pack
 * was sent, the server answered 5xx, or its answer was cut short or garbled. A rejection (the
 * remote moved on), a push that never reached receive-pack (refused connection, failed discovery,
 * 429) or an authentication failure did not land.
 */
export function pushMayHaveLanded(error: unknown): boolean {
  if (isPushRejected(error) || notPushed(error)) return false;
  const classified = classifyGitError(error);
  return classified === "Unavailable" || classified === "Timeout" || classified === "Internal";
}

/** Maps what isomorphic-git, the git CLI and the network throw to a cairn error code. */
export function classifyGitError(error: unknown): ErrorCode {
  if (isCairnError(error)) return error.code;
  if (isPushRejected(error)) return "Conflict";
  const { code, data } = (error ?? {}) as { code?: unknown; data?: { statusCode?: number } };
  if (code === "HttpError" && typeof data?.statusCode === "number") return codeForHttpStatus(data.statusCode, STATUS_EXCEPTIONS);
  // onAuth answered "cancel": there was no credential, or the server refused the one we sent.
  if (code === "UserCanceledError") return "Unauthenticated";
  if (typeof code === "string" && BAD_ANSWER_CODES.has(code)) return "Unavailable";
  if (typeof code === "string" && code.startsWith("HPE_")) return "Unavailable"; // Node's HTTP parser: a garbled answer
  if (typeof code === "string" && code in NETWORK_ERRNOS) return NETWORK_ERRNOS[code]!;
  if (error instanceof GitCliError) return cliCode(error.stderr);
  return "Internal";
}

/**
 * Where a git server's statuses differ from core's table. Smart HTTP gives meaning to 401, 403,
 * 404 and 429 only; any other 4xx is not an answer git defines, and stays `Internal` — ambiguous,
 * so a push answered that way counts as one that may have landed (`pushMayHaveLanded`). Every
 * 5xx, 501 and 504 too, is the server failing: `Unavailable`, retried.
 */
const STATUS_EXCEPTIONS: StatusExceptions = {
  byStatus: { 400: "Internal", 408: "Internal", 409: "Internal", 412: "Internal", 501: "Unavailable", 504: "Unavailable" },
};

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
  // Ambiguous as the code says by default; surely not when a push provably never reached the
  // server (and no earlier try may have landed); surely so when an earlier try may have.
  const ambiguous = isAmbiguous(error) ? { ambiguous: true } : notPushed(error) ? { ambiguous: false } : {};
  return new CairnError(code, message, { cause: error, ...ambiguous, ...(hint === undefined ? {} : { hint }) });
}
