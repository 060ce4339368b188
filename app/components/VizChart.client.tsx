/**
 * Polaris Viz charts. Polaris Viz reads `navigator` and `window` and crashes server rendering, so this
 * module is only ever loaded in the browser, lazily, by <Chart> (Chart.tsx).
 */
import { BarChart, DonutChart, PolarisVizProvider } from "@shopify/polaris-viz";
import "@shopify/polaris-viz/build/esm/styles.css";

export interface VizChartProps {
  type: "bar" | "horizontal-bar" | "donut";
  /** One series per entry; each point is [label, value]. */
  series: Array<{ name: string; data: Array<{ key: string; value: number }> }>;
  money?: string;
}

export default function VizChart({ type, series, money }: VizChartProps) {
  const formatter = money
    ? (v: number | string | null) => new Intl.NumberFormat("en-US", { style: "currency", currency: money, maximumFractionDigits: 0 }).format(Number(v ?? 0))
    : (v: number | string | null) => new Intl.NumberFormat("en-US").format(Number(v ?? 0));
  const data = series.map((s) => ({ name: s.name, data: s.data.map((d) => ({ key: d.key, value: d.value })) }));
  return (
    <PolarisVizProvider>
      {type === "donut" ? (
        <DonutChart data={data} theme="Light" legendPosition="right" labelFormatter={formatter} />
      ) : (
        <BarChart
          data={data}
          theme="Light"
          direction={type === "horizontal-bar" ? "horizontal" : "vertical"}
          showLegend={false}
          xAxisOptions={type === "horizontal-bar" ? { labelFormatter: formatter } : {}}
          yAxisOptions={type === "bar" ? { labelFormatter: formatter } : {}}
        />
      )}
    </PolarisVizProvider>
  );
}
