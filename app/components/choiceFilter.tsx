import { ChoiceList, type FiltersProps } from "@shopify/polaris";

type FilterInterface = FiltersProps["filters"][number];

/** A pinned filter of a Polaris <Filters> bar that picks one of `choices`; `onChange` gets null when it is cleared. */
export function singleChoiceFilter({
  key,
  label,
  choices,
  selected,
  onChange,
}: {
  key: string;
  label: string;
  choices: Array<{ label: string; value: string }>;
  selected: string | undefined;
  onChange: (value: string | null) => void;
}): FilterInterface {
  return {
    key,
    label,
    pinned: true,
    filter: (
      <ChoiceList
        title={label}
        titleHidden
        choices={choices}
        selected={selected ? [selected] : []}
        onChange={(v) => onChange(v[0] ?? null)}
      />
    ),
    shortcut: true,
  };
}
