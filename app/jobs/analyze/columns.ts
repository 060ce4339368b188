/**
 * The analysis's customers in columns, for the way back from the analysis thread: one typed
 * array per numeric or date field, repeated strings (segments, clusters, risk bands, Shopify's RFM
 * groups) stored once, the reasons as one flat list. Serialized, a million-order shop's 218k customers
 * take about half of what the same records take (v8.serialize writes every record's keys and every
 * date again), and the thread can let go of the records before it builds the recommendations.
 * `unpackCustomers(packCustomers(c))` equals `c` (test/jobs/analyze/columns.test.ts); dates come back
 * as one Date per instant, shared by the customers on it, as the analysis makes them.
 * Pure: no I/O.
 */
import type { CustomerResult } from "../../analytics/types";

const NUMBERS = [
  "orders",
  "recencyDays",
  "monetary",
  "aov",
  "churnProbability",
  "pAlive",
  "expectedOrders",
  "clv12m",
  "clv12mLow",
  "clv12mHigh",
  "spendLow",
  "spendHigh",
  "valueAtRisk",
  "typicalGapDays",
  "expectedOrders12m",
  "expectedSpend",
] as const;
const DATES = [
  "firstOrderAt",
  "lastOrderAt",
  "nextOrderDate",
  "nextOrderEarliest",
  "nextOrderLatest",
  "nextOrderLow",
  "nextOrderHigh",
] as const;
const LABELS = ["rfmSegment", "clusterKey", "clusterName", "riskBand", "shopifyRfmGroup"] as const;
/** Every key a customer record may have: a record with another key is refused (it would be lost). */
const KNOWN = new Set<string>([...NUMBERS, ...DATES, ...LABELS, "customerId", "rfm", "pAliveKnown", "reasons"]);

/** How a cell that is not a value is kept: a value, null, or no value (an optional field left out). */
const VALUE = 0;
const NULL = 1;
const ABSENT = 2;

export interface CustomerColumns {
  length: number;
  customerId: string[];
  /** Per field: the values (0 where there is none) and, when some cell has none, what it has instead. */
  numbers: Record<string, { values: Float64Array; kinds: Uint8Array | null }>;
  /** Epoch ms, as numbers. */
  dates: Record<string, { values: Float64Array; kinds: Uint8Array | null }>;
  /** Per field: an index into `labels` per customer (-1 null, -2 absent). */
  labelIndex: Record<string, Int32Array>;
  labels: string[];
  /** rfm.r, rfm.f, rfm.m: three scores per customer. */
  rfm: Uint8Array;
  /** 1 true, 0 false, 2 absent. */
  pAliveKnown: Uint8Array;
  /** Customer i's reasons are reasons[reasonOffset[i] .. reasonOffset[i + 1]]. */
  reasons: string[];
  reasonOffset: Int32Array;
}

function kindOf(v: unknown): number {
  return v === null ? NULL : v === undefined ? ABSENT : VALUE;
}

/** The customers as columns. Throws on a field this codec does not know (add it here first). */
export function packCustomers(customers: readonly CustomerResult[]): CustomerColumns {
  const n = customers.length;
  const numberColumn = (read: (c: CustomerResult) => unknown, toNumber: (v: never) => number) => {
    const values = new Float64Array(n);
    let kinds: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const v = read(customers[i]);
      const kind = kindOf(v);
      if (kind === VALUE) values[i] = toNumber(v as never);
      else (kinds ??= new Uint8Array(n))[i] = kind;
    }
    return { values, kinds };
  };
  const labels: string[] = [];
  const labelAt = new Map<string, number>();
  const out: CustomerColumns = {
    length: n,
    customerId: new Array<string>(n),
    numbers: {},
    dates: {},
    labelIndex: {},
    labels,
    rfm: new Uint8Array(3 * n),
    pAliveKnown: new Uint8Array(n),
    reasons: [],
    reasonOffset: new Int32Array(n + 1),
  };
  for (const key of NUMBERS)
    out.numbers[key] = numberColumn(
      (c) => c[key],
      (v: number) => v,
    );
  for (const key of DATES)
    out.dates[key] = numberColumn(
      (c) => c[key],
      (v: Date) => v.getTime(),
    );
  for (const key of LABELS) {
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = customers[i][key];
      if (v === null || v === undefined) {
        index[i] = v === null ? -1 : -2;
        continue;
      }
      let k = labelAt.get(v);
      if (k === undefined) labelAt.set(v, (k = labels.push(v) - 1));
      index[i] = k;
    }
    out.labelIndex[key] = index;
  }
  for (let i = 0; i < n; i++) {
    const c = customers[i];
    for (const key in c) if (!KNOWN.has(key)) throw new Error(`packCustomers does not know the field ${key}`);
    out.customerId[i] = c.customerId;
    out.rfm[3 * i] = c.rfm.r;
    out.rfm[3 * i + 1] = c.rfm.f;
    out.rfm[3 * i + 2] = c.rfm.m;
    out.pAliveKnown[i] = c.pAliveKnown === undefined ? 2 : c.pAliveKnown ? 1 : 0;
    for (const r of c.reasons) out.reasons.push(r);
    out.reasonOffset[i + 1] = out.reasons.length;
  }
  return out;
}

/** The customer records back from their columns (the inverse of packCustomers). */
export function unpackCustomers(columns: CustomerColumns): CustomerResult[] {
  const dates = new Map<number, Date>();
  const dateOf = (ms: number) => {
    let d = dates.get(ms);
    if (!d) dates.set(ms, (d = new Date(ms)));
    return d;
  };
  const cell = <T>(col: { values: Float64Array; kinds: Uint8Array | null }, i: number, map: (v: number) => T) => {
    const kind = col.kinds?.[i] ?? VALUE;
    return kind === VALUE ? map(col.values[i]) : kind === NULL ? null : undefined;
  };
  const num = (key: (typeof NUMBERS)[number], i: number) => cell(columns.numbers[key], i, (v) => v);
  const date = (key: (typeof DATES)[number], i: number) => cell(columns.dates[key], i, dateOf);
  const label = (key: (typeof LABELS)[number], i: number) => {
    const k = columns.labelIndex[key][i];
    return k >= 0 ? columns.labels[k] : k === -1 ? null : undefined;
  };
  const out = new Array<CustomerResult>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const record = {
      customerId: columns.customerId[i],
      orders: num("orders", i),
      firstOrderAt: date("firstOrderAt", i),
      lastOrderAt: date("lastOrderAt", i),
      recencyDays: num("recencyDays", i),
      monetary: num("monetary", i),
      aov: num("aov", i),
      rfm: { r: columns.rfm[3 * i], f: columns.rfm[3 * i + 1], m: columns.rfm[3 * i + 2] },
      rfmSegment: label("rfmSegment", i),
      clusterKey: label("clusterKey", i),
      clusterName: label("clusterName", i),
      churnProbability: num("churnProbability", i),
      riskBand: label("riskBand", i),
      pAlive: num("pAlive", i),
      pAliveKnown: columns.pAliveKnown[i] === 2 ? undefined : columns.pAliveKnown[i] === 1,
      expectedOrders: num("expectedOrders", i),
      clv12m: num("clv12m", i),
      nextOrderDate: date("nextOrderDate", i),
      nextOrderEarliest: date("nextOrderEarliest", i),
      nextOrderLatest: date("nextOrderLatest", i),
      clv12mLow: num("clv12mLow", i),
      clv12mHigh: num("clv12mHigh", i),
      spendLow: num("spendLow", i),
      spendHigh: num("spendHigh", i),
      nextOrderLow: date("nextOrderLow", i),
      nextOrderHigh: date("nextOrderHigh", i),
      valueAtRisk: num("valueAtRisk", i),
      typicalGapDays: num("typicalGapDays", i),
      reasons: columns.reasons.slice(columns.reasonOffset[i], columns.reasonOffset[i + 1]),
      shopifyRfmGroup: label("shopifyRfmGroup", i),
      expectedOrders12m: num("expectedOrders12m", i),
      expectedSpend: num("expectedSpend", i),
    };
    // Optional fields that were left out stay out.
    for (const key in record)
      if (record[key as keyof typeof record] === undefined) delete record[key as keyof typeof record];
    out[i] = record as CustomerResult;
  }
  return out;
}
