/**
 * Runs the Shopify stand-in on its own, with a generated demo shop, so the CLI (`npm run cli -- sync
 * --shop demo-shop.myshopify.com`) or a browser can talk to it from another process.
 *
 *   npx tsx packages/shopify-standin/src/main.ts [--port 4010] [--orders 6000] [--seed 42] [--shop demo-shop.myshopify.com]
 *                                [--webhook-target http://localhost:3000]
 *
 * Prints the Admin endpoint and the shop's access token; Ctrl-C stops it.
 */
import { generateDemoShop } from "./demo-shop";
import { startStandin } from "./server";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function intOption(name: string, fallback: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${raw}`);
  return n;
}

const shop = option("shop") ?? "demo-shop.myshopify.com";
const data = generateDemoShop({ shop, orders: intOption("orders", 6000), seed: intOption("seed", 42) });
const standin = await startStandin({
  shops: [data],
  port: intOption("port", 4010),
  webhookTarget: option("webhook-target"),
});
console.log(`Shopify stand-in: ${standin.graphqlUrl}`);
console.log(
  `shop ${shop}: ${data.orders.length} orders, ${data.customers.length} customers, ${data.products.length} products`,
);
console.log(`X-Shopify-Access-Token: ${standin.tokenFor(shop)}`);

const stop = async (): Promise<void> => {
  await standin.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
