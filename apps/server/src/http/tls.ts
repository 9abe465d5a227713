import { createHash, createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { dirname, resolve } from "node:path";
import { createSecureContext } from "node:tls";
import { CairnError, serialQueue } from "@cairn/core/driver";
import type { Logger } from "../log.js";

/** `--tls-cert` / `--tls-key`: PEM files (the certificate file may hold the chain after it). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** What identifies the certificate being served; all of it is public (no key material). */
export interface TlsCertificateInfo {
  fingerprint256: string;
  serialNumber: string;
  subject: string;
  validTo: string;
}

/** A reload's outcome, for `ServerOptions.onTlsReload` (tests wait on it instead of sleeping). */
export type TlsReloadEvent = { ok: true; reason: string; certificate: TlsCertificateInfo } | { ok: false; reason: string; error: string };

interface TlsPair {
  cert: Buffer;
  key: Buffer;
  info: TlsCertificateInfo;
}

/**
 * Reads and checks a certificate/key pair: each file readable and PEM, and the key the one the
 * certificate was issued for. Errors name the file; none carries the key's bytes.
 */
export async function loadTlsPair(files: TlsFiles): Promise<TlsPair> {
  const cert = await readPem(files.certFile, "certificate", "--tls-cert");
  const key = await readPem(files.keyFile, "private key", "--tls-key");
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw new CairnError("InvalidArgument", `${files.certFile} holds no readable PEM certificate (${reasonOf(error)})`, {
      hint: "--tls-cert takes a PEM file starting with -----BEGIN CERTIFICATE-----",
    });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new CairnError("InvalidArgument", `${files.keyFile} holds no readable private key (${reasonOf(error)})`, {
      hint: "--tls-key takes an unencrypted PEM private key (no passphrase)",
    });
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new CairnError("InvalidArgument", `the private key in ${files.keyFile} does not match the certificate in ${files.certFile}`, {
      hint: "give --tls-key the key the certificate was issued for (with certbot: privkey.pem beside fullchain.pem)",
    });
  }
  try {
    // What the server will actually use: also checks the chain after the first certificate.
    createSecureContext({ cert, key });
  } catch (error) {
    throw new CairnError("InvalidArgument", `${files.certFile} and ${files.keyFile} cannot be used for TLS (${reasonOf(error)})`);
  }
  return {
    cert,
    key,
    info: { fingerprint256: certificate.fingerprint256, serialNumber: certificate.serialNumber, subject: certificate.subject, validTo: certificate.validTo },
  };
}

async function readPem(path: string, what: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? reasonOf(error);
    throw new CairnError("InvalidArgument", `cannot read the TLS ${what} file ${path} (${code})`, {
      hint: `check the path given to ${flag} and that this user may read it`,
    });
  }
}

/** OpenSSL's and Node's messages name the problem (e.g. "unsupported"), never the bytes. */
function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface HttpsListener {
  server: Server;
  /** Re-reads both files and serves them to new connections; a bad pair keeps the old one. */
  reload(reason: string): Promise<void>;
  /** Stops watching the files. */
  close(): void;
}

/** Quiet time after a change before reading: a renewal writes the certificate and the key separately. */
const SETTLE_MS = 150;

/** Node's limits on slow clients, given to the server when it is created (they cannot change later). */
export interface ServerTimeouts {
  requestTimeout?: number;
  headersTimeout?: number;
  connectionsCheckingInterval?: number;
}

/**
 * An https server whose certificate follows its files. The files' directories are watched, not
 * the files: renewals (certbot, Kubernetes secrets) replace files by rename or swap a symlink, and
 * a watch on the old file would never fire again. Any change in a directory re-reads the pair;
 * an unchanged pair is left alone, so unrelated files there cost one read.
 */
export async function createHttpsListener(
  files: TlsFiles,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  logger: Logger,
  onReload?: (event: TlsReloadEvent) => void,
  serverOptions: ServerTimeouts = {},
): Promise<HttpsListener> {
  let current = await loadTlsPair(files);
  let lastTried = digest(current);
  const server = createServer({ ...serverOptions, cert: current.cert, key: current.key }, handler);

  // Reloads run one at a time, in the order they were asked for.
  const serialize = serialQueue();
  const reloadOnce = async (reason: string, force: boolean): Promise<void> => {
    let cert: Buffer | undefined;
    let key: Buffer | undefined;
    try {
      [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
    } catch {
      // Mid-rename a file can be briefly missing; loadTlsPair below reports it if it still is.
    }
    const seen = cert && key ? digest({ cert, key }) : "";
    if (!force && seen !== "" && seen === lastTried) return;
    lastTried = seen;
    try {
      const next = await loadTlsPair(files);
      // Existing connections keep their session; only new handshakes see the new context.
      server.setSecureContext({ cert: next.cert, key: next.key });
      current = next;
      logger.info("tls reloaded", { reason, ...current.info });
      onReload?.({ ok: true, reason, certificate: current.info });
    } catch (error) {
      const message = reasonOf(error);
      logger.error("tls reload failed", { reason, error: message, serving: current.info.fingerprint256, hint: "the previous certificate is still served; fix the files (or send SIGHUP once they are complete)" });
      onReload?.({ ok: false, reason, error: message });
    }
  };
  const reload = (reason: string, force = true): Promise<void> => serialize(() => reloadOnce(reason, force));

  let timer: NodeJS.Timeout | undefined;
  const changed = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload("file changed", false), SETTLE_MS);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const directory of new Set([dirname(resolve(files.certFile)), dirname(resolve(files.keyFile))])) {
    const watcher = watch(directory, { persistent: false }, changed);
    watcher.on("error", (error) => logger.error("tls file watch failed", { directory, error: reasonOf(error), hint: "send SIGHUP to reload the certificate" }));
    watchers.push(watcher);
  }
  return {
    server,
    reload: (reason) => reload(reason, true),
    close: () => {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

function digest(pair: { cert: Buffer; key: Buffer }): string {
  return createHash("sha256").update(pair.cert).update("\0").update(pair.key).digest("hex");
}
