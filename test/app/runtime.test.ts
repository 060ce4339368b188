/**
 * The app runs on Node 22 LTS (Node 20 reached end of life in April 2026; @shopify/shopify-app-remix 6
 * needs 22). npm scripts run the `node` devDependency; this checks the test run itself is on it and
 * that package.json says so to hosts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));

describe("runtime", () => {
  it("runs the tests on Node 22", () => {
    console.log(`tests run on node ${process.version}`);
    expect(Number(process.versions.node.split(".")[0])).toBe(22);
  });

  it("pins Node 22 for installs and hosts, and the current Shopify library majors", () => {
    expect(pkg.engines.node).toMatch(/^>=22/);
    expect(pkg.devDependencies.node).toMatch(/^22\./);
    expect(pkg.dependencies["@shopify/shopify-app-remix"]).toMatch(/^6\./);
    expect(pkg.dependencies["@shopify/shopify-app-session-storage-prisma"]).toMatch(/^11\./);
    expect(pkg.dependencies.prisma).toMatch(/^6\.19\./);
  });
});
