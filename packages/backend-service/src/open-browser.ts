import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Tries to show `url` in a browser: the program named by `BROWSER` (`BROWSER=none` turns this
 * off), else `xdg-open` when it is on PATH. Returns whether it tried; never throws — the URL is
 * always printed too, so a machine without a browser only means the user opens it by hand.
 */
export function openInBrowser(url: string, env: Record<string, string | undefined>): boolean {
  const configured = env.BROWSER;
  const command = configured !== undefined ? configured.trim() : onPath("xdg-open", env.PATH ?? "");
  if (command === undefined || command === "" || command === "none") return false;
  try {
    const child = spawn(command, [url], { detached: true, stdio: "ignore" });
    child.on("error", () => {}); // a missing program is the same as no browser
    child.unref();
    return true;
  } catch {
    return false;
  }
}

function onPath(program: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}
