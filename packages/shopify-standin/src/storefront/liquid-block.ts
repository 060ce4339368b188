/**
 * The recommendations block (extensions/churnless-recommendations/blocks/recommendations.liquid and its
 * card snippet) rendered from the extension's own Liquid, for the storefront test and the demo's
 * storefront: a small renderer of exactly the tags and outputs the block uses (a tag it does not know
 * throws, so a change to the block cannot pass unseen), with the English locale.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const EXT = join(process.cwd(), "extensions/churnless-recommendations");

const EN = JSON.parse(readFileSync(join(EXT, "locales/en.default.json"), "utf8"));

function t(key: string): string {
  const value = key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], EN);
  if (typeof value !== "string") throw new Error(`missing translation ${key}`);
  return value;
}

export const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

export interface PageOptions {
  productIds: string;
  /** Liquid's `template.name`: the template the block is on (its placement). */
  template: string;
  layout: "grid" | "carousel";
  /** The customer's `$app:recommended_products` metafield, when the shopper has one. */
  metafield?: LiquidProduct[];
  /** The customer's `$app:due_products` metafield (due to reorder, shown first). */
  due?: LiquidProduct[];
  /** A customer is logged in (Liquid's `customer`): the block shows the opt-out link. */
  loggedIn?: boolean;
  /** The block's products_count setting (default 4). */
  limit?: number;
}

type Node = string | { output: string } | { tag: string; body: Node[]; alt?: Node[] };

function parseLiquid(source: string): Node[] {
  const cleaned = source
    .replace(/\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}/g, "")
    .replace(/\{%-?\s*schema\s*-?%\}[\s\S]*?\{%-?\s*endschema\s*-?%\}/g, "")
    .replace(/\{%-?\s*liquid[\s\S]*?-?%\}/, "");
  const re = /\{%-?\s*([\s\S]*?)\s*-?%\}|\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
  const tokens: Array<{ text?: string; tag?: string; output?: string }> = [];
  let last = 0;
  for (const m of cleaned.matchAll(re)) {
    tokens.push({ text: cleaned.slice(last, m.index) });
    if (m[1] !== undefined) tokens.push({ tag: m[1].replace(/\s+/g, " ") });
    else tokens.push({ output: m[2].replace(/\s+/g, " ") });
    last = m.index! + m[0].length;
  }
  tokens.push({ text: cleaned.slice(last) });
  let i = 0;
  const parse = (until: string[]): Node[] => {
    const out: Node[] = [];
    while (i < tokens.length) {
      const tok = tokens[i++];
      if (tok.text !== undefined) out.push(tok.text);
      else if (tok.output !== undefined) out.push({ output: tok.output });
      else {
        const tag = tok.tag!;
        if (until.some((u) => tag === u || tag.startsWith(`${u} `))) {
          i--;
          return out;
        }
        if (tag.startsWith("if ") || tag.startsWith("for ") || tag.startsWith("unless ")) {
          const end = tag.startsWith("if ") ? "endif" : tag.startsWith("unless ") ? "endunless" : "endfor";
          const body = parse(["else", end]);
          let alt: Node[] | undefined;
          if (tokens[i].tag === "else") {
            i++;
            alt = parse([end]);
          }
          i++; // the end tag
          out.push({ tag, body, alt });
        } else if (/^(assign|render) /.test(tag)) {
          out.push({ tag, body: [] });
        } else throw new Error(`the storefront renderer does not know the Liquid tag {% ${tag} %}`);
      }
    }
    return out;
  };
  return parse([]);
}

/** A product as Liquid sees it (the fields the card snippet reads). */
export interface LiquidProduct {
  id: number;
  handle: string;
  title: string;
  url: string;
  price: number; // cents
  available: boolean;
}

export const money = (cents: number) => `€${(cents / 100).toFixed(2).replace(".", ",")}`;

export function renderBlock(opts: PageOptions): string {
  const LIMIT = opts.limit ?? 4;
  const heading = t("churnless.recommendations.default_heading");
  const recommended = opts.metafield ?? [];
  const due = opts.due ?? [];
  const dueIds = new Set<number>();
  let shown = 0;
  const outputs: Record<string, string> = {
    "block.settings.layout": opts.layout,
    "routes.root_url | append: '/apps/churnless' | replace: '//', '/'": "/apps/churnless",
    "routes.product_recommendations_url": "/recommendations/products",
    "routes.root_url": "/",
    "routes.root_url | append: '/apps/churnless/opt-out' | replace: '//', '/'": "/apps/churnless/opt-out",
    product_ids: opts.productIds,
    "template.name | escape": escapeHtml(opts.template),
    limit: String(LIMIT),
    "shop.money_format | strip_html | escape": escapeHtml("€{{amount_with_comma_separator}}"),
    "block.shopify_attributes": "",
    heading_id: "ChurnlessRecsHeading-e2e",
    list_id: "ChurnlessRecsList-e2e",
    "heading | escape": escapeHtml(heading),
  };
  type Scope = { product?: LiquidProduct; item?: LiquidProduct };
  const productOutput = (expr: string, p: LiquidProduct): string | undefined => {
    if (expr === "product.id") return String(p.id);
    if (expr === "product.url") return p.url;
    if (expr === "product.title | escape") return escapeHtml(p.title);
    if (expr === "product.price | money") return money(p.price);
    if (expr.startsWith("product.featured_image | image_url: width: 360 | image_tag:")) {
      return `<img src="/img/${p.handle}.svg?width=360" width="360" height="360" loading="lazy" alt="" class="churnless-recs__img">`;
    }
    return undefined;
  };
  const condition = (cond: string, scope: Scope): boolean => {
    const fixed: Record<string, boolean> = {
      "block.settings.layout == 'carousel'": opts.layout === "carousel",
      "block.settings.show_price": true,
      show_price: true,
      "shown == 0": shown === 0,
      customer: !!opts.loggedIn,
    };
    if (cond in fixed) return fixed[cond];
    if (cond === "shown < limit and item.available") return shown < LIMIT && !!scope.item?.available;
    if (cond === "product.featured_image") return true;
    if (cond === "product.available") return !!scope.product?.available;
    throw new Error(`the storefront renderer does not know {% if ${cond} %}`);
  };
  const render = (nodes: Node[], scope: Scope): string =>
    nodes
      .map((n) => {
        if (typeof n === "string") return n;
        if ("output" in n) {
          const tr = /^'([a-z0-9_.]+)' \| t( \| escape)?$/.exec(n.output);
          if (tr) return escapeHtml(t(tr[1]));
          const fromProduct = scope.product && productOutput(n.output, scope.product);
          if (fromProduct !== undefined) return fromProduct;
          if (!(n.output in outputs)) throw new Error(`the storefront renderer does not know {{ ${n.output} }}`);
          return outputs[n.output];
        }
        if (n.tag.startsWith("if "))
          return condition(n.tag.slice(3), scope) ? render(n.body, scope) : render(n.alt ?? [], scope);
        if (n.tag === "unless due_ids contains key") return dueIds.has(scope.item!.id) ? "" : render(n.body, scope);
        if (n.tag === "for item in due") return due.map((item) => render(n.body, { ...scope, item })).join("");
        if (n.tag === "assign due_ids = due_ids | append: item.id | append: ','") {
          dueIds.add(scope.item!.id);
          return "";
        }
        if (n.tag === "assign key = ',' | append: item.id | append: ','") return "";
        if (n.tag === "for item in recommended")
          return recommended.map((item) => render(n.body, { ...scope, item })).join("");
        if (n.tag === "for i in (1..limit)") return Array.from({ length: LIMIT }, () => render(n.body, scope)).join("");
        if (n.tag === "assign shown = shown | plus: 1") {
          shown++;
          return "";
        }
        if (n.tag.startsWith("assign image_height =")) return "";
        if (n.tag === "render 'churnless-recs-card', product: item, show_price: block.settings.show_price") {
          return render(parseLiquid(readFileSync(join(EXT, "snippets/churnless-recs-card.liquid"), "utf8")), {
            product: scope.item,
          });
        }
        throw new Error(`the storefront renderer does not know {% ${n.tag} %}`);
      })
      .join("");
  return render(parseLiquid(readFileSync(join(EXT, "blocks/recommendations.liquid"), "utf8")), {});
}
