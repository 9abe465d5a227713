import { createServer, type Socket } from "node:net";
import { isCairnError } from "@cairn/core";
import type { StateStore } from "@cairn/core/driver";
import { assert } from "./assertions.js";
import { utf8 } from "./check-types.js";

/** How long an aborted call may take to fail: the abort, not any timeout of the store's, must end it. */
const PROMPT_MS = 5_000;

/**
 * A TCP endpoint that accepts connections, reads what is sent and never answers: a store whose
 * requests go there waits until something ends the call. `requestArrived()` resolves once the
 * next request's first bytes have reached it — the moment a call is surely under way.
 */
export interface StalledEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  requestArrived(): Promise<void>;
  close(): Promise<void>;
}

export async function startStalledEndpoint(): Promise<StalledEndpoint> {
  const sockets = new Set<Socket>();
  let waiter: (() => void) | undefined;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.once("data", () => {
      const arrived = waiter;
      waiter = undefined;
      arrived?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requestArrived: () => new Promise<void>((resolve) => (waiter = resolve)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Against a store whose endpoint never answers: get, list, put and delete, each aborted once its
 * request has reached the endpoint, fail with `Canceled` within `PROMPT_MS` — not after the
 * store's own timeouts, not hanging. A driver that does not pass the signal to its requests waits
 * for an answer that never comes and fails this check.
 */
export async function checkAbortEndsStalledCalls(createStalled: (endpoint: string) => Promise<StateStore>): Promise<void> {
  const endpoint = await startStalledEndpoint();
  const problems: string[] = [];
  const stores: StateStore[] = [];
  try {
    const calls: Array<[string, (store: StateStore, signal: AbortSignal) => Promise<unknown>]> = [
      ["get", (store, signal) => store.get("stalled/object", { signal })],
      ["list", (store, signal) => store.list("stalled/", { signal })],
      ["put", (store, signal) => store.put("stalled/object", utf8("never answered"), { signal })],
      ["delete", (store, signal) => store.delete("stalled/object", { signal })],
    ];
    for (const [name, call] of calls) {
      // A fresh store per call: one that shares a first lookup between calls (git's default
      // branch) would otherwise send the later calls nothing to wait on.
      const store = await createStalled(endpoint.url);
      stores.push(store);
      const controller = new AbortController();
      const arrived = endpoint.requestArrived();
      const outcome = call(store, controller.signal).then(
        () => "resolved although its request was never answered",
        (error: unknown) => error,
      );
      const first = await Promise.race([arrived.then(() => "arrived" as const), outcome]);
      if (first !== "arrived") {
        problems.push(`${name} settled before its request reached the endpoint: ${describe(store, first)}`);
        continue;
      }
      controller.abort();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), PROMPT_MS)));
      const settled = await Promise.race([outcome, late]);
      clearTimeout(timer);
      if (settled === "late") problems.push(`${name} was still waiting ${PROMPT_MS / 1000} s after the abort`);
      else if (!isCairnError(settled, "Canceled") && store.classifyError(settled) !== "Canceled") problems.push(`${name} aborted under way: ${describe(store, settled)}, expected Canceled`);
    }
  } finally {
    for (const store of stores) await store.close();
    await endpoint.close();
  }
  assert(problems.length === 0, `against an endpoint that never answers:\n  ${problems.join("\n  ")}`);
}

function describe(store: StateStore, outcome: unknown): string {
  if (typeof outcome === "string") return outcome;
  const code = isCairnError(outcome) ? outcome.code : store.classifyError(outcome);
  return `failed with ${code} (${(outcome instanceof Error ? outcome.message : String(outcome)).split("\n")[0]!.slice(0, 200)})`;
}
