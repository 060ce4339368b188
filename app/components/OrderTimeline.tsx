import { formatDate, formatMoney } from "./format";

export interface TimelineOrder {
  id: string;
  processedAt: string;
  total: number;
  refunded: number;
  cancelled: boolean;
}

/**
 * The customer's orders on a time axis: one bar per order, its height the order's net value; cancelled
 * orders in grey. A plain SVG, so it renders on the server too and scales to any width.
 */
export function OrderTimeline({
  orders,
  currency,
  nextOrderDate,
  timeZone = null,
}: {
  orders: TimelineOrder[];
  currency: string;
  nextOrderDate?: string | null;
  /** The shop's time zone for the dates (UTC without one). */
  timeZone?: string | null;
}) {
  if (orders.length === 0) return null;
  const W = 600;
  const H = 160;
  const pad = { left: 8, right: 8, top: 12, bottom: 24 };
  const times = orders.map((o) => Date.parse(o.processedAt));
  const next = nextOrderDate ? Date.parse(nextOrderDate) : null;
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, next ?? 0);
  const span = Math.max(t1 - t0, 86_400_000);
  const maxValue = Math.max(1, ...orders.map((o) => o.total - o.refunded));
  const x = (t: number) => pad.left + ((t - t0) / span) * (W - pad.left - pad.right);
  const y = (v: number) => H - pad.bottom - (Math.max(0, v) / maxValue) * (H - pad.top - pad.bottom);
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label={`${orders.length} orders from ${formatDate(orders[0].processedAt, timeZone)} to ${formatDate(orders[orders.length - 1].processedAt, timeZone)}`}
    >
      <line x1={pad.left} x2={W - pad.right} y1={H - pad.bottom} y2={H - pad.bottom} stroke="#8a8a8a" />
      {orders.map((o, i) => {
        const net = o.total - o.refunded;
        return (
          <g key={o.id}>
            <rect
              x={x(times[i]) - 3}
              y={y(net)}
              width={6}
              height={H - pad.bottom - y(net)}
              fill={o.cancelled ? "#b5b5b5" : "#005bd3"}
              rx={1}
            >
              <title>{`${formatDate(o.processedAt, timeZone)}: ${formatMoney(net, currency, 2)}${o.cancelled ? " (cancelled)" : ""}`}</title>
            </rect>
          </g>
        );
      })}
      {next !== null && (
        <g>
          <line x1={x(next)} x2={x(next)} y1={pad.top} y2={H - pad.bottom} stroke="#8051ff" strokeDasharray="4 3" />
          <text x={Math.min(x(next), W - 90)} y={pad.top} fontSize={11} fill="#8051ff">
            expected next
          </text>
        </g>
      )}
      <text x={pad.left} y={H - 6} fontSize={11} fill="#616161">
        {formatDate(new Date(t0).toISOString(), timeZone)}
      </text>
      <text x={W - pad.right} y={H - 6} fontSize={11} fill="#616161" textAnchor="end">
        {formatDate(new Date(t1).toISOString(), timeZone)}
      </text>
    </svg>
  );
}
