/**
 * A fixed-rate (open-loop) load generator for the storefront benchmark, run in its own process:
 * request i is sent at t0 + i / rate whatever the answers before it, so a slow server shows up as
 * latency, not as a lower offered rate. Requests still in flight are capped (MAX_IN_FLIGHT): past it a
 * request is counted as "not sent" rather than queued. Proxy requests are signed as Shopify signs them
 * (test/helpers/app-proxy.ts), each with a fresh timestamp.
 *
 * Input (argv[2], JSON): { targets: string[] (base URLs, used in turn), route, rate, seconds, secret,
 * shops, customers, products }. Output (stdout, one JSON line): sent, answered, statuses, latency
 * percentiles (ms), achieved rate, events recorded by the app (events route).
 */
import { randomBytes } from "node:crypto";
import { signedProxyQuery } from "../helpers/app-proxy";

interface Spec {
  targets: string[];
  route: "static" | "recommendations" | "events";
  rate: number;
  seconds: number;
  secret: string;
  shops: string[];
  /** Per shop: numeric customer ids (logged-in shoppers) and product numbers. */
  customers: string[][];
  products: string[][];
}

const MAX_IN_FLIGHT = 2_000;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 20_000);
const spec = JSON.parse(process.argv[2]) as Spec;
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let sent = 0;
let notSent = 0;
let inFlight = 0;
let recorded = 0;

function request(i: number): { url: string; init: RequestInit } {
  const base = spec.targets[i % spec.targets.length];
  if (spec.route === "static") return { url: `${base}/favicon.ico`, init: {} };
  const s = i % spec.shops.length;
  const shop = spec.shops[s];
  const products = spec.products[s];
  if (spec.route === "recommendations") {
    // A logged-in shopper on a product page.
    const customer = spec.customers[s][i % spec.customers[s].length];
    const query = signedProxyQuery(
      { product_id: products[i % products.length], limit: "4" },
      { shop, secret: spec.secret, customer },
    );
    return { url: `${base}/proxy/recommendations?${query}`, init: {} };
  }
  // A new anonymous visit reporting the 4 products it was shown.
  const query = signedProxyQuery({ n: randomBytes(9).toString("hex") }, { shop, secret: spec.secret });
  const events = Array.from({ length: 4 }, (_, k) => ({
    kind: "impression",
    productId: products[(i * 4 + k) % products.length],
  }));
  return {
    url: `${base}/proxy/events?${query}`,
    init: {
      method: "POST",
      body: JSON.stringify({ visit: `bench-${randomBytes(8).toString("hex")}`, placement: "product", events }),
      headers: { "Content-Type": "text/plain" },
    },
  };
}

async function fire(i: number) {
  if (inFlight >= MAX_IN_FLIGHT) {
    notSent++;
    return;
  }
  const { url, init } = request(i);
  inFlight++;
  sent++;
  const start = performance.now();
  try {
    // A request unanswered after TIMEOUT_MS counts as an error (the step must end).
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = await res.text();
    latencies.push(performance.now() - start);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (spec.route === "events" && res.status < 300) recorded += (JSON.parse(body) as { recorded: number }).recorded;
  } catch (error) {
    const key = `error:${(error as Error).message}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
  } finally {
    inFlight--;
  }
}

const total = Math.round(spec.rate * spec.seconds);
const t0 = performance.now();
let next = 0;
const pending: Array<Promise<void>> = [];
await new Promise<void>((resolve) => {
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * spec.rate) + 1);
    while (next < due) pending.push(fire(next++));
    if (next >= total) return resolve();
    setTimeout(tick, 2);
  };
  tick();
});
const offeredSeconds = (performance.now() - t0) / 1000;
await Promise.all(pending);
const elapsed = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies.length
    ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 10) / 10
    : null;
console.log(
  JSON.stringify({
    route: spec.route,
    rate: spec.rate,
    sent,
    notSent,
    answered: latencies.length,
    statuses,
    p50: pct(0.5),
    p95: pct(0.95),
    p99: pct(0.99),
    max: pct(1),
    offeredRps: Math.round((sent / offeredSeconds) * 10) / 10,
    answeredRps: Math.round((latencies.length / elapsed) * 10) / 10,
    recorded,
  }),
);
