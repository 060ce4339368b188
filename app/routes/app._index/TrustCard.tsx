import { DataTable, Text } from "@shopify/polaris";
import { SectionCard } from "../../components/SectionCard";
import { countOf, formatCount, formatPercent, formatProbability } from "../../components/format";
import { TERMS } from "../../components/words";
import type { DashboardData } from "./types";

/** How far to trust the predictions: the backtest on the shop's own past and the calibration curve. */
export function TrustCard({ d }: { d: DashboardData }) {
  return (
    <SectionCard title="How far to trust the predictions">
      {d.backtest ? (
        <>
          <Text as="p">{d.backtest.verdict}</Text>
          <Text as="p" variant="bodySm" tone="subdued">
            Backtest: the model was fitted on the history up to {d.analysis?.horizonDays ?? "the horizon in"} days ago
            and asked who would order again since. On {countOf(d.backtest.customers, "customer")} (those with history
            before then) it ranked them with an AUC of{" "}
            <span data-testid="backtest-auc">{d.backtest.auc?.toFixed(2)}</span>
            {d.backtest.recencyAuc !== null
              ? ` (days since last order alone: ${d.backtest.recencyAuc.toFixed(2)})`
              : ""}
            ; it predicted {formatProbability(d.backtest.meanPredicted, 1)} churn and{" "}
            {formatPercent(d.backtest.observedChurn)} happened.
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            {TERMS.auc}
          </Text>
          {d.backtest.ece !== null && (
            <Text as="p" variant="bodySm" tone="subdued">
              Calibration: the predicted chances were off by{" "}
              <span data-testid="backtest-ece">{(d.backtest.ece * 100).toFixed(1)}</span> percentage points on average.{" "}
              {TERMS.ece}
            </Text>
          )}
          {d.backtest.calibration.length > 0 && (
            <div data-testid="calibration-curve">
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                headings={["Predicted churn", "Customers", "Predicted on average", "Did not order"]}
                rows={d.backtest.calibration.map((b) => [
                  `${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%`,
                  formatCount(b.customers),
                  formatProbability(b.predicted, 1),
                  formatPercent(b.observed),
                ])}
              />
            </div>
          )}
        </>
      ) : (
        <Text as="p" tone="subdued">
          There is not enough history for a backtest yet.
        </Text>
      )}
    </SectionCard>
  );
}
