import { useState, type ReactNode } from "react";
import { TextField } from "@shopify/polaris";

export interface NumberFieldProps {
  label: string;
  /** The form field's name. */
  name: string;
  /** The saved value the field starts from; null shows an empty field. */
  initial: number | null;
  /** Empty means "let Churnless choose": the empty field says "Automatic". */
  automatic?: boolean;
  /** The empty field's words when `automatic` (e.g. "Automatic: 70 days now"). */
  automaticText?: string;
  helpText?: ReactNode;
  error?: string;
}

/** A number input of a settings form that keeps what the merchant types until the form is sent. */
export function NumberField({
  label,
  name,
  initial,
  automatic = false,
  automaticText = "Automatic",
  helpText,
  error,
}: NumberFieldProps) {
  const [value, setValue] = useState(initial?.toString() ?? "");
  return (
    <TextField
      label={label}
      name={name}
      type="number"
      value={value}
      onChange={setValue}
      placeholder={automatic ? automaticText : undefined}
      helpText={helpText}
      error={error}
      autoComplete="off"
    />
  );
}
