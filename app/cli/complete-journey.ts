/**
 * Converts the 84.51 Complete Journey transactions CSV (household_id, basket_id, product_id, quantity,
 * sales_value, …, transaction_timestamp) to OrderInput: one order per basket_id, customer = household_id,
 * one line per product (quantities summed, unit price = sales_value / quantity). Used by the offline
 * evaluation tests and the `eval:recs` CLI (`--csv`). Pure: text in, orders out. Cost: O(rows).
 */
import type { OrderInput } from "../analytics/types";

/** Splits one CSV row (double quotes, no embedded newlines). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function completeJourneyToOrders(csv: string): OrderInput[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) return [];
  const header = splitCsv(lines[0]);
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`completeJourneyToOrders requires a ${name} column`);
    return i;
  };
  const [hh, basket, product, qty, sales, ts] = [
    col("household_id"),
    col("basket_id"),
    col("product_id"),
    col("quantity"),
    col("sales_value"),
    col("transaction_timestamp"),
  ];
  const orders = new Map<string, OrderInput & { qty: Map<string, [number, number]> }>();
  for (let r = 1; r < lines.length; r++) {
    const f = splitCsv(lines[r]);
    const id = `gid://shopify/Order/${f[basket]}`;
    let o = orders.get(id);
    if (!o) {
      const when = new Date(`${f[ts].replace(" ", "T")}Z`);
      o = {
        id,
        customerId: `gid://shopify/Customer/${f[hh]}`,
        processedAt: when,
        cancelledAt: null,
        test: false,
        total: 0,
        refunded: 0,
        currency: "USD",
        lineItems: [],
        qty: new Map(),
      };
      orders.set(id, o);
    }
    const q = Number(f[qty]);
    const v = Number(f[sales]);
    const pid = `gid://shopify/Product/${f[product]}`;
    const prev = o.qty.get(pid) ?? [0, 0];
    o.qty.set(pid, [prev[0] + q, prev[1] + v]);
    o.total += v;
  }
  const out: OrderInput[] = [];
  for (const { qty: lines2, ...order } of orders.values()) {
    for (const [pid, [q, v]] of lines2) {
      order.lineItems.push({ productId: pid, variantId: null, quantity: q, unitPrice: q > 0 ? v / q : v });
    }
    out.push(order);
  }
  return out;
}
