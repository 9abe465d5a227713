import { appendFileSync } from "node:fs";

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (specifier === "@cairn/core" && process.env.CAIRN_CORE_PROBE) appendFileSync(process.env.CAIRN_CORE_PROBE, `${resolved.url}\n`);
  return resolved;
}
