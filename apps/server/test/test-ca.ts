import { spawnSync } from "node:child_process";
import { randomBytes, X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Throwaway certificate authorities made with the `openssl` CLI at test time: nothing is committed,
 * every run has fresh keys, and keys only ever go to files (openssl's output is shown on failure,
 * and it never prints a key).
 */
export interface TestCa {
  /** The CA's certificate (PEM): what a client is told to trust. */
  caFile: string;
  /** A server certificate for 127.0.0.1 and localhost, signed by this CA, with a random serial. */
  issue(name: string): CertPair;
}

export interface CertPair {
  certFile: string;
  keyFile: string;
  /** As `tls.TLSSocket#getPeerCertificate().fingerprint256` reports it. */
  fingerprint256: string;
}

function openssl(args: string[], cwd: string): void {
  const result = spawnSync("openssl", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.error !== undefined) throw new Error(`the tests need the openssl CLI on PATH: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed (${result.status}):\n${result.stderr}`);
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export function createTestCa(dir: string, name: string): TestCa {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(dir, "ca.cnf"),
    `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = cairn test CA ${name}\n` +
      "[ext]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n",
  );
  openssl(["req", "-x509", ...EC_KEY, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-config", "ca.cnf", "-extensions", "ext"], dir);
  // Go (the Pulumi CLI) reads only the SAN, never the CN; serverAuth is required by both clients.
  writeFileSync(
    join(dir, "server.cnf"),
    "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = 127.0.0.1\n" +
      "[ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\n" +
      "subjectAltName = IP:127.0.0.1,DNS:localhost\nauthorityKeyIdentifier = keyid\n",
  );
  return {
    caFile: join(dir, "ca.pem"),
    issue(pairName) {
      const certFile = join(dir, `${pairName}.pem`);
      const keyFile = join(dir, `${pairName}.key`);
      openssl(["req", "-new", ...EC_KEY, "-keyout", keyFile, "-out", `${pairName}.csr`, "-config", "server.cnf"], dir);
      const serial = `0x${randomBytes(8).toString("hex")}`;
      openssl(["x509", "-req", "-in", `${pairName}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", serial, "-days", "2", "-extfile", "server.cnf", "-extensions", "ext", "-out", certFile], dir);
      return { certFile, keyFile, fingerprint256: new X509Certificate(readFileSync(certFile)).fingerprint256 };
    },
  };
}
