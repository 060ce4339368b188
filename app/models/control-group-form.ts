/**
 * The control-groups page's parameters (the URL's follow-up window and the forms' fields) as one zod
 * schema. The share is typed and shown as a percentage (10 means 10%); a value the page cannot use comes
 * back as a message for its field and nothing is changed.
 */
import { z } from "zod";
import { MAX_HOLDOUT_SHARE, MIN_HOLDOUT_SHARE } from "../analytics/experiments/holdout";

/** The follow-up windows the page offers, in days (PERIODS of holdouts.server.ts, repeated here for the client). */
export const UPLIFT_PERIODS = [30, 60, 90, 180] as const;
export const DEFAULT_UPLIFT_PERIOD = 90;
export const MIN_SHARE_PERCENT = Math.round(MIN_HOLDOUT_SHARE * 100);
export const MAX_SHARE_PERCENT = Math.round(MAX_HOLDOUT_SHARE * 100);
export const MAX_INCENTIVE_COST = 1_000_000;

const SHARE_MESSAGE = `Enter a share from ${MIN_SHARE_PERCENT} to ${MAX_SHARE_PERCENT}%`;
const COST_MESSAGE = `Enter a cost from 0 to ${MAX_INCENTIVE_COST.toLocaleString("en-US")}, or leave it empty`;

const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : v);
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const segment = z.preprocess(
  trimmed,
  z
    .string({ required_error: "Choose a segment" })
    .max(200, "Choose a segment")
    .regex(/^(rfm|cluster|risk):[\w.-]+$/, "Choose a segment"),
);

/** A percentage as typed (1 to 50); empty is refused, never read as the default. */
const sharePercent = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : trimmed(v)),
  z.coerce
    .number({ required_error: SHARE_MESSAGE, invalid_type_error: SHARE_MESSAGE })
    .finite(SHARE_MESSAGE)
    .min(MIN_SHARE_PERCENT, SHARE_MESSAGE)
    .max(MAX_SHARE_PERCENT, SHARE_MESSAGE),
);

/** The incentive's cost per treated customer; empty means none entered (null). */
const incentiveCost = z.preprocess(
  (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? null : trimmed(v)),
  z.coerce
    .number({ invalid_type_error: COST_MESSAGE })
    .finite(COST_MESSAGE)
    .min(0, COST_MESSAGE)
    .max(MAX_INCENTIVE_COST, COST_MESSAGE)
    .nullable(),
);

export const UpliftActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("on"), segment, share: sharePercent }),
    z.object({ intent: z.literal("off"), segment }),
    z.object({ intent: z.literal("cost"), segment, incentiveCost }),
  ],
  { errorMap: () => ({ message: "Choose what to do: turn on, turn off or save the cost" }) },
);
export type UpliftAction = z.infer<typeof UpliftActionSchema>;

const PERIOD_MESSAGE = `Follow customers for ${UPLIFT_PERIODS.join(", ")} days`;

export const UpliftQuerySchema = z.object({
  period: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: PERIOD_MESSAGE })
      .refine((n) => (UPLIFT_PERIODS as readonly number[]).includes(n), { message: PERIOD_MESSAGE })
      .default(DEFAULT_UPLIFT_PERIOD),
  ),
});

export type UpliftField = "intent" | "segment" | "share" | "incentiveCost";

export type UpliftActionReading =
  { ok: true; action: UpliftAction } | { ok: false; errors: Partial<Record<UpliftField, string>> };

/** The submitted form: the action to take, or a message per field that cannot be used. */
export function readUpliftAction(form: FormData | URLSearchParams): UpliftActionReading {
  const raw: Record<string, string> = {};
  for (const field of ["intent", "segment", "share", "incentiveCost"] as const) {
    const v = form.get(field);
    if (typeof v === "string") raw[field] = v;
  }
  const parsed = UpliftActionSchema.safeParse(raw);
  if (parsed.success) return { ok: true, action: parsed.data };
  const errors: Partial<Record<UpliftField, string>> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "intent") as UpliftField] ??= issue.message;
  return { ok: false, errors };
}

/** The URL's follow-up window: an unknown one is dropped (90 days) with its message. */
export function readUpliftQuery(params: URLSearchParams): { period: number; errors: { period?: string } } {
  const parsed = UpliftQuerySchema.safeParse({ period: params.get("period") ?? undefined });
  if (parsed.success) return { period: parsed.data.period, errors: {} };
  return { period: DEFAULT_UPLIFT_PERIOD, errors: { period: parsed.error.issues[0]?.message } };
}
