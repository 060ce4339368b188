import { BlockStack, Box, Text } from "@shopify/polaris";
import { formatCount, formatPercent } from "./format";

export interface CohortHeatmapProps {
  cohorts: Array<{ cohort: string; customers: number; retention: Array<number | null> }>;
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
      <Box overflowX="scroll">
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
                        color: intensity > 0.55 ? "#fff" : "#303030",
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
      </Box>
    </BlockStack>
  );
}
