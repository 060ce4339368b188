/**
 * `npm run demo`: the whole app on this machine with nothing else running.
 *  1. migrates the SQLite database (prisma/dev.sqlite, or DATABASE_URL);
 *  2. starts the local Shopify stand-in with the generated demo shop;
 *  3. runs the pipeline for it: full sync (bulk query) -> analyze -> publish preview;
 *  4. builds the app if needed and serves the admin at http://127.0.0.1:3000/app, outside Shopify's iframe;
 *  5. serves the shop's storefront (home, product, cart) with the recommendations block, a consent
 *     banner and the app proxy signed as Shopify signs it (packages/shopify-standin/src/storefront/server.ts): a click on a
 *     recommendation, an order with the cart attribute, then the admin's Results page.
 * Demo mode is an allow-list: it runs only with NODE_ENV development (the default here) or test, the
 * server listens on 127.0.0.1 only, and the database URL is printed masked.
 *   npm run demo -- --check      does everything, checks the admin page answers, then exits (tests, CI)
 *   npm run demo -- --orders N   size of the demo shop (default 6000)
 */
import { buildAppIfStale, startDemoServer } from "./remix-serve";

// Demo mode is an allow-list (app/env.server.ts): only NODE_ENV development or test.
process.env.NODE_ENV ??= "development";
if (process.env.NODE_ENV !== "development" && process.env.NODE_ENV !== "test") {
  console.error(
    `npm run demo refuses to run with NODE_ENV=${process.env.NODE_ENV}: demo mode skips Shopify's authentication, so it runs only with NODE_ENV=development or test.`,
  );
  process.exit(1);
}
process.env.CHURNLESS_DEMO = "1";
const { env, maskUrl } = await import("../app/env.server");

const args = process.argv.slice(2);
const check = args.includes("--check");
const ordersArg = args.indexOf("--orders");
const orders = ordersArg >= 0 ? Number(args[ordersArg + 1]) : 6000;
const { PORT: port, CHURNLESS_DEMO_SHOP: shop, DATABASE_URL: databaseUrl } = env();
const secret = "churnless-demo-secret";

const t0 = Date.now();
const step = (message: string) => console.log(`[demo ${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);

const { migrateDatabase } = await import("../app/db/migrate.server");
const applied = await migrateDatabase(databaseUrl);
step(`database ${maskUrl(databaseUrl)}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);

const { startStandin } = await import("../packages/shopify-standin/src/server");
const { generateDemoShop } = await import("../packages/shopify-standin/src/demo-shop");
const data = generateDemoShop({ shop, orders });
const standin = await startStandin({
  shops: [data],
  webhookSecret: secret,
  webhookTarget: `http://127.0.0.1:${port}`,
  flowTriggerHandles: ["churnless-risk-changed", "churnless-segment-changed", "churnless-due-reorder"],
});
step(
  `Shopify stand-in at ${standin.url}: ${shop} with ${data.orders.length} orders, ${data.customers.length} customers, ${data.products.length} products`,
);

process.env.SHOPIFY_ADMIN_API_BASE_URL = standin.url;
const { default: db } = await import("../app/db.server");
const scope = "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy";
const session = {
  id: `offline_${shop}`,
  shop,
  state: "demo",
  isOnline: false,
  scope,
  accessToken: standin.tokenFor(shop),
};
await db.session.upsert({ where: { id: session.id }, create: session, update: session });

// The demo is an entry point: it hands app/shopify the library's session loader, as the server and the worker do.
const { librarySessionLoader, setOfflineSessionLoader } = await import("../app/shopify/admin.server");
setOfflineSessionLoader(librarySessionLoader(() => import("../app/shopify.server")));
const { runJob } = await import("../app/jobs/runtime/handlers.server");
const outcome = await runJob({ db }, { shop, kind: "full-sync" });
for (const s of outcome.steps) step(`${s.step}: ${(s.ms / 1000).toFixed(1)} s`);
// Control groups: one on for the at-risk segment, with six months of weekly draws to compare.
const { seedDemoControlGroup } = await import("./demo-control-group");
const cg = await seedDemoControlGroup(db, shop);
step(
  `control group on for ${cg.segmentKey}: ${cg.customers} customers drawn since ${cg.since.toISOString().slice(0, 10)}, ${cg.heldOut} held out (see /app/uplift)`,
);

buildAppIfStale({ inherit: true, onBuild: () => step("building the app (remix vite:build)") });

const server = startDemoServer({
  port,
  shop,
  appUrl: `http://127.0.0.1:${port}`,
  apiKey: "churnless-demo",
  apiSecret: secret,
  scopes: scope,
  inherit: true,
});
const url = `http://127.0.0.1:${port}/app`;
await server.ready("/app", 60_000);
step(`the admin for ${shop} is at ${url}`);

const { startStorefront } = await import("../packages/shopify-standin/src/storefront/server");
const storefront = await startStorefront({
  shop,
  state: standin.state(shop),
  appUrl: `http://127.0.0.1:${port}`,
  secret,
  deliverWebhook: (o) => standin.deliverWebhook(o),
  port: args.includes("--storefront-port") ? Number(args[args.indexOf("--storefront-port") + 1]) : 0,
});
step(`the storefront of ${shop} is at ${storefront.url} (recommendations block, consent banner, app proxy)`);

if (check) {
  const res = await fetch(url);
  const html = await res.text();
  let ok = res.status === 200 && /Churnless|Dashboard/.test(html);
  step(`check: GET /app -> ${res.status}${ok ? ", dashboard served" : ", NOT the dashboard"}`);
  // End to end: the control group's result, and a customer due to reorder with their products.
  const uplift = await fetch(`${url}/uplift`);
  const verdict =
    /(came back more|came back less|No clear difference|Too few customers to tell yet)/.exec(
      await uplift.text(),
    )?.[1] ?? null;
  step(`check: GET /app/uplift -> ${uplift.status}, ${verdict ? `control group result: ${verdict}` : "NO result"}`);
  ok &&= uplift.status === 200 && verdict !== null;
  const due = await db.reorderDue.findFirst({ where: { shop }, orderBy: [{ dueFrom: "asc" }, { customerId: "asc" }] });
  const dueCustomers = (await db.reorderDue.groupBy({ by: ["customerId"], where: { shop } })).length;
  if (due) {
    const r = await fetch(`${url}/reorder?customerId=${encodeURIComponent(due.customerId)}`);
    const products = r.status === 200 ? ((await r.json()) as { due: unknown[] }).due.length : 0;
    step(`check: ${dueCustomers} customers due to reorder; GET /app/reorder -> ${r.status}, ${products} products due`);
    ok &&= products > 0;
  } else {
    step("check: NO customer due to reorder");
    ok = false;
  }
  // The storefront: a product page with the block, and the recommendations through the signed proxy.
  const product = await db.product.findFirst({ where: { shop, status: "ACTIVE" }, orderBy: { id: "asc" } });
  const productPage = product ? await fetch(`${storefront.url}/products/${product.handle}`) : null;
  const recs = product
    ? await fetch(`${storefront.url}/apps/churnless/recommendations?product_id=${product.id.split("/").pop()}`)
    : null;
  const recCount = recs?.status === 200 ? ((await recs.json()) as { products: unknown[] }).products.length : 0;
  const blockShown = productPage?.status === 200 && /<churnless-recommendations/.test(await productPage.text());
  step(
    `check: storefront product page ${blockShown ? "shows the block" : "has NO block"}; proxy -> ${recs?.status}, ${recCount} products`,
  );
  ok &&= blockShown && recCount > 0;
  await storefront.close();
  await server.stop();
  await standin.close();
  await db.$disconnect();
  process.exit(ok ? 0 : 1);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    await storefront.close();
    await server.stop();
    await standin.close();
    process.exit(0);
  });
}
