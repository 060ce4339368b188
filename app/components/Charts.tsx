/**
 * The dashboard's charts as plain HTML and SVG: rendered on the server, readable at any width, with
 * labels that never sit on the bars, a complete legend, and axis titles.
 */
import { Text } from "@shopify/polaris";
import { formatCount, formatPercent } from "./format";

/** Categorical colours (Polaris Viz's default palette order), then grey. */
const PALETTE = [
  "#5c6ac4",
  "#47c1bf",
  "#f49342",
  "#de3618",
  "#50b83c",
  "#9c6ade",
  "#eec200",
  "#006fbb",
  "#8a8a8a",
  "#b3bcf5",
  "#007f5f",
  "#c05717",
];

export const BAND_COLOURS = { low: "#29845a", medium: "#e8a33d", high: "#c70a24" } as const;

export interface BarItem {
  key: string;
  label: string;
  value: number;
  /** The value in words (e.g. "1,204"); formatCount(value) by default. */
  display?: string;
}

/** Horizontal bars: the label on its own line above each bar, the value after the bar. */
export function BarList({ items, summary }: { items: BarItem[]; summary: string }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return (
    <div role="img" aria-label={summary} data-chart="bar-list" style={{ display: "grid", gap: 8 }}>
      {items.map((item, i) => (
        <div key={item.key} data-bar={item.key}>
          <Text as="p" variant="bodySm">
            {item.label}
          </Text>
          <div style={{ display: "flex", alignItems: "center", gap: 8 }}>
            <div style={{ flex: 1, minWidth: 0, background: "#f1f1f1", borderRadius: 4, height: 14 }}>
              <div
                style={{
                  width: `${(item.value / max) * 100}%`,
                  minWidth: item.value > 0 ? 2 : 0,
                  height: "100%",
                  borderRadius: 4,
                  background: PALETTE[i % PALETTE.length],
                }}
              />
            </div>
            <span style={{ minWidth: 56, textAlign: "right", fontVariantNumeric: "tabular-nums", fontSize: 13 }}>
              {item.display ?? formatCount(item.value)}
            </span>
          </div>
        </div>
      ))}
    </div>
  );
}

export interface HistogramBucket {
  label: string;
  byBand: { low: number; medium: number; high: number };
}

/** The churn-risk histogram: stacked bars coloured by risk band, with axis titles and a legend. */
export function RiskHistogram({
  buckets,
  summary,
  xTitle,
}: {
  buckets: HistogramBucket[];
  summary: string;
  xTitle: string;
}) {
  const W = 520;
  const H = 230;
  const pad = { left: 52, right: 8, top: 10, bottom: 52 };
  const totals = buckets.map((b) => b.byBand.low + b.byBand.medium + b.byBand.high);
  const max = Math.max(1, ...totals);
  const step = niceStep(max / 4);
  const top = Math.ceil(max / step) * step;
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const bw = plotW / Math.max(1, buckets.length);
  const y = (v: number) => pad.top + plotH - (v / top) * plotH;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  return (
    <div data-chart="risk-histogram">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={summary} style={{ display: "block" }}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.left} x2={W - pad.right} y1={y(t)} y2={y(t)} stroke="#e3e3e3" />
            <text x={pad.left - 6} y={y(t) + 4} fontSize={11} fill="#616161" textAnchor="end">
              {formatCount(t)}
            </text>
          </g>
        ))}
        {buckets.map((b, i) => {
          let base = 0;
          const x = pad.left + i * bw + bw * 0.12;
          return (
            <g key={b.label}>
              {(["low", "medium", "high"] as const).map((band) => {
                const v = b.byBand[band];
                if (v <= 0) return null;
                const rect = (
                  <rect
                    key={band}
                    x={x}
                    width={bw * 0.76}
                    y={y(base + v)}
                    height={y(base) - y(base + v)}
                    fill={BAND_COLOURS[band]}
                  />
                );
                base += v;
                return rect;
              })}
              <text x={x + bw * 0.38} y={H - pad.bottom + 14} fontSize={10} fill="#616161" textAnchor="middle">
                {`${b.label.replace(/–.*$/, "")}%`}
              </text>
            </g>
          );
        })}
        <text x={pad.left + plotW / 2} y={H - 12} fontSize={12} fill="#303030" textAnchor="middle">
          {xTitle}
        </text>
        <text
          transform={`translate(14 ${pad.top + plotH / 2}) rotate(-90)`}
          fontSize={12}
          fill="#303030"
          textAnchor="middle"
        >
          Customers
        </text>
      </svg>
      <Legend
        items={(["low", "medium", "high"] as const).map((b) => ({
          key: b,
          label: `${b[0].toUpperCase()}${b.slice(1)} risk`,
          colour: BAND_COLOURS[b],
        }))}
      />
    </div>
  );
}

function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

export function Legend({ items }: { items: Array<{ key: string; label: string; colour: string; value?: string }> }) {
  return (
    <ul
      style={{ listStyle: "none", padding: 0, margin: "8px 0 0", display: "flex", flexWrap: "wrap", gap: "4px 16px" }}
      data-legend
    >
      {items.map((i) => (
        <li
          key={i.key}
          style={{ display: "flex", alignItems: "center", gap: 6, fontSize: 13 }}
          data-legend-item={i.key}
        >
          <span aria-hidden style={{ width: 10, height: 10, borderRadius: 2, background: i.colour, flex: "none" }} />
          <span>
            {i.label}
            {i.value ? <span style={{ color: "#616161" }}> · {i.value}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** A donut of shares with a legend listing every slice (name, value, share). */
export function Donut({ items, summary }: { items: BarItem[]; summary: string }) {
  const total = items.reduce((s, i) => s + Math.max(0, i.value), 0);
  const R = 70;
  const r = 44;
  let angle = -Math.PI / 2;
  const arcs = items.map((item, i) => {
    const share = total > 0 ? Math.max(0, item.value) / total : 0;
    const a0 = angle;
    const a1 = angle + share * 2 * Math.PI;
    angle = a1;
    return { item, share, a0, a1, colour: PALETTE[i % PALETTE.length] };
  });
  // Rounded: Node and the browser differ in the last digits of cos/sin, and the server's path must be the
  // one the browser computes when it hydrates (else React reports a mismatch).
  const pt = (rad: number, a: number) =>
    `${(80 + rad * Math.cos(a)).toFixed(3)} ${(80 + rad * Math.sin(a)).toFixed(3)}`;
  return (
    <div data-chart="donut" style={{ display: "flex", flexWrap: "wrap", gap: 16, alignItems: "center" }}>
      <svg viewBox="0 0 160 160" width={160} height={160} role="img" aria-label={summary} style={{ flex: "none" }}>
        {total === 0 && <circle cx={80} cy={80} r={(R + r) / 2} fill="none" stroke="#e3e3e3" strokeWidth={R - r} />}
        {arcs.map(({ item, share, a0, a1, colour }) =>
          share >= 0.9999 ? (
            <circle key={item.key} cx={80} cy={80} r={(R + r) / 2} fill="none" stroke={colour} strokeWidth={R - r} />
          ) : share > 0 ? (
            <path
              key={item.key}
              d={`M ${pt(R, a0)} A ${R} ${R} 0 ${a1 - a0 > Math.PI ? 1 : 0} 1 ${pt(R, a1)} L ${pt(r, a1)} A ${r} ${r} 0 ${a1 - a0 > Math.PI ? 1 : 0} 0 ${pt(r, a0)} Z`}
              fill={colour}
            />
          ) : null,
        )}
      </svg>
      <div style={{ flex: "1 1 200px", minWidth: 0 }}>
        <ul style={{ listStyle: "none", padding: 0, margin: 0, display: "grid", gap: 4 }} data-legend>
          {arcs.map(({ item, share, colour }) => (
            <li
              key={item.key}
              style={{ display: "flex", alignItems: "center", gap: 6, fontSize: 13 }}
              data-legend-item={item.key}
            >
              <span aria-hidden style={{ width: 10, height: 10, borderRadius: 2, background: colour, flex: "none" }} />
              <span style={{ flex: 1, minWidth: 0 }}>{item.label}</span>
              <span style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}>
                {item.display ?? formatCount(item.value)}{" "}
                <span style={{ color: "#616161" }}>({formatPercent(share, 0)})</span>
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** A small line chart of one series over analyses (trends), with dots and the first and last labels. */
export function TrendLine({
  points,
  summary,
  format,
}: {
  points: Array<{ label: string; value: number | null }>;
  summary: string;
  format: (v: number) => string;
}) {
  const W = 300;
  const H = 90;
  const pad = { left: 4, right: 4, top: 16, bottom: 18 };
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  if (values.length === 0)
    return (
      <Text as="p" tone="subdued">
        –
      </Text>
    );
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || Math.abs(max) || 1;
  const x = (i: number) =>
    pad.left +
    (points.length === 1 ? (W - pad.left - pad.right) / 2 : (i / (points.length - 1)) * (W - pad.left - pad.right));
  const y = (v: number) => pad.top + (1 - (v - min) / span) * (H - pad.top - pad.bottom);
  const path = points
    .map((p, i) => (p.value === null ? null : `${x(i)} ${y(p.value)}`))
    .filter(Boolean)
    .map((p, i) => `${i === 0 ? "M" : "L"} ${p}`)
    .join(" ");
  const last = [...points].reverse().find((p) => p.value !== null)!;
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label={summary}
      data-chart="trend"
      style={{ display: "block", maxWidth: 420 }}
    >
      <path d={path} fill="none" stroke="#005bd3" strokeWidth={2} />
      {points.map((p, i) =>
        p.value === null ? null : <circle key={i} cx={x(i)} cy={y(p.value)} r={3} fill="#005bd3" />,
      )}
      <text x={W - pad.right} y={11} fontSize={11} textAnchor="end" fill="#303030">
        {format(last.value!)}
      </text>
      <text x={pad.left} y={H - 4} fontSize={10} fill="#616161">
        {points[0].label}
      </text>
      {points.length > 1 && (
        <text x={W - pad.right} y={H - 4} fontSize={10} fill="#616161" textAnchor="end">
          {points[points.length - 1].label}
        </text>
      )}
    </svg>
  );
}
