/** The segments' view in the merchant's words: the retention play of a segment and its centroid. */
import { describe, expect, it } from "vitest";
import { centroidInWords, retentionPlay } from "../../../app/routes/app/segment-list.server";

describe("segments in words", () => {
  it("maps segments to retention plays", () => {
    expect(retentionPlay("champions")?.title).toBe("VIP perks");
    expect(retentionPlay("at_risk")?.title).toBe("Win-back offer");
    expect(retentionPlay("new_customers")?.title).toBe("Welcome series");
    expect(retentionPlay("potential_loyalists")?.title).toBe("Cross-sell");
    expect(retentionPlay("loyal")?.title).toBe("VIP perks");
    expect(retentionPlay("about_to_sleep")?.title).toBe("Win-back offer");
    expect(retentionPlay("zzz")).toBeNull();
  });

  it("describes a centroid", () => {
    expect(centroidInWords({ recencyDays: 20.4, frequency: 3.33, monetary: 290 }, "USD")).toBe(
      "last ordered 20 days ago, 3.3 orders, $290 spent",
    );
  });
});
