/*
 * A stand-in for Shopify's storefront Customer Privacy API (shopify.dev "Customer Privacy API"), for the
 * storefront test and the demo's storefront. Like the real one it is loaded with
 * window.Shopify.loadFeatures([{ name: "consent-tracking-api", version: "0.1" }], callback), then answers
 * analyticsProcessingAllowed(), marketingAllowed(), preferencesProcessingAllowed(), saleOfDataAllowed(),
 * shouldShowBanner() and currentVisitorConsent(), records setTrackingConsent({ analytics, marketing,
 * preferences, sale_of_data }, callback) and then dispatches `visitorConsentCollected` on document.
 *
 * The region comes from the script tag: data-consent-required="true" plays a shopper where the law asks
 * for consent first (nothing allowed until given), "false" one where processing is allowed unless refused.
 * The choice is kept in a cookie (standin_tracking_consent). With data-banner="true" it shows a banner.
 */
(() => {
  const script = document.currentScript;
  const required = !script || script.dataset.consentRequired !== "false";
  const COOKIE = "standin_tracking_consent";
  const stored = () => {
    const m = document.cookie.match(new RegExp(`(?:^|; )${COOKIE}=([^;]*)`));
    try {
      return m ? JSON.parse(decodeURIComponent(m[1])) : null;
    } catch {
      return null;
    }
  };
  const allowed = (key) => {
    const consent = stored();
    if (consent && typeof consent[key] === "boolean") return consent[key];
    return !required;
  };
  const yesNo = (key) => {
    const consent = stored();
    return consent && typeof consent[key] === "boolean" ? (consent[key] ? "yes" : "no") : "";
  };
  const api = {
    analyticsProcessingAllowed: () => allowed("analytics"),
    marketingAllowed: () => allowed("marketing"),
    preferencesProcessingAllowed: () => allowed("preferences"),
    saleOfDataAllowed: () => allowed("sale_of_data"),
    shouldShowBanner: () => required && !stored(),
    currentVisitorConsent: () => ({
      analytics: yesNo("analytics"),
      marketing: yesNo("marketing"),
      preferences: yesNo("preferences"),
      sale_of_data: yesNo("sale_of_data"),
    }),
    setTrackingConsent(consent, callback) {
      const value = {};
      for (const key of ["analytics", "marketing", "preferences", "sale_of_data"])
        if (typeof consent[key] === "boolean") value[key] = consent[key];
      document.cookie = `${COOKIE}=${encodeURIComponent(JSON.stringify(value))}; Path=/; SameSite=Lax`;
      setTimeout(() => {
        document.dispatchEvent(
          new CustomEvent("visitorConsentCollected", {
            detail: {
              analyticsAllowed: api.analyticsProcessingAllowed(),
              marketingAllowed: api.marketingAllowed(),
              preferencesAllowed: api.preferencesProcessingAllowed(),
              saleOfDataAllowed: api.saleOfDataAllowed(),
              firstPartyMarketingAllowed: api.marketingAllowed(),
              thirdPartyMarketingAllowed: api.marketingAllowed(),
            },
          }),
        );
        if (typeof callback === "function") callback();
      }, 0);
    },
  };
  window.Shopify = window.Shopify || {};
  window.Shopify.loadFeatures = (features, callback) => {
    const unknown = (features || []).filter((f) => f.name !== "consent-tracking-api");
    setTimeout(() => {
      if (unknown.length) return callback(new Error(`unknown feature ${unknown[0].name}`));
      window.Shopify.customerPrivacy = api;
      callback();
    }, 10);
  };

  function banner() {
    if (!api.shouldShowBanner()) return;
    const box = document.createElement("section");
    box.className = "standin-consent-banner";
    box.setAttribute("aria-label", "Cookie consent");
    box.style.cssText =
      "position:fixed;left:1rem;right:1rem;bottom:1rem;padding:1rem;background:#fff;border:1px solid #888;" +
      "border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.2);z-index:10;font-family:sans-serif";
    box.innerHTML =
      "<p>This store uses cookies for analytics and marketing. Do you allow them?</p>" +
      '<button type="button" data-consent="accept">Accept</button> ' +
      '<button type="button" data-consent="decline">Decline</button>';
    box.addEventListener("click", (event) => {
      const choice = event.target.dataset && event.target.dataset.consent;
      if (!choice) return;
      const yes = choice === "accept";
      api.setTrackingConsent({ analytics: yes, marketing: yes, preferences: yes, sale_of_data: yes }, () =>
        box.remove(),
      );
    });
    document.body.appendChild(box);
  }
  if (script && script.dataset.banner === "true") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", banner);
    else banner();
  }
})();
