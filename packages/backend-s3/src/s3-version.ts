/**
 * A store version for an S3 object.
 *
 * S3's preconditions (`If-Match`) compare ETags, and the ETag of a single-part upload is the MD5 of
 * its bytes: writing the same bytes twice gives the same ETag. The SPI wants a new version for
 * every write, so each write also stores a random id in user metadata (`x-amz-meta-cairn-write-id`)
 * and the version is `<etag>#<write id>`. Preconditions send only the ETag part, because that is
 * all S3 can compare atomically: a compare-and-swap against an older version whose bytes equal the
 * current bytes succeeds (the write is based on the same content, so nothing is lost).
 * Objects written by other tools (Pulumi) have no write id; their version is the bare ETag.
 */
export const WRITE_ID_METADATA = "cairn-write-id";

const SEPARATOR = "#";

export function composeVersion(etag: string | undefined, metadata: Record<string, string> | undefined): string {
  const bare = unquote(etag ?? "");
  const writeId = metadata?.[WRITE_ID_METADATA];
  return writeId ? `${bare}${SEPARATOR}${writeId}` : bare;
}

/** The quoted ETag S3 compares in `If-Match`. */
export function etagOf(version: string): string {
  const at = version.indexOf(SEPARATOR);
  return `"${at < 0 ? version : version.slice(0, at)}"`;
}

function unquote(etag: string): string {
  return etag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}
