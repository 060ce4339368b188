/**
 * The stand-in's online store, for the demo and the end-to-end browser test: home, product and cart
 * pages of a stand-in shop, each with the recommendations block rendered from the extension's own Liquid
 * (liquid-block.ts) and its real JavaScript and CSS, a Customer Privacy API stand-in with a consent banner
 * (customer-privacy.js), Shopify's storefront JSON (/products/HANDLE.js, /recommendations/products.json,
 * /cart/update.js), and Shopify's app proxy: /apps/churnless/* is forwarded over HTTP to
 * `<app>/proxy/*` with shop, logged_in_customer_id, path_prefix, timestamp and signature, signed as
 * Shopify's documentation says (test/helpers/app-proxy.ts, not the app's signer).
 *
 * "Place order" creates the order in the stand-in's shop with the cart's attributes as note_attributes
 * and delivers orders/create to the app, as a checkout would. A shopper logs in with ?customer=<number>
 * on any page (a cookie; ?customer= with nothing logs out).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { signedProxyQuery } from "../../../../test/helpers/app-proxy";
import { orderWebhookPayload } from "../webhooks";
import type { ShopState } from "../store";
import type { StandinProduct } from "../types";
import { escapeHtml, renderBlock, type LiquidProduct } from "./liquid-block";

export interface StorefrontOptions {
  shop: string;
  /** The shop's data in the stand-in (products; orders are added to it). */
  state: ShopState;
  /** The app's base URL (the proxy forwards to `${appUrl}/proxy/...`). */
  appUrl: string;
  /** The app's API secret (what Shopify signs proxy requests with). */
  secret: string;
  /** Delivers a webhook to the app (the stand-in's deliverWebhook). */
  deliverWebhook(o: { shop: string; topic: string; payload: unknown }): Promise<{ status: number; body: string }>;
  /** The Customer Privacy API's region: consent asked first (default true). */
  consentRequired?: boolean;
  port?: number;
}

export interface Storefront {
  url: string;
  /** Orders placed through the storefront, with the webhook's answer. */
  orders: Array<{ id: string; attributes: Record<string, string>; webhookStatus: number }>;
  close(): Promise<void>;
}

const EXT = join(process.cwd(), "extensions/churnless-recommendations");
const PRIVACY = join(process.cwd(), "packages/shopify-standin/src/storefront/customer-privacy.js");
const num = (gid: string) => gid.split("/").pop()!;

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k) out[k] = decodeURIComponent(v.join("="));
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startStorefront(opts: StorefrontOptions): Promise<Storefront> {
  const { shop, state } = opts;
  const carts = new Map<string, { lines: Map<string, number>; attributes: Record<string, string> }>();
  const orders: Storefront["orders"] = [];
  const products = (): StandinProduct[] => state.data.products.filter((p) => p.status === "ACTIVE");
  const byHandle = (handle: string) => state.data.products.find((p) => p.handle === handle);
  const price = (p: StandinProduct) => Math.round(Number(p.variants[0]?.price ?? 0) * 100);
  const liquidProduct = (p: StandinProduct): LiquidProduct => ({
    id: Number(num(p.id)),
    handle: p.handle,
    title: p.title,
    url: `/products/${p.handle}`,
    price: price(p),
    available: p.status === "ACTIVE" && p.variants.some((v) => v.inventoryQuantity > 0),
  });
  const productJson = (p: StandinProduct) => ({
    ...liquidProduct(p),
    featured_image: `/img/${p.handle}.svg`,
  });

  const page = (title: string, body: string, customer: string) => `<!doctype html><html lang="en"><head>
<meta charset="utf-8"><title>${escapeHtml(title)} · ${escapeHtml(shop)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/recommendations.css">
<script src="/assets/customer-privacy.js" data-consent-required="${opts.consentRequired === false ? "false" : "true"}" data-banner="true"></script>
<script src="/assets/recommendations.js" defer></script>
<style>body{font-family:sans-serif;max-width:1000px;margin:0 auto;padding:1rem}nav a{margin-right:1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:1rem;list-style:none;padding:0}</style>
</head><body><header><nav><a href="/">Home</a><a href="/cart">Cart</a>
<span>${customer ? `Logged in as customer ${escapeHtml(customer)} (<a href="?customer=">log out</a>)` : "Guest"}</span></nav></header>
<main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": type, ...headers });
      res.end(body);
    };
    void (async () => {
      const url = new URL(req.url ?? "/", "http://storefront.local");
      const jar = cookies(req);
      const setCookies: string[] = [];
      let customer = jar.customer ?? "";
      if (url.searchParams.has("customer")) {
        customer = /^[1-9][0-9]{0,19}$/.test(url.searchParams.get("customer")!)
          ? url.searchParams.get("customer")!
          : "";
        setCookies.push(`customer=${customer}; Path=/; SameSite=Lax`);
      }
      let cartId = jar.cart ?? "";
      if (!carts.has(cartId)) {
        cartId = randomBytes(8).toString("hex");
        carts.set(cartId, { lines: new Map(), attributes: {} });
        setCookies.push(`cart=${cartId}; Path=/; SameSite=Lax`);
      }
      const cart = carts.get(cartId)!;
      const html = (status: number, title: string, body: string) =>
        send(status, "text/html; charset=utf-8", page(title, body, customer));
      if (setCookies.length) res.setHeader("Set-Cookie", setCookies);
      const block = (template: string, productIds: string) =>
        renderBlock({ productIds, template, layout: "grid", loggedIn: !!customer, limit: 4 });

      if (url.pathname === "/" && req.method === "GET") {
        const list = products()
          .slice(0, 8)
          .map((p) => `<li><a href="/products/${p.handle}">${escapeHtml(p.title)}</a></li>`)
          .join("");
        return html(200, "Home", `<ul class="grid">${list}</ul>${block("index", "")}`);
      }
      const product = /^\/products\/([a-z0-9-]+)(\.js)?$/.exec(url.pathname);
      if (product && req.method === "GET") {
        const p = byHandle(product[1]);
        if (!p)
          return product[2] ? send(404, "application/json", "{}") : html(404, "Not found", "<p>No such product.</p>");
        if (product[2]) return send(200, "application/json", JSON.stringify(productJson(p)));
        return html(
          200,
          p.title,
          `<p>${(price(p) / 100).toFixed(2)} ${escapeHtml(state.data.currencyCode)}</p>
<form method="post" action="/cart/add"><input type="hidden" name="id" value="${num(p.id)}"><button type="submit">Add to cart</button></form>
${block("product", num(p.id))}`,
        );
      }
      if (url.pathname.startsWith("/img/")) {
        const hue = [...url.pathname].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 0);
        return send(
          200,
          "image/svg+xml",
          `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="360"><rect width="360" height="360" fill="hsl(${hue},60%,70%)"/></svg>`,
        );
      }
      if (url.pathname === "/recommendations/products.json") {
        const picks = products()
          .filter((p) => num(p.id) !== url.searchParams.get("product_id"))
          .slice(0, Number(url.searchParams.get("limit")) || 4);
        return send(200, "application/json", JSON.stringify({ intent: "related", products: picks.map(productJson) }));
      }
      if (url.pathname === "/cart/add" && req.method === "POST") {
        const id = new URLSearchParams(await readBody(req)).get("id") ?? "";
        if (state.data.products.some((p) => num(p.id) === id)) cart.lines.set(id, (cart.lines.get(id) ?? 0) + 1);
        return send(303, "text/plain", "", { Location: "/cart" });
      }
      if (url.pathname === "/cart/update.js" && req.method === "POST") {
        const body = JSON.parse((await readBody(req)) || "{}") as { attributes?: Record<string, unknown> };
        for (const [k, v] of Object.entries(body.attributes ?? {})) cart.attributes[k] = String(v).slice(0, 255);
        return send(200, "application/json", JSON.stringify({ attributes: cart.attributes }));
      }
      if (url.pathname === "/cart" && req.method === "GET") {
        const lines = [...cart.lines].map(([id, qty]) => {
          const p = state.data.products.find((x) => num(x.id) === id)!;
          return `<li data-cart-line="${id}">${escapeHtml(p.title)} × ${qty}</li>`;
        });
        return html(
          200,
          "Cart",
          lines.length
            ? `<ul>${lines.join("")}</ul><form method="post" action="/checkout"><button type="submit">Place order</button></form>${block("cart", [...cart.lines.keys()].slice(0, 5).join(","))}`
            : `<p>Your cart is empty.</p>${block("cart", "")}`,
        );
      }
      if (url.pathname === "/checkout" && req.method === "POST") {
        if (cart.lines.size === 0) return send(303, "text/plain", "", { Location: "/cart" });
        const now = state.nowIso();
        const lineItems = [...cart.lines].map(([id, qty]) => {
          const p = state.data.products.find((x) => num(x.id) === id)!;
          return {
            id: `gid://shopify/LineItem/${state.nextId()}`,
            productId: p.id,
            variantId: p.variants[0]?.id ?? null,
            quantity: qty,
            currentQuantity: qty,
            unitPrice: p.variants[0]?.price ?? "0.00",
          };
        });
        const total = lineItems.reduce((s, l) => s + Number(l.unitPrice) * l.quantity, 0).toFixed(2);
        const id = state.nextId();
        const order = state.createOrder({
          id: `gid://shopify/Order/${id}`,
          name: `#${id}`,
          customerId: customer ? `gid://shopify/Customer/${customer}` : null,
          createdAt: now,
          processedAt: now,
          cancelledAt: null,
          test: false,
          displayFinancialStatus: "PAID",
          currencyCode: state.data.currencyCode,
          totalPrice: total,
          totalRefunded: "0.00",
          lineItems,
        });
        const payload = {
          ...orderWebhookPayload(order),
          note_attributes: Object.entries(cart.attributes).map(([name, value]) => ({ name, value })),
        };
        const delivered = await opts.deliverWebhook({ shop, topic: "orders/create", payload });
        orders.push({ id: order.id, attributes: { ...cart.attributes }, webhookStatus: delivered.status });
        carts.delete(cartId);
        return html(200, "Thank you", `<p role="status">Order ${escapeHtml(order.name)} placed.</p>`);
      }
      if (url.pathname.startsWith("/assets/")) {
        const file = url.pathname.slice(8);
        if (file === "customer-privacy.js") return send(200, "text/javascript", readFileSync(PRIVACY, "utf8"));
        if (!/^recommendations\.(js|css)$/.test(file)) return send(404, "text/plain", "not found");
        return send(
          200,
          file.endsWith(".js") ? "text/javascript" : "text/css",
          readFileSync(join(EXT, "assets", file), "utf8"),
        );
      }
      if (url.pathname.startsWith("/apps/churnless/")) {
        // Shopify's app proxy: the storefront's query, plus Shopify's signed parameters.
        const rest = url.pathname.slice("/apps/churnless/".length);
        const query = signedProxyQuery([...url.searchParams], {
          shop,
          secret: opts.secret,
          customer: customer || null,
          pathPrefix: "/apps/churnless",
        });
        const body = req.method === "POST" ? await readBody(req) : undefined;
        const answer = await fetch(`${opts.appUrl.replace(/\/$/, "")}/proxy/${rest}?${query}`, {
          method: req.method,
          body,
          headers: { "Content-Type": req.headers["content-type"] ?? "text/plain", Accept: "application/json" },
          redirect: "manual",
        });
        return send(answer.status, answer.headers.get("Content-Type") ?? "application/json", await answer.text());
      }
      send(404, "text/plain", "not found");
    })().catch((err: unknown) => {
      console.error(`[storefront] ${req.method} ${req.url}: ${String(err)}`);
      if (!res.headersSent) send(500, "text/plain", "storefront stand-in error");
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    orders,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
