import { useEffect, useState } from "react";
import { BlockStack, TextField } from "@shopify/polaris";
import { singleChoiceFilter } from "../../components/choiceFilter";
import { RISK_CHOICES } from "./columns";

/** What the list's filters read and change: the address's values and how to change them. */
export interface ListFilterOptions {
  params: URLSearchParams;
  setParams: (changes: Record<string, string | null>, resetPage?: boolean) => void;
  segments: Array<{ label: string; value: string }>;
  query: { segment?: string; risk?: string; clvMin?: number; clvMax?: number };
  queryErrors: Record<string, string | undefined>;
  currency: string;
  money: (amount: number) => string;
}

/**
 * The list's filters (segment, risk band, predicted value) and the chips of those applied; typed values
 * (search, value bounds) reach the address after a pause.
 */
export function useListFilters(opts: ListFilterOptions) {
  const { params, setParams } = opts;
  // Typed values (search, CLV bounds) apply after a pause.
  const [search, setSearch] = useState(params.get("q") ?? "");
  const [clvMin, setClvMin] = useState(params.get("clvMin") ?? "");
  const [clvMax, setClvMax] = useState(params.get("clvMax") ?? "");
  useEffect(() => {
    const timer = setTimeout(() => {
      const changes: Record<string, string | null> = {};
      if ((params.get("clvMin") ?? "") !== clvMin) changes.clvMin = clvMin;
      if ((params.get("clvMax") ?? "") !== clvMax) changes.clvMax = clvMax;
      if ((params.get("q") ?? "") !== search.trim()) changes.q = search.trim();
      if (Object.keys(changes).length) setParams(changes);
    }, 500);
    return () => clearTimeout(timer);
  }, [clvMin, clvMax, search, params, setParams]);

  const segmentLabel = opts.segments.find((s) => s.value === opts.query.segment)?.label;
  const filters = [
    singleChoiceFilter({
      key: "segment",
      label: "Segment",
      choices: opts.segments.map((s) => ({ label: s.label, value: s.value })),
      selected: opts.query.segment,
      onChange: (segment) => opts.setParams({ segment }),
    }),
    singleChoiceFilter({
      key: "risk",
      label: "Risk band",
      choices: RISK_CHOICES,
      selected: opts.query.risk,
      onChange: (risk) => opts.setParams({ risk }),
    }),
    {
      key: "clv",
      label: "Predicted value",
      pinned: true,
      filter: (
        <BlockStack gap="200">
          <TextField
            label="At least"
            type="number"
            value={clvMin}
            onChange={setClvMin}
            autoComplete="off"
            prefix={opts.currency}
            name="clvMin"
            error={opts.queryErrors.clvMin}
          />
          <TextField
            label="At most"
            type="number"
            value={clvMax}
            onChange={setClvMax}
            autoComplete="off"
            prefix={opts.currency}
            name="clvMax"
            error={opts.queryErrors.clvMax}
          />
        </BlockStack>
      ),
      shortcut: true,
    },
  ];
  const appliedFilters = [
    ...(opts.query.segment
      ? [
          {
            key: "segment",
            label: segmentLabel ?? opts.query.segment,
            onRemove: () => opts.setParams({ segment: null }),
          },
        ]
      : []),
    ...(opts.query.risk
      ? [{ key: "risk", label: `Risk: ${opts.query.risk}`, onRemove: () => opts.setParams({ risk: null }) }]
      : []),
    ...(opts.query.clvMin !== undefined || opts.query.clvMax !== undefined
      ? [
          {
            key: "clv",
            label:
              `Value ${opts.query.clvMin !== undefined ? `≥ ${opts.money(opts.query.clvMin)}` : ""} ${opts.query.clvMax !== undefined ? `≤ ${opts.money(opts.query.clvMax)}` : ""}`.trim(),
            onRemove: () => {
              setClvMin("");
              setClvMax("");
              opts.setParams({ clvMin: null, clvMax: null });
            },
          },
        ]
      : []),
  ];

  return { search, setSearch, setClvMin, setClvMax, filters, appliedFilters };
}
