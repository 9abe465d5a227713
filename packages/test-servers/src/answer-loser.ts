import { startFaultProxy, writesOnly, type FaultCandidate } from "./fault-proxy.js";

/**
 * The fault proxy aimed at one write: the conformance suite's retried-write checks arm it with a
 * key, and the next write request naming that key lands on the server and loses its answer.
 */
export interface AnswerLoser {
  /** `http://127.0.0.1:<port>`: point the store's endpoint here. */
  url: string;
  /** `127.0.0.1:<port>` */
  host: string;
  loseNextAnswer(key: string): void;
  answersLost(): number;
  close(): Promise<void>;
}

export interface AnswerLoserOptions {
  /**
   * Which requests are writes of a key, when the URL does not say (git: every push is a POST to
   * `…/git-receive-pack`, whatever it writes). Default: a PUT/POST/PATCH/DELETE naming the key.
   */
  isWrite?: (request: FaultCandidate) => boolean;
}

export async function startAnswerLoser(target: string, options: AnswerLoserOptions = {}): Promise<AnswerLoser> {
  let armed: string | undefined;
  const filter = (request: FaultCandidate): boolean => {
    if (armed === undefined) return false;
    if (options.isWrite ? !options.isWrite(request) : !(writesOnly(request) && requestNamesKey(request.path, armed))) return false;
    armed = undefined; // once: the retry and the read-back that follow must reach the server
    return true;
  };
  const proxy = await startFaultProxy({ target, seed: 1, faults: { "drop-response": 1 }, filter });
  return {
    url: proxy.url,
    host: proxy.host,
    loseNextAnswer: (key) => void (armed = key),
    answersLost: () => proxy.stats().faults["drop-response"],
    close: () => proxy.close(),
  };
}

/**
 * Whether a request's target names `key` (under any store prefix): as the object path (S3, Azure:
 * `/<bucket>/<prefix>/<key>`) or as the `name` parameter (GCS uploads: `…/o?name=<prefix>/<key>`).
 */
export function requestNamesKey(path: string, key: string): boolean {
  const url = new URL(path, "http://proxy.invalid");
  const named = (text: string) => text === key || text.endsWith(`/${key}`); // under the store's own prefix
  return named(safeDecode(url.pathname)) || named(url.searchParams.get("name") ?? "");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The retried-write fixture the conformance suite asks for (`LostAnswerFixture`): the backend
 * behind `loser`, a second one reaching the service directly, and one dispose for all of it.
 */
export function lostAnswerFixture<B extends { close(): Promise<void> }>(loser: AnswerLoser, backend: B, second: B, cleanup?: () => Promise<void>) {
  return {
    backend,
    second,
    loseNextAnswer: loser.loseNextAnswer,
    answersLost: loser.answersLost,
    dispose: async () => {
      await Promise.all([backend.close(), second.close()]);
      await loser.close();
      await cleanup?.();
    },
  };
}
