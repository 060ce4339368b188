import { BlockStack, Text } from "@shopify/polaris";
import { formatCount, formatPercent } from "./format";

export interface CohortHeatmapProps {
  cohorts: Array<{ cohort: string; customers: number; retention: Array<number | null> }>;
}

/** Relative luminance (WCAG) of the cell's blue at `alpha` over white. */
function luminance(alpha: number): number {
  const channel = (c: number) => {
    const v = (255 * (1 - alpha) + c * alpha) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(91) + 0.0722 * channel(211);
}

/** Black or white, whichever reads better on the cell (at least 4.5:1 for any shade). */
function textOn(alpha: number): string {
  const l = luminance(alpha);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000" : "#fff";
}

/** Cohort retention as a table whose cells are shaded by the share of the cohort that ordered. */
export function CohortHeatmap({ cohorts }: CohortHeatmapProps) {
  const months = Math.max(0, ...cohorts.map((c) => c.retention.length));
  // Month 0 is always 100%: shade the later months against the best later month so differences show.
  const maxLater = Math.max(
    0.01,
    ...cohorts.flatMap((c) => c.retention.slice(1).filter((v): v is number => v !== null)),
  );
  const cell = {
    padding: "4px 6px",
    textAlign: "right" as const,
    fontVariantNumeric: "tabular-nums",
    whiteSpace: "nowrap" as const,
  };
  return (
    <BlockStack gap="100">
      {months > 4 && (
        <Text as="p" variant="bodySm" tone="subdued">
          <span data-testid="cohort-scroll-hint">Scroll sideways to see later months →</span> Blank cells: months not
          finished yet.
        </Text>
      )}
      {/* Focusable, so a keyboard can scroll it sideways. */}
      <div tabIndex={0} role="region" aria-label="Cohort retention, scrolls sideways" style={{ overflowX: "auto" }}>
        <table
          style={{ borderCollapse: "collapse", fontSize: 12, width: "100%" }}
          aria-label="Cohort retention by month since first order"
        >
          <thead>
            <tr>
              <th style={{ ...cell, textAlign: "left" }} scope="col">
                <Text as="span" variant="bodySm" fontWeight="semibold">
                  First order
                </Text>
              </th>
              <th style={cell} scope="col">
                <Text as="span" variant="bodySm" fontWeight="semibold">
                  Customers
                </Text>
              </th>
              {Array.from({ length: months }, (_, m) => (
                <th key={m} style={cell} scope="col">
                  <Text as="span" variant="bodySm" fontWeight="semibold">
                    {m === 0 ? "First month" : `+${m} mo`}
                  </Text>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {cohorts.map((c) => (
              <tr key={c.cohort}>
                <th style={{ ...cell, textAlign: "left" }} scope="row">
                  {c.cohort}
                </th>
                <td style={cell}>{formatCount(c.customers)}</td>
                {Array.from({ length: months }, (_, m) => {
                  const v = c.retention[m] ?? null;
                  const intensity = v === null ? 0 : m === 0 ? 1 : Math.min(1, v / maxLater);
                  return (
                    <td
                      key={m}
                      data-cell={`${c.cohort}:${m}`}
                      style={{
                        ...cell,
                        background: v === null ? "transparent" : `rgba(0, 91, 211, ${0.08 + 0.8 * intensity})`,
                        color: textOn(v === null ? 0 : 0.08 + 0.8 * intensity),
                      }}
                    >
                      {v === null ? "" : formatPercent(v, 0)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </BlockStack>
  );
}
