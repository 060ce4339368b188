import { Badge } from "@shopify/polaris";
import { formatProbability } from "./format";

export function RiskBadge({ band, probability }: { band: string; probability?: number }) {
  const tone = band === "high" ? "critical" : band === "medium" ? "warning" : "success";
  const label = `${band.charAt(0).toUpperCase()}${band.slice(1)} risk`;
  return <Badge tone={tone}>{probability === undefined ? label : `${label} ${formatProbability(probability)}`}</Badge>;
}
