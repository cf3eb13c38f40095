import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

// `firebase deploy`'s own local checks, run offline by scripts/deploy-check.mjs (firebase-tools'
// code): the functions manifest loaded as deploy loads it, every param resolved non-interactively
// from functions/.env, firebase.json against the CLI's schema, Hosting and index validation.

const root = join(__dirname, "../../..");

interface Endpoint {
  id: string;
  region: string;
  minInstances: number | null;
  maxInstances: number | null;
  retry?: boolean;
}

let report: { endpoints: Endpoint[]; indexes: number; fieldOverrides: number };

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, "scripts/deploy-check.mjs"), "--json"], { cwd: root, timeout: 60_000 });
  report = JSON.parse(stdout) as typeof report;
}, 90_000);

describe("what firebase deploy checks before it deploys", () => {
  it("loads every function and resolves every param from functions/.env, with no prompt", () => {
    expect(report.endpoints.map((endpoint) => endpoint.id)).toContain("api");
    expect(report.endpoints.length).toBeGreaterThan(1);
  });

  it("puts a ceiling on every function's instances, keeps none warm by default, and retries the triggers", () => {
    for (const endpoint of report.endpoints) expect(endpoint.maxInstances, endpoint.id).toBe(10);
    expect(report.endpoints.find((endpoint) => endpoint.id === "api")?.minInstances).toBe(0);
    for (const endpoint of report.endpoints.filter((each) => each.id !== "api")) expect(endpoint.retry, endpoint.id).toBe(true);
  });

  it("deploys every function to the region the Hosting rewrite names", () => {
    const hosting = JSON.parse(readFileSync(join(root, "firebase.json"), "utf8")).hosting as { rewrites: Array<{ function?: { region: string } }> };
    const regions = hosting.rewrites.flatMap((rewrite) => (rewrite.function ? [rewrite.function.region] : []));
    expect(new Set(report.endpoints.map((endpoint) => endpoint.region))).toEqual(new Set(regions));
  });

  it("accepts the indexes and field overrides (TTL policies) as the CLI would", () => {
    expect(report.indexes).toBeGreaterThan(0);
    expect(report.fieldOverrides).toBeGreaterThan(0);
  });
});
