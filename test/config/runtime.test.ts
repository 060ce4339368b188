/**
 * The app runs on Node 24 LTS, supported until 2028-04-30 (Node 22 ends on 2027-04-30; Node 20 ended in
 * April 2026; @shopify/shopify-app-remix 6 needs 22 or later). npm scripts run the `node` devDependency;
 * this checks the test run itself is on it and that package.json says so to hosts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));

describe("runtime", () => {
  it("runs the tests on Node 24", () => {
    console.log(`tests run on node ${process.version}`);
    expect(Number(process.versions.node.split(".")[0])).toBe(24);
  });

  it("pins Node 24 for installs and hosts, and the current Shopify library majors", () => {
    expect(pkg.engines.node).toMatch(/^>=24/);
    expect(pkg.devDependencies.node).toMatch(/^24\./);
    expect(pkg.dependencies["@shopify/shopify-app-remix"]).toMatch(/^6\./);
    expect(pkg.dependencies["@shopify/shopify-app-session-storage-prisma"]).toMatch(/^11\./);
    expect(pkg.dependencies.prisma).toMatch(/^6\.19\./);
  });
});
