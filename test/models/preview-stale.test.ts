/**
 * The Settings page's preview is marked out of date (and Publish is off) once what it was computed from
 * moved on: a publish or an analysis after it, or another tag prefix or other kinds of tags.
 */
import { describe, expect, it } from "vitest";
import { previewOutOfDate } from "../../app/routes/app.settings/data.server";
import type { PreviewView } from "../../app/routes/app.settings/preview.server";

const at = "2026-12-01T10:00:00.000Z";
const preview: PreviewView = {
  id: "p1",
  status: "succeeded",
  startedAt: at,
  lines: [],
  prefix: "churnless",
  tagKinds: { segments: true, risk: true, clusters: false },
  running: null,
};
const settings = {
  tagPrefixChangedAt: null,
  lastPublishAt: new Date("2026-12-01T09:00:00Z"),
  lastAnalysisAt: new Date("2026-12-01T08:00:00Z"),
  tagPrefix: "churnless",
  tagSegments: true,
  tagRisk: true,
  tagClusters: false,
};

describe("previewOutOfDate", () => {
  it("is null while nothing moved since the preview", () => {
    expect(previewOutOfDate(settings, preview)).toBeNull();
    expect(previewOutOfDate(settings, null)).toBeNull();
    expect(previewOutOfDate(settings, { ...preview, status: "failed" })).toBeNull();
  });

  it("says why after a publish, an analysis, a new prefix or other tag kinds", () => {
    const later = new Date("2026-12-01T11:00:00Z");
    expect(previewOutOfDate({ ...settings, lastPublishAt: later }, preview)).toMatch(/published after this preview/);
    expect(previewOutOfDate({ ...settings, lastAnalysisAt: later }, preview)).toMatch(/analysed again/);
    expect(previewOutOfDate({ ...settings, tagPrefix: "vip" }, preview)).toMatch(/prefix changed to "vip"/);
    expect(previewOutOfDate({ ...settings, tagPrefixChangedAt: later }, preview)).toMatch(/prefix changed/);
    expect(previewOutOfDate({ ...settings, tagClusters: true }, preview)).toMatch(/kinds of tags/);
    // A preview recorded before the settings were kept is judged by the times alone.
    expect(
      previewOutOfDate({ ...settings, tagPrefix: "vip" }, { ...preview, prefix: null, tagKinds: null }),
    ).toBeNull();
  });
});
