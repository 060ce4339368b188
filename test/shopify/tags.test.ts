import { describe, expect, it } from "vitest";
import {
  APP_TAG_KINDS,
  MAX_TAG_LENGTH,
  MAX_TAGS_PER_CUSTOMER,
  appTag,
  applyTagDiff,
  countTagChanges,
  desiredTags,
  diffTags,
  isAppTag,
  parseAppTag,
  slugify,
  tagKey,
} from "../../app/shopify/tags";
import {
  LOOKALIKE_MERCHANT_TAGS,
  PREFIXED_MERCHANT_TAGS,
  int,
  mulberry32,
  pick,
  randomMerchantTag,
} from "../integration/publish/prng";

const PREFIX = "churnless";
const SEGMENTS = [
  "Champions",
  "Loyal customers",
  "At risk",
  "Can't lose them",
  "Hibernating",
  "new_customers",
  "Ünïcödé ségment",
  "日本",
];
const BANDS = ["low", "medium", "high"];
const CLUSTERS = ["lapsed-big-spenders", "one-time buyers", "regulars", "c3", "x".repeat(400)];
const ALL_ON = { tagPrefix: PREFIX, tagSegments: true, tagRisk: true, tagClusters: true };

/**
 * The ownership rule written out independently of the code under test (docs/tagging.md): the app owns a
 * tag only when, trimmed and lowercased, it is `<prefix>:<kind>` or starts with `<prefix>:<kind>:` for a
 * kind it writes. Used to generate merchant tags, never to judge the diff.
 */
function ownedBySpec(tag: string, prefix: string): boolean {
  const key = tag.trim().toLowerCase();
  const p = slugify(prefix);
  return ["risk", "segment", "cluster", "holdout", "due"].some(
    (kind) => key === `${p}:${kind}` || key.startsWith(`${p}:${kind}:`),
  );
}

describe("appTag", () => {
  it("slugs prefix and value: lowercase a-z0-9 and dashes, at most 255 characters", () => {
    expect(appTag("Churnless", "segment", "Can't lose them")).toBe("churnless:segment:can-t-lose-them");
    expect(appTag("churnless", "risk", "HIGH")).toBe("churnless:risk:high");
    expect(appTag("My App!", "cluster", "Lapsed big spenders")).toBe("my-app:cluster:lapsed-big-spenders");
    expect(appTag("churnless", "segment", "Ünïcödé ségment")).toBe("churnless:segment:unicode-segment");
    // Nothing sluggable left: a stable hash stands in.
    const cjk = appTag("churnless", "segment", "日本");
    expect(cjk).toMatch(/^churnless:segment:u-[0-9a-f]{8}$/);
    expect(appTag("churnless", "segment", "日本")).toBe(cjk);
    expect(appTag("churnless", "segment", "中国")).not.toBe(cjk);
    // Too long: cut with a hash suffix, different values stay different.
    const long1 = appTag("churnless", "cluster", "x".repeat(400));
    const long2 = appTag("churnless", "cluster", "x".repeat(399) + "y");
    expect(long1.length).toBeLessThanOrEqual(MAX_TAG_LENGTH);
    expect(long2.length).toBeLessThanOrEqual(MAX_TAG_LENGTH);
    expect(long1).not.toBe(long2);
    for (const t of [long1, long2, cjk]) expect(t.split(":")[2]).toMatch(/^[a-z0-9-]+$/);
  });

  it("refuses a prefix without letters or digits", () => {
    expect(() => appTag("!!!", "risk", "high")).toThrow(/must contain at least one letter or digit/);
    expect(() => diffTags([], ["churnless:risk:high"], "  ")).toThrow(/Tag prefix/);
  });

  it("slugify keeps only a-z, 0-9 and single inner dashes", () => {
    expect(slugify("  --Hello,   World!--  ")).toBe("hello-world");
    expect(slugify("a__b")).toBe("a-b");
  });
});

describe("ownership: which tags are the app's", () => {
  it("is case-insensitive on the prefix and requires the colon", () => {
    expect(isAppTag("churnless:risk:high", PREFIX)).toBe(true);
    expect(isAppTag("Churnless:Risk:High", PREFIX)).toBe(true);
    expect(isAppTag(" CHURNLESS:segment:x ", PREFIX)).toBe(true);
    expect(isAppTag("churnless:cluster", PREFIX)).toBe(true);
    for (const tag of LOOKALIKE_MERCHANT_TAGS) expect(isAppTag(tag, PREFIX), tag).toBe(false);
  });

  it("owns only the kinds it writes: other tags with the prefix are the merchant's", () => {
    expect(APP_TAG_KINDS).toEqual(expect.arrayContaining(["risk", "segment", "cluster"]));
    for (const tag of PREFIXED_MERCHANT_TAGS(PREFIX)) expect(isAppTag(tag, PREFIX), tag).toBe(false);
    expect(isAppTag("churnless:wholesale", PREFIX)).toBe(false);
    expect(isAppTag("vip:gold", "vip")).toBe(false);
    expect(isAppTag("VIP:Platinum", "vip")).toBe(false);
    expect(isAppTag("vip:risk:high", "vip")).toBe(true);
    // Undo with the prefix `vip` keeps the merchant's vip:gold and churnless:wholesale.
    expect(diffTags(["vip:gold", "vip:risk:high", "churnless:wholesale", "VIP:Segment:x"], [], "vip")).toEqual({
      add: [],
      remove: ["vip:risk:high", "VIP:Segment:x"],
    });
  });

  it("moves app tags from a former prefix and leaves the former prefix's merchant tags", () => {
    const d = diffTags(
      ["old:risk:low", "old:wholesale", "Old:Segment:x", "new:risk:high", "vip"],
      ["new:risk:high", "new:segment:x"],
      "new",
      { formerPrefixes: ["old"] },
    );
    expect(d).toEqual({ add: ["new:segment:x"], remove: ["old:risk:low", "Old:Segment:x"] });
  });

  it("parses kind and value of an app tag", () => {
    expect(parseAppTag("Churnless:Risk:High", PREFIX)).toEqual({ kind: "risk", value: "high" });
    expect(parseAppTag("churnless:weird:x", PREFIX)).toBeNull();
    expect(parseAppTag("churnless:wholesale", PREFIX)).toBeNull();
    expect(parseAppTag("vip", PREFIX)).toBeNull();
  });
});

describe("desiredTags", () => {
  it("gives risk, segment and cluster tags as the settings allow, risk first", () => {
    const score = { rfmSegment: "Champions", riskBand: "high", clusterKey: "lapsed-big-spenders" };
    expect(desiredTags(score, ALL_ON)).toEqual([
      "churnless:risk:high",
      "churnless:segment:champions",
      "churnless:cluster:lapsed-big-spenders",
    ]);
    expect(desiredTags(score, { ...ALL_ON, tagRisk: false, tagClusters: false })).toEqual([
      "churnless:segment:champions",
    ]);
    expect(desiredTags(score, { ...ALL_ON, tagPrefix: "Retain" })[0]).toBe("retain:risk:high");
    expect(desiredTags({ ...score, clusterKey: " " }, ALL_ON)).toHaveLength(2);
  });
});

describe("diffTags", () => {
  it("adds what is missing and removes only stale app tags", () => {
    const d = diffTags(
      ["VIP", "churnless:risk:low", "churnless", "Churnless-fan"],
      ["churnless:risk:high", "churnless:segment:champions"],
      PREFIX,
    );
    expect(d).toEqual({ add: ["churnless:risk:high", "churnless:segment:champions"], remove: ["churnless:risk:low"] });
  });

  it("treats a desired tag present in another case as present (Shopify tags ignore case)", () => {
    expect(diffTags(["Churnless:Risk:High"], ["churnless:risk:high"], PREFIX)).toEqual({ add: [], remove: [] });
  });

  it("removes every app tag when nothing is desired (undo)", () => {
    expect(diffTags(["b2b", "churnless:risk:low", "CHURNLESS:segment:x"], [], PREFIX)).toEqual({
      add: [],
      remove: ["churnless:risk:low", "CHURNLESS:segment:x"],
    });
  });

  it("reports a customer at 250 tags instead of failing, adding what fits", () => {
    const merchant = Array.from({ length: 249 }, (_, i) => `m${i}`);
    const d = diffTags(merchant, ["churnless:risk:high", "churnless:segment:champions"], PREFIX);
    expect(d.add).toEqual(["churnless:risk:high"]);
    expect(d.overLimit).toBe(true);
    expect(d.dropped).toEqual(["churnless:segment:champions"]);
    // Removing a stale app tag frees room for a new one.
    const d2 = diffTags([...merchant, "churnless:risk:low"], ["churnless:risk:high"], PREFIX);
    expect(d2).toEqual({ add: ["churnless:risk:high"], remove: ["churnless:risk:low"] });
  });

  it("refuses desired tags that are not app tags or are too long", () => {
    expect(() => diffTags([], ["vip"], PREFIX)).toThrow(/is not an app tag/);
    expect(() => diffTags([], ["churnless:wholesale"], PREFIX)).toThrow(/is not an app tag/);
    expect(() => diffTags([], ["churnless:risk:" + "a".repeat(260)], PREFIX)).toThrow(/longer than 255/);
  });

  it("counts customers gaining and losing each tag", () => {
    const counts = countTagChanges([
      { add: ["churnless:risk:high"], remove: ["churnless:risk:low"] },
      { add: ["churnless:risk:high"], remove: [] },
    ]);
    expect(counts).toEqual({
      "churnless:risk:high": { added: 2, removed: 0 },
      "churnless:risk:low": { added: 0, removed: 1 },
    });
  });
});

describe("property: random merchant tags are never removed or altered", () => {
  it("holds for 600 seeded random customers, including merchant tags that share the prefix", () => {
    const rand = mulberry32(20261124);
    let overLimitCases = 0;
    let prefixedMerchantTags = 0;
    for (let c = 0; c < 600; c++) {
      const prefix = rand() < 0.7 ? PREFIX : pick(rand, ["Churnless", "retain", "My App", "vip", "wholesale"]);
      // Merchant tags: unique by Shopify identity, as a real customer would have them.
      const merchantCount = rand() < 0.1 ? int(rand, 240, 250) : int(rand, 0, 12);
      const merchant: string[] = [];
      const seen = new Set<string>();
      while (merchant.length < merchantCount) {
        const t = merchant.length >= 30 ? `filler-${merchant.length}` : randomMerchantTag(rand, slugify(prefix));
        if (ownedBySpec(t, prefix) || seen.has(tagKey(t)) || !tagKey(t)) continue;
        seen.add(tagKey(t));
        merchant.push(t);
        if (tagKey(t).startsWith(`${slugify(prefix)}:`)) prefixedMerchantTags++;
      }
      // Stale app tags from an earlier publish, in random case.
      const stale: string[] = [];
      for (let i = int(rand, 0, 3); i > 0; i--) {
        const kind = pick(rand, ["risk", "segment", "cluster"] as const);
        const tag = appTag(
          prefix,
          kind,
          kind === "risk" ? pick(rand, BANDS) : kind === "segment" ? pick(rand, SEGMENTS) : pick(rand, CLUSTERS),
        );
        const spelled =
          rand() < 0.3 ? tag.toUpperCase() : rand() < 0.3 ? tag.replace(/^./, (ch) => ch.toUpperCase()) : tag;
        if (!stale.some((s) => tagKey(s) === tagKey(spelled))) stale.push(spelled);
      }
      const current = [...merchant, ...stale]
        .map((t) => [rand(), t] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, t]) => t)
        .slice(0, MAX_TAGS_PER_CUSTOMER);
      const settings = {
        tagPrefix: prefix,
        tagSegments: rand() < 0.9,
        tagRisk: rand() < 0.9,
        tagClusters: rand() < 0.7,
      };
      const desired =
        rand() < 0.1
          ? []
          : desiredTags(
              { rfmSegment: pick(rand, SEGMENTS), riskBand: pick(rand, BANDS), clusterKey: pick(rand, CLUSTERS) },
              settings,
            );

      const diff = diffTags(current, desired, prefix);
      const isMerchant = new Set(merchant);
      for (const t of diff.remove) expect(isMerchant.has(t), `removed merchant tag ${t}`).toBe(false);
      const after = applyTagDiff(current, diff);

      // Merchant tags: exactly as before, same spelling, same order.
      const merchantBefore = current.filter((t) => isMerchant.has(t));
      expect(after.filter((t) => isMerchant.has(t))).toEqual(merchantBefore);
      expect(after.length).toBeLessThanOrEqual(MAX_TAGS_PER_CUSTOMER);
      for (const t of diff.add) expect(t.length).toBeLessThanOrEqual(MAX_TAG_LENGTH);

      const appAfter = after
        .filter((t) => !isMerchant.has(t))
        .map(tagKey)
        .sort();
      if (diff.overLimit) {
        overLimitCases++;
        expect(after.length).toBe(MAX_TAGS_PER_CUSTOMER);
        expect([...appAfter, ...(diff.dropped ?? []).map(tagKey)].sort()).toEqual(desired.map(tagKey).sort());
      } else {
        expect(appAfter).toEqual([...new Set(desired.map(tagKey))].sort());
        // Unchanged re-run: nothing to write.
        expect(diffTags(after, desired, prefix)).toEqual({ add: [], remove: [] });
      }
    }
    expect(overLimitCases).toBeGreaterThan(0);
    // The run did exercise the case the ownership rule is about.
    expect(prefixedMerchantTags).toBeGreaterThan(100);
  });
});
