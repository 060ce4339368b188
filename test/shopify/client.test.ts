import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { assertNoUserErrors, createAdminClient, operationName } from "../../app/shopify/client.server";
import { ADMIN_API_VERSION } from "../../app/shopify/api-version";
import { AdminApiError, ThrottledError, UserErrorsError } from "../../app/shopify/errors";

type Handler = (
  body: { query: string; variables?: Record<string, unknown> },
  req: IncomingMessage,
  res: ServerResponse,
) => void;

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => handler(JSON.parse(raw || "{}"), req, res));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** A fake clock shared by the test server's leaky bucket and the client's sleep. */
function fakeClock() {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

const Q = `#graphql
  query ShopName { shop { name } }`;

describe("createAdminClient", () => {
  it("sends to the versioned endpoint with the access token", async () => {
    const seen: Array<{ url?: string; token?: string | string[] }> = [];
    const base = await serve((_body, req, res) => {
      seen.push({ url: req.url, token: req.headers["x-shopify-access-token"] });
      json(res, 200, { data: { shop: { name: "x" } } });
    });
    const client = createAdminClient({ shop: "a.myshopify.com", accessToken: "tok", apiBaseUrl: base });
    expect(await client.request(Q)).toEqual({ shop: { name: "x" } });
    expect(seen).toEqual([{ url: `/admin/api/${ADMIN_API_VERSION}/graphql.json`, token: "tok" }]);
  });

  it("paces itself to the restore rate so a leaky bucket never throttles it", async () => {
    const clock = fakeClock();
    const max = 200;
    const restoreRate = 50;
    const cost = 80;
    let available = max;
    let at = clock.now();
    let throttled = 0;
    const base = await serve((_body, _req, res) => {
      available = Math.min(max, available + ((clock.now() - at) / 1000) * restoreRate);
      at = clock.now();
      if (available < cost) {
        throttled++;
        return json(res, 200, {
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
          extensions: {
            cost: {
              requestedQueryCost: cost,
              actualQueryCost: null,
              throttleStatus: { maximumAvailable: max, currentlyAvailable: available, restoreRate },
            },
          },
        });
      }
      available -= cost;
      json(res, 200, {
        data: { shop: { name: "x" } },
        extensions: {
          cost: {
            requestedQueryCost: cost,
            actualQueryCost: cost,
            throttleStatus: { maximumAvailable: max, currentlyAvailable: available, restoreRate },
          },
        },
      });
    });
    const client = createAdminClient({
      shop: "a.myshopify.com",
      accessToken: "t",
      apiBaseUrl: base,
      now: clock.now,
      sleep: clock.sleep,
      defaultExpectedCost: cost,
    });
    for (let i = 0; i < 12; i++) await client.request(Q);
    expect(throttled).toBe(0);
    expect(client.stats.retries).toBe(0);
    expect(client.stats.costPoints).toBe(12 * cost);
    // 12 * 80 = 960 points from a 200-point bucket: the rest must come from waiting ~ (960 - 200) / 50 s.
    const waited = clock.sleeps.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(((12 * cost - max) / restoreRate) * 1000 - 1000);
    expect(waited).toBeLessThan(((12 * cost - max) / restoreRate) * 1000 + 2000);
    expect(client.waits.pacingMs).toBe(waited);
  });

  it("retries THROTTLED answers after the time the bucket needs, then succeeds", async () => {
    const clock = fakeClock();
    let n = 0;
    const base = await serve((_body, _req, res) => {
      n++;
      if (n <= 2)
        return json(res, 200, {
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
          extensions: {
            cost: {
              requestedQueryCost: 100,
              actualQueryCost: null,
              throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 50 },
            },
          },
        });
      json(res, 200, { data: { shop: { name: "ok" } } });
    });
    const client = createAdminClient({
      shop: "a",
      accessToken: "t",
      apiBaseUrl: base,
      sleep: clock.sleep,
      now: clock.now,
      random: () => 0,
    });
    expect(await client.request(Q)).toEqual({ shop: { name: "ok" } });
    expect(client.stats.retries).toBe(2);
    expect(client.stats.calls).toBe(3);
    expect(clock.sleeps.filter((ms) => ms >= 2000).length).toBeGreaterThanOrEqual(2); // (100 - 0) / 50 = 2 s
  });

  it("retries 5xx with exponential back-off and jitter, and gives up after maxRetries tries with a clear message", async () => {
    const clock = fakeClock();
    let n = 0;
    const base = await serve((_body, _req, res) => {
      n++;
      res.writeHead(503);
      res.end("Service Unavailable");
    });
    const client = createAdminClient({
      shop: "a",
      accessToken: "t",
      apiBaseUrl: base,
      sleep: clock.sleep,
      now: clock.now,
      random: () => 1,
      baseDelayMs: 100,
    });
    const error = await client.request(Q).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect((error as Error).message).toBe("Shopify kept answering 503 after 6 tries for ShopName");
    expect((error as AdminApiError).status).toBe(503);
    expect(n).toBe(6);
    expect(clock.sleeps).toEqual([100, 200, 400, 800, 1600]);
  });

  it("jitter keeps every delay between half and all of the exponential step", async () => {
    const clock = fakeClock();
    const base = await serve((_b, _r, res) => json(res, 502, { errors: [{ message: "bad gateway" }] }));
    const client = createAdminClient({
      shop: "a",
      accessToken: "t",
      apiBaseUrl: base,
      sleep: clock.sleep,
      now: clock.now,
      random: () => 0,
      baseDelayMs: 100,
      maxRetries: 4,
    });
    await expect(client.request(Q)).rejects.toThrow(/kept answering 502 after 4 tries for ShopName/);
    expect(clock.sleeps).toEqual([50, 100, 200]);
  });

  it("keeps retrying a 429 as throttling and reports it as ThrottledError", async () => {
    const clock = fakeClock();
    const base = await serve((_b, _r, res) => json(res, 429, { errors: "Too many requests" }));
    const client = createAdminClient({
      shop: "a",
      accessToken: "t",
      apiBaseUrl: base,
      sleep: clock.sleep,
      now: clock.now,
      maxRetries: 3,
    });
    const error = await client.request(Q).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as Error).message).toMatch(/kept throttling ShopName .*after 3 tries/);
  });

  it("retries network errors (a dropped connection) and recovers", async () => {
    const clock = fakeClock();
    let n = 0;
    const base = await serve((_b, req, res) => {
      n++;
      if (n === 1) return req.socket.destroy();
      json(res, 200, { data: { shop: { name: "back" } } });
    });
    const client = createAdminClient({
      shop: "a",
      accessToken: "t",
      apiBaseUrl: base,
      sleep: clock.sleep,
      now: clock.now,
    });
    expect(await client.request(Q)).toEqual({ shop: { name: "back" } });
    expect(client.stats.retries).toBe(1);
  });

  it("does not retry GraphQL errors or a refused token, and says what Shopify said", async () => {
    let n = 0;
    const base = await serve((body, _req, res) => {
      n++;
      if (body.query.includes("Bad"))
        return json(res, 200, { errors: [{ message: "Field 'nope' doesn't exist on type 'Shop'" }] });
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: "[API] Invalid API key or access token" }));
    });
    const client = createAdminClient({ shop: "a", accessToken: "t", apiBaseUrl: base, sleep: async () => undefined });
    await expect(client.request("query Bad { shop { nope } }")).rejects.toThrow(
      "Shopify rejected Bad: Field 'nope' doesn't exist on type 'Shop'",
    );
    const refused = await client.request(Q).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdminApiError);
    expect((refused as Error).message).toMatch(/answered 401 for ShopName \(the access token was refused/);
    expect(n).toBe(2);
  });

  it("turns userErrors into a typed UserErrorsError", () => {
    const payload = {
      node: null,
      userErrors: [{ field: ["id"], message: "Customer does not exist", code: "NOT_FOUND" }],
    };
    let error: unknown;
    try {
      assertNoUserErrors(payload, "tagsAdd");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserErrorsError);
    expect((error as UserErrorsError).userErrors).toEqual(payload.userErrors);
    expect((error as Error).message).toBe("tagsAdd was refused by Shopify: id: Customer does not exist");
    expect(assertNoUserErrors({ node: { id: "x" }, userErrors: [] }, "tagsAdd").node).toEqual({ id: "x" });
    expect(() => assertNoUserErrors(null, "tagsAdd")).toThrow(AdminApiError);
  });

  it("names operations for messages", () => {
    expect(operationName("mutation TagsAdd($id: ID!) { tagsAdd(id: $id, tags: []) { node { id } } }")).toBe("TagsAdd");
    expect(operationName("{ shop { name } }")).toBe("anonymous query");
  });
});
