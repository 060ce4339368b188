import { lazy, Suspense } from "react";
import { SkeletonBodyText } from "@shopify/polaris";
import { ClientOnly } from "./ClientOnly";
import type { VizChartProps } from "./VizChart.client";

const VizChart = lazy(() => import("./VizChart.client"));

/**
 * A Polaris Viz chart, rendered only in the browser after mount (Polaris Viz crashes server rendering),
 * with a skeleton meanwhile and a plain-text summary for screen readers.
 */
export function Chart(props: VizChartProps & { height?: number; summary: string }) {
  const { height = 260, summary, ...chart } = props;
  const skeleton = <SkeletonBodyText lines={6} />;
  return (
    <div style={{ height, minWidth: 0 }} role="img" aria-label={summary} data-chart={chart.type}>
      <ClientOnly fallback={skeleton}>
        {() => (
          <Suspense fallback={skeleton}>
            <VizChart {...chart} />
          </Suspense>
        )}
      </ClientOnly>
    </div>
  );
}
