// Prints the gzip size of the JavaScript the patient entry loads (index.html's module script and
// what it preloads) and of every lazy chunk; fails over the budget.
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET_KB = 150;
const dist = "dist";
const html = readFileSync(join(dist, "index.html"), "utf8");
const entry = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
const gz = (file) => gzipSync(readFileSync(join(dist, file))).length / 1024;

let entryKb = 0;
const rows = [];
for (const name of readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js")).sort()) {
  const file = `assets/${name}`;
  const kb = gz(file);
  const initial = entry.has(file);
  if (initial) entryKb += kb;
  rows.push(`${initial ? "entry" : "lazy "}  ${kb.toFixed(1).padStart(7)} KB gz  ${file}`);
}
console.log(rows.join("\n"));
console.log(`patient entry: ${entryKb.toFixed(1)} KB of compressed JavaScript (budget ${BUDGET_KB} KB)`);
if (entry.size === 0 || entryKb > BUDGET_KB) {
  console.error(entry.size === 0 ? "no entry script found in dist/index.html" : "over budget");
  process.exit(1);
}
