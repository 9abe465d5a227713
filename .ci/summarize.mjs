// Prints vitest's JSON results as the one closing line CI reads: "N passed, N failed[, N skipped]".
// If the run broke before vitest wrote results (install, build or lint failed), that is one failure.
import { existsSync, readFileSync } from "node:fs";

const [resultsPath, exitStatus] = process.argv.slice(2);
if (!existsSync(resultsPath)) {
  console.log(`0 passed, 1 failed`);
  process.exit(1);
}
const results = JSON.parse(readFileSync(resultsPath, "utf8"));
const passed = results.numPassedTests ?? 0;
// Suites that failed to load have no tests counted; count each as a failure so it cannot hide.
const failed = (results.numFailedTests ?? 0) + (results.testResults ?? []).filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
const effectiveFailed = failed === 0 && exitStatus !== "0" ? 1 : failed;
console.log(`${passed} passed, ${effectiveFailed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(effectiveFailed > 0 ? 1 : 0);
