/**
 * What a publish does, decided once from the options and the shop's settings (the three booleans of
 * PublishOptions come in, one of three modes goes out); every later step switches on `mode.kind`.
 *
 * - publish: tags, then Flow triggers, metafields and segments are written;
 * - preview: the same plan is computed and counted, nothing is written (not even the journal);
 * - remove-all: the merchant's undo: every app tag, app metafield and app segment goes.
 */
import { normalizePrefix } from "../../shopify/tags";

export type Mode =
  | { kind: "publish" }
  | {
      kind: "preview";
      /**
       * asked: the caller asked for a preview; auto-tag-off: auto-tagging is off and nobody forced a
       * publish; prefix-move-unseen: the prefix changed and the merchant has not seen a preview since.
       */
      reason: "asked" | "auto-tag-off" | "prefix-move-unseen";
    }
  | { kind: "remove-all" };

/** The mode's name in the report (and in the details of its SyncRun). */
export type PublishMode = Mode["kind"];

/** SyncRun kinds match the job kinds the UI labels: publish, preview, remove-tags. */
export type PublishRunKind = "publish" | "preview" | "remove-tags";

/** The settings a publish's mode and prefixes depend on. */
export interface ModeSettings {
  tagPrefix: string;
  previousTagPrefix: string | null;
  previewSeenAt: Date | null;
  tagPrefixChangedAt: Date | null;
  autoTag: boolean;
}

export interface ResolvedPublish {
  mode: Mode;
  /** The prefix the app's tags get. */
  prefix: string;
  /** The prefix the app's tags still carry after the merchant changed it, until a publish moves them. */
  formerPrefix: string | null;
}

export function resolvePublish(
  settings: ModeSettings,
  opts: { preview?: boolean; removeAll?: boolean; force?: boolean },
): ResolvedPublish {
  const prefix = normalizePrefix(settings.tagPrefix);
  const previous = settings.previousTagPrefix ? normalizePrefix(settings.previousTagPrefix) : null;
  const formerPrefix = previous && previous !== prefix ? previous : null;
  return { mode: modeOf(settings, opts, formerPrefix !== null), prefix, formerPrefix };
}

function modeOf(
  settings: ModeSettings,
  opts: { preview?: boolean; removeAll?: boolean; force?: boolean },
  prefixChanged: boolean,
): Mode {
  // The undo always writes, whatever auto-tag and the prefix say.
  if (opts.removeAll) return { kind: "remove-all" };
  // A changed prefix: moving the app's tags needs a preview the merchant saw after the change (docs/tagging.md).
  const moveSeen =
    !!settings.previewSeenAt && !!settings.tagPrefixChangedAt && settings.previewSeenAt >= settings.tagPrefixChangedAt;
  if (prefixChanged && !moveSeen) return { kind: "preview", reason: opts.preview ? "asked" : "prefix-move-unseen" };
  // Auto-tag: without an explicit `preview`, a publish writes only when Shop.autoTag is on (or `force`).
  if (opts.preview === undefined)
    return settings.autoTag || opts.force ? { kind: "publish" } : { kind: "preview", reason: "auto-tag-off" };
  return opts.preview ? { kind: "preview", reason: "asked" } : { kind: "publish" };
}

export function runKindOf(mode: Mode): PublishRunKind {
  switch (mode.kind) {
    case "publish":
      return "publish";
    case "preview":
      return "preview";
    case "remove-all":
      return "remove-tags";
    default:
      return assertUnreachable(mode);
  }
}

/** Why a publish became a preview, in the merchant's words (none when a preview was asked for). */
export function noteOf(mode: Mode, prefix: string, formerPrefix: string | null): string | undefined {
  switch (mode.kind) {
    case "publish":
    case "remove-all":
      return undefined;
    case "preview":
      switch (mode.reason) {
        case "asked":
          return undefined;
        case "auto-tag-off":
          return "Auto-tagging is off: preview only (turn it on, or publish now, to write).";
        case "prefix-move-unseen":
          return (
            `The tag prefix changed from "${formerPrefix}" to "${prefix}": this run only previews moving the tags. ` +
            "Look at the preview, then publish."
          );
        default:
          return assertUnreachable(mode.reason);
      }
    default:
      return assertUnreachable(mode);
  }
}

export function assertUnreachable(x: never): never {
  throw new Error(`unknown publish mode ${JSON.stringify(x)}`);
}
