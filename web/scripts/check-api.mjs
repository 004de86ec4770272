// Fails when src/api/schema.d.ts is not what `npm run gen:api` makes from docs/openapi.yaml: a
// route or schema change must be regenerated (and so type-checked against the app).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "portal-api-"));
try {
  const fresh = join(dir, "schema.d.ts");
  execFileSync("npx", ["openapi-typescript", "../docs/openapi.yaml", "-o", fresh], { stdio: "ignore" });
  if (readFileSync(fresh, "utf8") !== readFileSync("src/api/schema.d.ts", "utf8")) {
    console.error("src/api/schema.d.ts is stale against docs/openapi.yaml: run `npm run gen:api` in web/.");
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches docs/openapi.yaml");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
