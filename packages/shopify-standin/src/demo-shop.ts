/**
 * The demo shop: a seeded, deterministic generator of a believable coffee-and-tea store for the local
 * Shopify stand-in (same options, deep-equal output; no Math.random, no clock).
 *
 * Catalogue (demo-catalogue.ts): ~100 products in product types; durables bought once, consumables
 * bought again when their supply runs out, complements bought with or after the product that starts
 * the hobby (machine, then grinder, tamper, milk jug...). A few products are sold out, archived
 * part-way through the history, or drafts that never sold.
 *
 * Customers follow a heterogeneous purchase-and-dropout process (BG/NBD, Fader, Hardie & Lee 2005):
 * each customer has a purchase rate λ ~ Gamma(r, α) (per day, thinned by a holiday season) and after
 * every purchase drops out with probability p ~ Beta(a, b). The population mixes groups with their own
 * (r, α, a, b): one-time buyers, occasional buyers, regulars, lapsed big spenders (active for 5-11
 * months early in the history, then gone), and new customers (acquired in the last 100 days).
 * Acquisition grows over the 30 months of history. About 10% of orders are guest orders; a few are
 * test orders, cancelled (voided or refunded), fully or partially refunded, or pending.
 *
 * Money: prices include tax and shipping is free, so an order's totalPrice (Shopify's
 * currentTotalPriceSet, which reflects edits, returns and refunds of line items) is
 * Σ currentQuantity · unitPrice over its lines. Most refunds return line items: currentQuantity drops,
 * the current total is already net of them, and totalRefunded = Σ (quantity − currentQuantity) · price.
 * A few are money-only refunds (goodwill, PARTIALLY_REFUNDED with nothing returned): quantities and
 * current total stay, totalRefunded is 10-30% of it. So the net spend of any order is
 * totalPrice − max(0, totalRefunded − Σ (quantity − currentQuantity) · unitPrice); VOIDED orders were
 * never paid (refunded 0).
 *
 * Scale: `orders` is the exact number of orders produced (the last simulated customer is cut short to
 * hit it). Orders are simulated into flat arrays and turned into objects once, in time order, sharing
 * id, price and date strings where possible; 1M orders take a few seconds and under 1 GB.
 * Cost: O(orders · basket size + customers · log customers).
 */
import { BREWER_FILTERS, CATALOGUE, FIRST_NAMES, LAST_NAMES, PERSONAS, type ProductSpec } from "./demo-catalogue";
import { Random } from "./random";
import type { StandinCustomer, StandinLineItem, StandinOrder, StandinProduct, StandinShopData } from "./types";

export interface DemoShopOptions {
  /** PRNG seed (default 42). */
  seed?: number;
  /** Exact number of orders (default 6000; 0 to 1,000,000 and more). */
  orders?: number;
  /** Shop domain (default demo-shop.myshopify.com). */
  shop?: string;
  /** Date of the last possible order, the shop's "now" (default: demoAsOf(), the start of today, UTC). */
  asOf?: Date;
  /** Shop currency (default USD). */
  currencyCode?: string;
  /** Share of guest orders (default 0.1). */
  guestShare?: number;
  /** Scopes granted to the app (default all the app asks for, read_all_orders included). */
  scopes?: string[];
}

export const DEMO_SCOPES = [
  "read_orders",
  "read_all_orders",
  "read_customers",
  "write_customers",
  "read_products",
  "write_app_proxy",
];

const DAY = 86_400_000;
export const HISTORY_DAYS = 913; // 30 months
/**
 * The demo shop's "now": the start of the current UTC day, so its orders run up to the day the demo (or
 * a test) starts and the dashboard shows a living shop. Everything else stays seeded: two shops
 * generated the same day with the same options are identical.
 */
export function demoAsOf(now: Date = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** BG/NBD parameters of each customer group: λ ~ Gamma(r, alpha) per day, p ~ Beta(a, b). */
interface GroupSpec {
  name: "one-time" | "occasional" | "regular" | "lapsed-big-spender" | "new";
  share: number;
  r: number;
  alpha: number;
  a: number;
  b: number;
  arrival: "growing" | "early" | "recent";
  /** Chance the first order is a starter kit (main product and complements). */
  starter: number;
  big?: boolean;
  /** Active life in days before a forced lapse. */
  lifetime?: [number, number];
}

export const CUSTOMER_GROUPS: GroupSpec[] = [
  { name: "one-time", share: 0.3, r: 1, alpha: 150, a: 12, b: 1, arrival: "growing", starter: 0.35 },
  { name: "occasional", share: 0.3, r: 2, alpha: 200, a: 2, b: 10, arrival: "growing", starter: 0.5 },
  { name: "regular", share: 0.18, r: 4, alpha: 140, a: 1, b: 30, arrival: "growing", starter: 0.6 },
  {
    name: "lapsed-big-spender",
    share: 0.07,
    r: 5,
    alpha: 125,
    a: 1,
    b: 40,
    arrival: "early",
    starter: 0.85,
    big: true,
    lifetime: [150, 330],
  },
  { name: "new", share: 0.15, r: 2, alpha: 80, a: 1, b: 6, arrival: "recent", starter: 0.5 },
];

/** A catalogue product with its resolved facts. */
interface Item {
  spec: ProductSpec;
  index: number;
  from: number; // ms: first day it can sell
  to: number; // ms: last day it can sell (archived), Infinity when active
  firstVariant: number; // index into the flat variant list
  variantCount: number;
}

interface Variant {
  item: number;
  price: number;
  priceText: string;
  cycleFactor: number;
}

type ResolvedGroup = number[];

interface Persona {
  share: number;
  rotation: number;
  main: ResolvedGroup;
  kit: Array<{ group: ResolvedGroup; p: number }>;
  consumables: Array<{ group: ResolvedGroup; p: number; afterMain: boolean; favourites: number }>;
}

/** One consumable the shopper re-buys. */
interface Habit {
  group: ResolvedGroup;
  product: number;
  afterMain: boolean;
}

interface Shopper {
  persona: Persona;
  second: Persona | null;
  big: boolean;
  wholesale: boolean;
  bigPack: boolean;
  /** Speed of consumption (multiplies every supply cycle). */
  pace: number;
  wantsMain: boolean;
  main: number; // product index, -1 until bought
  kitWanted: boolean[];
  kitOwned: boolean[];
  habits: Habit[];
  owned: Set<number>;
  /** product -> [bought at ms, supply lasts until ms] */
  supply: Map<number, [number, number]>;
  variantOf: Map<number, number>;
}

const ZERO = "0.00";
const money = (n: number) => (n === 0 ? ZERO : n.toFixed(2));
const iso = (ms: number) => new Date(Math.round(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

/** The catalogue with dates, variants and the resolved persona groups. */
function buildCatalogue(rng: Random, start: number, end: number) {
  const span = end - start;
  const items: Item[] = [];
  const variants: Variant[] = [];
  const byHandle = new Map<string, number>();
  for (const spec of CATALOGUE) {
    const index = items.length;
    const from = spec.draft
      ? Infinity
      : spec.launchedAt !== undefined
        ? start + spec.launchedAt * span
        : start - 60 * DAY;
    const to = spec.archivedAt !== undefined ? start + spec.archivedAt * span : Infinity;
    const labels = spec.variants ?? [["Default Title", 1, 1]];
    const firstVariant = variants.length;
    for (const [, factor, cycle] of labels) {
      const raw = spec.price * factor;
      const price = raw >= 20 ? Math.round(raw) - 0.01 * (rng.chance(0.5) ? 1 : 0) : Math.round(raw * 2) / 2;
      variants.push({ item: index, price, priceText: money(price), cycleFactor: cycle ?? 1 });
    }
    items.push({ spec, index, from, to, firstVariant, variantCount: labels.length });
    byHandle.set(spec.handle, index);
  }
  const resolve = (group: string[]): ResolvedGroup =>
    group.map((h) => {
      const i = byHandle.get(h);
      if (i === undefined) throw new Error(`demo catalogue: unknown product handle ${h}`);
      return i;
    });
  const personas: Persona[] = PERSONAS.map((p) => ({
    share: p.share,
    rotation: p.rotation,
    main: resolve(p.main),
    kit: p.kit.map((k) => ({ group: resolve(k.group), p: k.p })),
    consumables: p.consumables.map((k) => ({
      group: resolve(k.group),
      p: k.p,
      afterMain: !!k.afterMain,
      favourites: k.favourites ?? 1,
    })),
  }));
  const filters = new Map<number, number>();
  for (const [brewer, filter] of Object.entries(BREWER_FILTERS))
    filters.set(byHandle.get(brewer)!, byHandle.get(filter)!);
  return { items, variants, personas, filters };
}

/** Seasonal multiplier of the purchase rate: the holiday season (Nov 20 - Dec 22) sells 60% more. */
const SEASON_MAX = 1.6;
function season(ms: number): number {
  const d = new Date(ms);
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  return (m === 10 && day >= 20) || (m === 11 && day <= 22) ? 1.6 : 1;
}

/** The demo shop with its orders produced on demand: for very large shops (benchmarks, JSONL files). */
export interface DemoShopStream extends Omit<StandinShopData, "orders"> {
  orderCount: number;
  /** The order at a position in time order (0 = oldest), built fresh on each call. */
  orderAt(pos: number): StandinOrder;
  /** All orders, oldest first, built one at a time (equal to generateDemoShop's orders). */
  orders(): Generator<StandinOrder>;
}

/** The demo shop with every order materialised (the stand-in's store). */
export function generateDemoShop(opts: DemoShopOptions = {}): StandinShopData {
  const { orderCount, orderAt, shop, currencyCode, scopes, products, customers } = generateDemoShopStream(opts);
  const orders: StandinOrder[] = [];
  for (let pos = 0; pos < orderCount; pos++) orders.push(orderAt(pos));
  return { shop, currencyCode, scopes, products, customers, orders };
}

/** Simulates the shop once; products and customers are built, orders are produced on demand. */
export function generateDemoShopStream(opts: DemoShopOptions = {}): DemoShopStream {
  const seed = opts.seed ?? 42;
  const target = opts.orders ?? 6000;
  const asOf = opts.asOf ?? demoAsOf();
  const currencyCode = opts.currencyCode ?? "USD";
  const shop = opts.shop ?? "demo-shop.myshopify.com";
  const guestShare = opts.guestShare ?? 0.1;
  if (!Number.isInteger(target) || target < 0)
    throw new Error(`generateDemoShop: orders must be a non-negative integer, got ${target}`);
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime()))
    throw new Error("generateDemoShop: asOf must be a valid Date");
  if (!(guestShare >= 0 && guestShare < 1)) throw new Error("generateDemoShop: guestShare must be in [0, 1)");
  if (!/^[A-Z]{3}$/.test(currencyCode))
    throw new Error(`generateDemoShop: currencyCode must be an ISO 4217 code, got ${currencyCode}`);

  const rng = new Random(seed);
  const end = asOf.getTime();
  const start = end - HISTORY_DAYS * DAY;
  const span = end - start;
  const { items, variants, personas, filters } = buildCatalogue(rng, start, end);

  const available = (p: number, t: number) => items[p].from <= t && t <= items[p].to;
  /** A product of the group available at t, by popularity (big spenders lean to dearer ones). */
  const scratch = new Float64Array(64);
  const excluded = (p: number, exclude?: Set<number> | Map<number, number> | number[]) =>
    exclude !== undefined && (Array.isArray(exclude) ? exclude.includes(p) : exclude.has(p));
  const pickFrom = (
    group: ResolvedGroup,
    t: number,
    big: boolean,
    exclude?: Set<number> | Map<number, number> | number[],
  ): number => {
    let total = 0;
    for (let k = 0; k < group.length; k++) {
      const p = group[k];
      scratch[k] = 0;
      if (!available(p, t) || excluded(p, exclude)) continue;
      const spec = items[p].spec;
      scratch[k] = (spec.weight ?? 1) * (big ? Math.sqrt(spec.price / 20) : 1);
      total += scratch[k];
    }
    if (total === 0) return -1;
    let u = rng.next() * total;
    for (let k = 0; k < group.length; k++) {
      u -= scratch[k];
      if (u < 0 && scratch[k] > 0) return group[k];
    }
    for (let k = group.length - 1; k >= 0; k--) if (scratch[k] > 0) return group[k];
    return -1;
  };
  const personaShares = personas.map((p) => p.share);
  const pickPersona = () => personas[rng.weighted(personaShares)];

  // ---- flat order storage (filled by the simulation, in no particular time order) ----
  const ordTime: number[] = [];
  const ordCustomer: number[] = []; // simulated customer index, -1 for guests
  const ordLineStart: number[] = [];
  const lineVariant: number[] = [];
  const lineQty: number[] = [];

  function newShopper(big: boolean, wholesale: boolean): Shopper {
    const persona = pickPersona();
    const second = rng.chance(0.18) ? pickPersona() : null;
    return {
      persona,
      second: second === persona ? null : second,
      big,
      wholesale,
      bigPack: rng.chance(big ? 0.6 : 0.2),
      pace: Math.exp(0.3 * rng.normal()),
      wantsMain: rng.chance(0.85),
      main: -1,
      kitWanted: persona.kit.map((k) => rng.chance(big ? Math.min(0.95, k.p * 1.4) : k.p)),
      kitOwned: persona.kit.map(() => false),
      habits: [],
      owned: new Set(),
      supply: new Map(),
      variantOf: new Map(),
    };
  }

  /** The shopper's consumable habits, chosen at the first order among what is on sale then. */
  function formHabits(s: Shopper, t: number) {
    for (const entry of s.persona.consumables) {
      if (!rng.chance(entry.p)) continue;
      const n = entry.favourites > 1 ? 1 + rng.int(entry.favourites) : 1;
      const chosen: number[] = [];
      for (let k = 0; k < n; k++) {
        const p = pickFrom(entry.group, t, s.big, chosen);
        if (p >= 0) chosen.push(p);
      }
      for (const p of chosen) s.habits.push({ group: entry.group, product: p, afterMain: entry.afterMain });
    }
  }

  function variantFor(s: Shopper, p: number): number {
    let v = s.variantOf.get(p);
    if (v === undefined) {
      const item = items[p];
      if (item.variantCount === 1) v = item.firstVariant;
      else if (item.spec.kind === "consumable")
        v = item.firstVariant + (s.bigPack || s.wholesale ? item.variantCount - 1 : 0);
      else v = item.firstVariant + rng.int(item.variantCount);
      s.variantOf.set(p, v);
    }
    return v;
  }

  /** Adds a product to the basket being built (one line per product). */
  function add(basket: Map<number, number>, s: Shopper, p: number, t: number) {
    if (p < 0 || basket.has(p)) return;
    const spec = items[p].spec;
    let q = 1;
    if (spec.kind === "consumable") {
      q = s.wholesale ? rng.range(6, 24) : rng.chance(0.75) ? 1 : rng.chance(0.8) ? 2 : 3;
      const v = variants[variantFor(s, p)];
      const lasts = q * (spec.cycleDays ?? 30) * v.cycleFactor * s.pace * DAY;
      s.supply.set(p, [t, t + lasts]);
    } else if (spec.kind === "semi") q = s.wholesale ? rng.range(6, 12) : rng.chance(0.8) ? 1 : 2;
    else s.owned.add(p);
    basket.set(p, q);
  }

  function buyMain(s: Shopper, basket: Map<number, number>, t: number) {
    const p = pickFrom(s.persona.main, t, s.big);
    if (p < 0) return;
    s.main = p;
    add(basket, s, p, t);
    const filter = filters.get(p);
    if (filter !== undefined) s.habits.push({ group: [filter], product: filter, afterMain: true });
  }

  function buyKit(s: Shopper, basket: Map<number, number>, t: number, k: number) {
    s.kitOwned[k] = true;
    const p = pickFrom(s.persona.kit[k].group, t, s.big, s.owned);
    add(basket, s, p, t);
  }

  /** The consumables due at t: each included with a chance that grows as its supply runs out. */
  function restock(s: Shopper, basket: Map<number, number>, t: number) {
    const hasMain = s.main >= 0;
    let best = -1;
    let bestRatio = -Infinity;
    for (const h of s.habits) {
      if (h.afterMain && !hasMain) continue;
      if (!available(h.product, t)) {
        // Sold no more (archived): the shopper moves to another product of the group.
        const p = pickFrom(h.group, t, s.big, [h.product]);
        if (p < 0) continue;
        h.product = p;
      }
      const sup = s.supply.get(h.product);
      const ratio = sup ? (t - sup[0]) / Math.max(DAY, sup[1] - sup[0]) : 1.2;
      const p = Math.min(0.92, Math.max(0.04, 0.75 * ratio * ratio));
      if (rng.chance(p)) {
        if (h.group.length > 1 && rng.chance(s.persona.rotation)) {
          // Trying another product of the group this time; sometimes it becomes the new favourite.
          const other = pickFrom(h.group, t, s.big, [h.product]);
          if (other >= 0) {
            add(basket, s, other, t);
            if (rng.chance(0.4)) h.product = other;
            continue;
          }
        }
        add(basket, s, h.product, t);
      }
      if (ratio > bestRatio) {
        bestRatio = ratio;
        best = h.product;
      }
    }
    return best;
  }

  function explore(s: Shopper, basket: Map<number, number>, t: number, persona: Persona, adopt: number) {
    const entries = persona.consumables;
    const entry = entries[rng.int(entries.length)];
    const p = pickFrom(entry.group, t, s.big, basket);
    if (p < 0) return;
    add(basket, s, p, t);
    if (rng.chance(adopt) && !s.habits.some((h) => h.product === p))
      s.habits.push({ group: entry.group, product: p, afterMain: false });
  }

  /** The products of order number `k` (0 = first) of a shopper at time t. */
  function basketFor(s: Shopper, k: number, t: number, starter: number): Map<number, number> {
    const basket = new Map<number, number>();
    if (k === 0) {
      formHabits(s, t);
      if (s.wantsMain && rng.chance(starter)) {
        buyMain(s, basket, t);
        for (let j = 0; j < s.persona.kit.length; j++) if (s.kitWanted[j] && rng.chance(0.4)) buyKit(s, basket, t, j);
      }
      const starters = s.habits.filter((h) => !h.afterMain || (s.main >= 0 && rng.chance(0.4)));
      const n = Math.min(starters.length, 1 + (rng.chance(0.35) ? 1 : 0));
      for (let j = 0; j < n; j++) add(basket, s, starters[j].product, t);
      if (rng.chance(0.08)) explore(s, basket, t, s.persona, 0.3);
    } else {
      const due = restock(s, basket, t);
      if (s.main < 0 && s.wantsMain) {
        if (rng.chance(0.3)) {
          buyMain(s, basket, t);
          for (let j = 0; j < s.persona.kit.length; j++)
            if (s.kitWanted[j] && !s.kitOwned[j] && rng.chance(0.3)) buyKit(s, basket, t, j);
        }
      } else {
        const next = s.kitWanted.findIndex((w, j) => w && !s.kitOwned[j]);
        if (next >= 0 && rng.chance(0.4)) {
          buyKit(s, basket, t, next);
          const after = s.kitWanted.findIndex((w, j) => w && !s.kitOwned[j]);
          if (after >= 0 && rng.chance(0.2)) buyKit(s, basket, t, after);
        }
      }
      if (s.second && rng.chance(0.15)) explore(s, basket, t, s.second, 0.5);
      if (rng.chance(0.15)) explore(s, basket, t, s.persona, 0.35);
      if (rng.chance(0.03)) {
        const mug = pickFrom(personas[3].kit[0].group, t, s.big);
        add(basket, s, mug, t);
      }
      if (basket.size === 0) {
        if (due >= 0) add(basket, s, due, t);
        else explore(s, basket, t, s.persona, 0.5);
      }
    }
    if (basket.size === 0) add(basket, s, pickFrom(s.persona.consumables[0].group, t, s.big), t);
    return basket;
  }

  function record(basket: Map<number, number>, s: Shopper, t: number, customer: number) {
    ordTime.push(t);
    ordCustomer.push(customer);
    ordLineStart.push(lineVariant.length);
    for (const [p, q] of basket) {
      lineVariant.push(variantFor(s, p));
      lineQty.push(q);
    }
  }

  /** Acquisition time: growing over the history (density ∝ 1 + 1.5·u), early, or recent. */
  function arrival(kind: GroupSpec["arrival"]): number {
    if (kind === "early") return start + rng.next() * 0.45 * span;
    if (kind === "recent") return end - rng.next() * 100 * DAY;
    const g = 1.5;
    const u = rng.next() * (1 + g / 2);
    const x = (-1 + Math.sqrt(1 + 2 * g * u)) / g; // inverse of F(x) = x + g x^2 / 2
    return start + x * span;
  }

  // ---- customers: simulated one at a time until their orders reach the target ----
  const guestTarget = Math.round(target * guestShare);
  const customerTarget = target - guestTarget;
  const groupShares = CUSTOMER_GROUPS.map((g) => g.share);
  const custGroup: number[] = [];
  const custWholesale: boolean[] = [];
  const custFirst: number[] = [];
  let customerOrders = 0;
  while (customerOrders < customerTarget) {
    const gi = rng.weighted(groupShares);
    const g = CUSTOMER_GROUPS[gi];
    const lambda = rng.gamma(g.r, g.alpha); // purchases per day
    const pDrop = rng.beta(g.a, g.b);
    const wholesale = (g.name === "regular" || g.name === "occasional") && rng.chance(0.015);
    const s = newShopper(!!g.big || rng.chance(0.08), wholesale);
    const c = custGroup.length;
    custGroup.push(gi);
    custWholesale.push(wholesale);
    let t = arrival(g.arrival);
    custFirst.push(t);
    const lapseAt = g.lifetime ? t + rng.range(g.lifetime[0], g.lifetime[1]) * DAY : Infinity;
    for (let k = 0; customerOrders < customerTarget && k < 400; k++) {
      record(basketFor(s, k, t, g.starter), s, t, c);
      customerOrders++;
      if (rng.chance(pDrop)) break;
      // Next purchase: Poisson at rate λ, thinned by the season.
      let next = t;
      do next += rng.exponential(lambda * SEASON_MAX) * DAY;
      while (next <= end && !rng.chance(season(next) / SEASON_MAX));
      if (next > end || next > lapseAt) break;
      t = next;
    }
  }
  // Guest orders: a first order of a passing shopper.
  for (let k = 0; k < guestTarget; k++) {
    const s = newShopper(rng.chance(0.08), false);
    const t = arrival("growing");
    record(basketFor(s, 0, t, 0.4), s, t, -1);
  }
  // A few accounts that never ordered (newsletter sign-ups).
  const prospects = Math.round(custGroup.length * 0.04);
  for (let k = 0; k < prospects; k++) {
    custGroup.push(-1);
    custWholesale.push(false);
    custFirst.push(start + rng.next() * span);
  }

  return assemble({
    rng,
    seed,
    scopes: [...(opts.scopes ?? DEMO_SCOPES)],
    shop,
    currencyCode,
    start,
    end,
    items,
    variants,
    orders: { ordTime, ordCustomer, ordLineStart, lineVariant, lineQty },
    customers: { custGroup, custWholesale, custFirst },
  });
}

interface FlatOrders {
  ordTime: number[];
  ordCustomer: number[];
  ordLineStart: number[];
  lineVariant: number[];
  lineQty: number[];
}

// Order statuses (positions in FINANCIAL).
const NORMAL = 0;
const TEST = 1;
const VOIDED = 2;
const CANCELLED_REFUNDED = 3;
const REFUNDED = 4;
const PARTIALLY_REFUNDED = 5;
const PENDING = 6;
/** A money-only refund (a goodwill gesture): nothing returned, quantities and current total unchanged. */
const GOODWILL = 7;
const FINANCIAL: StandinOrder["displayFinancialStatus"][] = [
  "PAID",
  "PAID",
  "VOIDED",
  "REFUNDED",
  "REFUNDED",
  "PARTIALLY_REFUNDED",
  "PENDING",
  "PARTIALLY_REFUNDED",
];

/** Picks `count` distinct order positions that satisfy `ok` (skips those already taken). */
function pickOrders(rng: Random, status: Uint8Array, count: number, value: number, ok: (i: number) => boolean) {
  let placed = 0;
  for (let tries = 0; placed < count && tries < count * 50; tries++) {
    const i = rng.int(status.length);
    if (status[i] !== NORMAL || !ok(i)) continue;
    status[i] = value;
    placed++;
  }
}

/** Deterministic 32-bit hash of (seed, a, b): random access to per-order details without a stream. */
function hash32(seed: number, a: number, b: number): number {
  let h =
    (seed ^ Math.imul(a | 0, 0x9e3779b1) ^ Math.imul((a / 4294967296) | 0, 0x85ebca77) ^ Math.imul(b, 0xc2b2ae3d)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function assemble(args: {
  rng: Random;
  seed: number;
  scopes: string[];
  shop: string;
  currencyCode: string;
  start: number;
  end: number;
  items: Item[];
  variants: Variant[];
  orders: FlatOrders;
  customers: { custGroup: number[]; custWholesale: boolean[]; custFirst: number[] };
}): DemoShopStream {
  const { rng, seed, scopes, shop, currencyCode, start, end, items, variants } = args;
  const { ordTime, ordCustomer, ordLineStart, lineVariant, lineQty } = args.orders;
  const { custGroup, custWholesale, custFirst } = args.customers;
  const n = ordTime.length;
  ordLineStart.push(lineVariant.length);

  // Products and variants.
  const productIds: string[] = [];
  const variantIds: string[] = [];
  let variantSeq = 45_100_000_000_000;
  const products: StandinProduct[] = items.map((item, i) => {
    const id = `gid://shopify/Product/${8_100_000_000_000 + (i + 1) * 37}`;
    productIds.push(id);
    const spec = item.spec;
    const created = spec.draft
      ? end - rng.range(5, 30) * DAY
      : spec.launchedAt !== undefined
        ? item.from - 2 * DAY
        : start - 75 * DAY + i * 3_600_000;
    const updated = Number.isFinite(item.to) ? item.to : Math.min(end, created + rng.range(1, 600) * DAY);
    const status: StandinProduct["status"] = spec.draft ? "DRAFT" : Number.isFinite(item.to) ? "ARCHIVED" : "ACTIVE";
    const labels = spec.variants ?? [["Default Title", 1, 1]];
    const vs = labels.map((_, k) => {
      variantSeq += 1 + rng.int(40);
      const vid = `gid://shopify/ProductVariant/${variantSeq}`;
      variantIds.push(vid);
      const stock = spec.soldOut || status !== "ACTIVE" ? 0 : rng.chance(0.06) ? 0 : rng.range(4, 400);
      return {
        id: vid,
        price: variants[item.firstVariant + k].priceText,
        inventoryQuantity: stock,
        sku: `BL-${String(i + 1).padStart(3, "0")}-${k + 1}`,
      };
    });
    return {
      id,
      handle: spec.handle,
      title: spec.title,
      productType: spec.productType,
      vendor: spec.vendor,
      status,
      createdAt: iso(created),
      updatedAt: iso(Math.max(created, updated)),
      imageUrl: null,
      variants: vs,
    };
  });
  const cents = Int32Array.from(variants, (v) => Math.round(v.price * 100));

  // Customers: ids ascending with their first activity.
  const custCount = custGroup.length;
  const created = new Float64Array(custCount);
  for (let c = 0; c < custCount; c++) {
    const signedUpEarlier = rng.chance(0.2);
    created[c] = Math.max(
      start - 30 * DAY,
      custFirst[c] - (signedUpEarlier ? rng.range(1, 60) * DAY : rng.range(1, 600) * 1000),
    );
  }
  const custOrder = Array.from({ length: custCount }, (_, c) => c).sort((a, b) => created[a] - created[b] || a - b);
  const custRank = new Int32Array(custCount);
  const customerIds: string[] = [];
  for (let r = 0; r < custCount; r++) customerIds.push("");
  for (let r = 0; r < custCount; r++) custRank[custOrder[r]] = r;
  for (let r = 0; r < custCount; r++)
    customerIds[custOrder[r]] =
      `gid://shopify/Customer/${7_200_000_000_000 + (r + 1) * 13 + (hash32(seed, r, 7) % 13)}`;

  // Orders in time order (ties by simulation order): one native sort of exact integer keys
  // (whole seconds since the start · 2^26 + i, below 2^53 for 30 months and up to 67M orders).
  if (n >= 2 ** 26) throw new Error("generateDemoShop: at most 67,108,863 orders");
  const time = new Float64Array(n);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    time[i] = Math.round(ordTime[i] / 1000) * 1000;
    keys[i] = Math.round((time[i] - start) / 1000 + 60 * 86_400) * 2 ** 26 + i;
  }
  keys.sort();
  const idx = new Uint32Array(n);
  for (let pos = 0; pos < n; pos++) idx[pos] = keys[pos] % 2 ** 26;
  // Line numbers in output order (line item ids grow with time, like Shopify's).
  const lineBase = new Float64Array(n + 1);
  for (let pos = 0; pos < n; pos++)
    lineBase[pos + 1] = lineBase[pos] + ordLineStart[idx[pos] + 1] - ordLineStart[idx[pos]];

  // Statuses, decided on time-ordered positions; a partial refund returns units of one line.
  const status = new Uint8Array(n);
  const partialLine = new Int32Array(n).fill(-1);
  const returned = new Uint16Array(n);
  const units = (pos: number) => {
    const i = idx[pos];
    let u = 0;
    for (let l = ordLineStart[i]; l < ordLineStart[i + 1]; l++) u += lineQty[l];
    return u;
  };
  const some = (share: number, min: number, from: number) => (n >= from ? Math.max(min, Math.round(n * share)) : 0);
  pickOrders(rng, status, some(0.0015, 1, 100), TEST, () => true);
  pickOrders(rng, status, some(0.007, 1, 50), VOIDED, () => true);
  pickOrders(rng, status, some(0.005, 1, 50), CANCELLED_REFUNDED, () => true);
  pickOrders(rng, status, some(0.008, 1, 50), REFUNDED, () => true);
  pickOrders(rng, status, some(0.015, 1, 50), PARTIALLY_REFUNDED, (pos) => units(pos) >= 2);
  pickOrders(rng, status, some(0.004, 1, 50), GOODWILL, () => true);
  for (let pos = n - 1; pos >= 0 && time[idx[pos]] > end - 3 * DAY; pos--)
    if (status[pos] === NORMAL && rng.chance(0.3)) status[pos] = PENDING;
  for (let pos = 0; pos < n; pos++) {
    if (status[pos] !== PARTIALLY_REFUNDED) continue;
    const i = idx[pos];
    const from = ordLineStart[i];
    const lines = ordLineStart[i + 1] - from;
    const candidates: number[] = [];
    for (let l = from; l < from + lines; l++) if (lineQty[l] >= 2 || lines >= 2) candidates.push(l);
    const l = candidates[rng.int(candidates.length)];
    partialLine[pos] = l;
    returned[pos] = 1 + rng.int(lines >= 2 ? lineQty[l] : lineQty[l] - 1);
  }

  /** updatedAt (and the cancel or refund time) of the order at a position. */
  const updatedAt = (pos: number, t: number): number => {
    const st = status[pos];
    const u = hash32(seed, pos, 3) / 4294967296;
    const [minH, maxH] =
      st === VOIDED || st === CANCELLED_REFUNDED
        ? [0.2, 48]
        : st === REFUNDED || st === PARTIALLY_REFUNDED || st === GOODWILL
          ? [48, 720]
          : st === PENDING
            ? [0, 0]
            : [0.1, 72];
    return Math.min(end, t + Math.round((minH + u * (maxH - minH)) * 60) * 60_000);
  };
  const currentQuantity = (pos: number, l: number): number => {
    const st = status[pos];
    if (st === VOIDED || st === CANCELLED_REFUNDED || st === REFUNDED) return 0;
    return l === partialLine[pos] ? lineQty[l] - returned[pos] : lineQty[l];
  };

  /** The money-only refund of a GOODWILL order: 10-30% of its total, in cents. */
  const goodwillCents = (pos: number, originalCents: number) =>
    Math.round(originalCents * (0.1 + (0.2 * hash32(seed, pos, 9)) / 4294967296));

  // Customer facts from their orders (purchases only), for tags and rfmGroup.
  const spend = new Float64Array(custCount);
  const count = new Int32Array(custCount);
  const last = new Float64Array(custCount);
  const lastUpdate = new Float64Array(custCount);
  for (let pos = 0; pos < n; pos++) {
    const i = idx[pos];
    const c = ordCustomer[i];
    if (c < 0) continue;
    const t = time[i];
    lastUpdate[c] = Math.max(lastUpdate[c], updatedAt(pos, t));
    const st = status[pos];
    if (st === TEST || st === VOIDED || st === CANCELLED_REFUNDED || st === REFUNDED) continue;
    let current = 0;
    for (let l = ordLineStart[i]; l < ordLineStart[i + 1]; l++)
      current += cents[lineVariant[l]] * currentQuantity(pos, l);
    if (st === GOODWILL) current -= goodwillCents(pos, current);
    spend[c] += current / 100;
    count[c]++;
    last[c] = Math.max(last[c], t);
  }

  const spendSorted = Float64Array.from(spend).sort();
  const vipLine = spendSorted[Math.floor(custCount * 0.97)] ?? Infinity;
  const customers: StandinCustomer[] = [];
  for (let r = 0; r < custCount; r++) {
    const c = custOrder[r];
    const first = FIRST_NAMES[rng.int(FIRST_NAMES.length)];
    const lastName = LAST_NAMES[rng.int(LAST_NAMES.length)];
    const tags: string[] = [];
    if (spend[c] > 0 && spend[c] >= vipLine && rng.chance(0.85)) tags.push("vip");
    if (custWholesale[c]) tags.push("wholesale");
    if (rng.chance(0.35)) tags.push("newsletter");
    if (rng.chance(0.04)) tags.push("local-pickup");
    if (custGroup[c] >= 0 && CUSTOMER_GROUPS[custGroup[c]].name === "lapsed-big-spender" && rng.chance(0.3))
      tags.push("VIP 2025");
    tags.sort();
    const createdMs = Math.round(created[c] / 1000) * 1000;
    const updatedMs = Math.max(createdMs, lastUpdate[c], createdMs + rng.range(0, 3600) * 1000);
    customers.push({
      id: customerIds[c],
      firstName: first,
      lastName,
      email: `${ascii(first)}.${ascii(lastName)}.${custRank[c] + 1}@example.com`,
      tags,
      createdAt: iso(createdMs),
      updatedAt: iso(Math.min(end, updatedMs)),
      rfmGroup: rng.chance(0.6) ? rfmGroup(count[c], count[c] > 0 ? (end - last[c]) / DAY : Infinity) : null,
    });
  }

  /** The order at a time-ordered position, built fresh (nothing is cached). */
  function orderAt(pos: number): StandinOrder {
    const i = idx[pos];
    const t = time[i];
    const st = status[pos];
    const createdAt = iso(t);
    const lineItems: StandinLineItem[] = [];
    let original = 0;
    let current = 0;
    let line = lineBase[pos];
    for (let l = ordLineStart[i]; l < ordLineStart[i + 1]; l++, line++) {
      const v = lineVariant[l];
      const q = lineQty[l];
      const cq = currentQuantity(pos, l);
      lineItems.push({
        id: `gid://shopify/LineItem/${14_900_000_000_000 + line * 7 + (hash32(seed, line, 5) % 7)}`,
        productId: productIds[variants[v].item],
        variantId: variantIds[v],
        quantity: q,
        currentQuantity: cq,
        unitPrice: variants[v].priceText,
      });
      original += cents[v] * q;
      current += cents[v] * cq;
    }
    const updated = updatedAt(pos, t);
    const cancelled = st === VOIDED || st === CANCELLED_REFUNDED;
    const c = ordCustomer[i];
    return {
      id: `gid://shopify/Order/${5_800_000_000_000 + pos * 29 + (hash32(seed, pos, 1) % 29)}`,
      name: `#${1001 + pos}`,
      customerId: c >= 0 ? customerIds[c] : null,
      createdAt,
      processedAt: createdAt,
      updatedAt: updated === t ? createdAt : iso(updated),
      cancelledAt: cancelled ? iso(updated) : null,
      test: st === TEST,
      displayFinancialStatus: FINANCIAL[st],
      currencyCode,
      totalPrice: money(current / 100),
      totalRefunded: money(
        (st === VOIDED ? 0 : st === GOODWILL ? goodwillCents(pos, original) : original - current) / 100,
      ),
      lineItems,
    };
  }

  return {
    shop,
    currencyCode,
    scopes,
    products,
    customers,
    orderCount: n,
    orderAt: (pos: number) => {
      if (!(Number.isInteger(pos) && pos >= 0 && pos < n))
        throw new RangeError(`demo shop: no order at position ${pos} (0..${n - 1})`);
      return orderAt(pos);
    },
    *orders() {
      for (let pos = 0; pos < n; pos++) yield orderAt(pos);
    },
  };
}

const ascii = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();

/** A rough stand-in for Shopify's CustomerStatistics.rfmGroup, from purchase count and recency (days). */
export function rfmGroup(orders: number, recencyDays: number): string {
  if (orders === 0) return "PROSPECTS";
  if (recencyDays <= 30 && orders === 1) return "NEW";
  if (recencyDays <= 60 && orders >= 5) return "CHAMPIONS";
  if (recencyDays <= 120 && orders >= 3) return "LOYAL";
  if (recencyDays <= 90) return orders === 2 ? "PROMISING" : "ACTIVE";
  if (recencyDays > 240 && orders >= 8) return "PREVIOUSLY_LOYAL";
  if (recencyDays <= 240) return orders >= 4 ? "AT_RISK" : "NEEDS_ATTENTION";
  if (recencyDays <= 400) return "ALMOST_LOST";
  return "DORMANT";
}
