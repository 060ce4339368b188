/*
 * Churnless recommendations block: fills the block for anonymous shoppers, reports impressions and clicks.
 * No framework. Recommendations always show; impressions and clicks are reported only when the Customer
 * Privacy API (window.Shopify.customerPrivacy) allows analytics in the shopper's region, and a click marks
 * the cart for attribution only when it allows marketing too. Without the API, nothing is reported.
 */
(() => {
  if (customElements.get("churnless-recommendations")) return;

  const queue = [];
  let flushTimer = 0;
  let eventsUrl = "";
  const blocks = new Set();
  const randomId = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");

  // What the shopper allows (false until the Customer Privacy API says otherwise).
  const consent = { analytics: false, marketing: false };
  function readConsent(detail) {
    const privacy = window.Shopify && window.Shopify.customerPrivacy;
    if (privacy && typeof privacy.analyticsProcessingAllowed === "function") {
      consent.analytics = !!privacy.analyticsProcessingAllowed();
      consent.marketing =
        consent.analytics && typeof privacy.marketingAllowed === "function" && !!privacy.marketingAllowed();
    } else if (detail) {
      consent.analytics = !!detail.analyticsAllowed;
      consent.marketing = consent.analytics && !!detail.marketingAllowed;
    }
  }
  function consentChanged() {
    if (!consent.analytics) {
      queue.length = 0;
      return;
    }
    // Allowed now: what the blocks show counts from here on.
    blocks.forEach((block) => block.reportShown());
  }
  function loadConsent() {
    const shopify = window.Shopify;
    if (shopify && shopify.customerPrivacy) return readConsent();
    if (shopify && typeof shopify.loadFeatures === "function")
      shopify.loadFeatures([{ name: "consent-tracking-api", version: "0.1" }], (error) => {
        if (error) return;
        readConsent();
        consentChanged();
      });
  }
  // The shopper answered the consent banner (or changed their choice).
  document.addEventListener("visitorConsentCollected", (event) => {
    readConsent(event.detail);
    consentChanged();
  });
  loadConsent();

  // One id per browser session (no personal data), kept only with the shopper's consent: the app counts
  // a visit's impression of a product once, and its click once after it.
  let visit = "";
  function visitId() {
    if (visit) return visit;
    try {
      visit = sessionStorage.getItem("churnless-visit") || "";
      if (!visit) sessionStorage.setItem("churnless-visit", (visit = randomId()));
    } catch {
      visit = randomId(); // storage blocked: one id per page
    }
    return visit;
  }

  function flush() {
    clearTimeout(flushTimer);
    if (!queue.length || !eventsUrl || !consent.analytics) return;
    const visit = visitId();
    // One batch per placement (the template a block is on).
    const groups = new Map();
    for (const e of queue.splice(0, 200)) {
      if (!groups.has(e.placement)) groups.set(e.placement, []);
      groups.get(e.placement).push({ kind: e.kind, productId: e.productId });
    }
    groups.forEach((events, placement) => {
      const body = JSON.stringify(placement ? { visit, placement, events } : { visit, events });
      // A fresh nonce per request: the app refuses a signed request it has already received.
      const url = `${eventsUrl}?n=${randomId()}`;
      const sent = navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], { type: "text/plain" }));
      if (!sent)
        fetch(url, { method: "POST", body, keepalive: true, headers: { "Content-Type": "text/plain" } }).catch(
          () => {},
        );
    });
  }

  function track(kind, productId, placement, now) {
    // The theme editor's previews are not shoppers; nothing is reported without the shopper's consent.
    if (!productId || !consent.analytics || (window.Shopify && window.Shopify.designMode)) return;
    queue.push({ kind, productId: String(productId), placement });
    if (now || queue.length >= 50) flush();
    else if (!flushTimer)
      flushTimer = setTimeout(() => {
        flushTimer = 0;
        flush();
      }, 2000);
  }

  addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });

  function formatMoney(cents, format) {
    const tag = /\{\{\s*(\w+)\s*\}\}/;
    const kind = (format.match(tag) || [])[1] || "amount";
    const value = Number(cents) / 100;
    const fix = (digits, thousands, decimal) => {
      const [whole, frac] = value.toFixed(digits).split(".");
      return whole.replace(/\B(?=(\d{3})+(?!\d))/g, thousands) + (frac ? decimal + frac : "");
    };
    const amount = {
      amount_no_decimals: () => fix(0, ",", "."),
      amount_with_comma_separator: () => fix(2, ".", ","),
      amount_no_decimals_with_comma_separator: () => fix(0, ".", ","),
      amount_with_apostrophe_separator: () => fix(2, "'", "."),
    }[kind];
    return (format || "{{amount}}").replace(tag, amount ? amount() : fix(2, ",", "."));
  }

  function sizedImage(src, width) {
    if (!src) return "";
    const url = new URL(src, location.href);
    url.searchParams.set("width", String(width));
    return url.href;
  }

  class ChurnlessRecommendations extends HTMLElement {
    connectedCallback() {
      this.list = this.querySelector("[data-churnless-list]");
      this.status = this.querySelector("[data-churnless-status]");
      this.onClick = (event) => {
        const link = event.target.closest && event.target.closest("[data-churnless-click]");
        const item = link && link.closest("[data-product-id]");
        if (item) this.clicked(item.dataset.productId);
      };
      this.addEventListener("click", this.onClick);
      blocks.add(this);
      this.setupCarousel();
      eventsUrl = `${this.dataset.proxyUrl}/events`;
      this.controller = new AbortController();
      if (this.list.querySelector("[data-product-id]")) this.observe();
      else this.load().catch(() => this.empty());
    }

    disconnectedCallback() {
      this.removeEventListener("click", this.onClick);
      blocks.delete(this);
      if (this.controller) this.controller.abort();
      if (this.observer) this.observer.disconnect();
    }

    setupCarousel() {
      const controls = this.querySelector(".churnless-recs__controls");
      if (!controls || this.carouselReady) return;
      this.carouselReady = true;
      controls.hidden = false;
      const scroll = (direction) =>
        this.list.scrollBy({ left: direction * this.list.clientWidth * 0.9, behavior: "smooth" });
      this.querySelector("[data-churnless-prev]").addEventListener("click", () => scroll(-1));
      this.querySelector("[data-churnless-next]").addEventListener("click", () => scroll(1));
    }

    async getJson(url) {
      const response = await fetch(url, { headers: { Accept: "application/json" }, signal: this.controller.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    }

    async load() {
      const limit = Number(this.dataset.limit) || 4;
      const ids = (this.dataset.productIds || "").split(",").filter(Boolean);
      const query = new URLSearchParams({ limit: String(limit) });
      if (ids.length) query.set("product_id", ids.join(","));
      // The app's answer: ids and handles. An error (or a refused signature) shows nothing.
      const answer = await this.getJson(`${this.dataset.proxyUrl}/recommendations?${query}`);
      const handles = (answer.products || []).map((p) => p.handle).filter(Boolean);
      let products;
      if (handles.length) {
        const root = (this.dataset.rootUrl || "/").replace(/\/?$/, "/");
        const found = await Promise.all(
          handles.map((handle) => this.getJson(`${root}products/${encodeURIComponent(handle)}.js`).catch(() => null)),
        );
        products = found.filter((p) => p && p.available !== false);
      } else if (ids.length) {
        // The app has nothing for this page: Shopify's own product recommendations.
        const fallback = new URLSearchParams({ product_id: ids[0], limit: String(limit), intent: "related" });
        products = (await this.getJson(`${this.dataset.recsUrl}?${fallback}`)).products || [];
      } else {
        products = [];
      }
      this.render(products.slice(0, limit));
    }

    render(products) {
      if (!products.length) return this.empty();
      const template = this.querySelector("template[data-churnless-card]");
      const format = this.dataset.moneyFormat || "{{amount}}";
      const items = products.map((product) => {
        const item = template.content.firstElementChild.cloneNode(true);
        item.dataset.productId = product.id;
        const link = item.querySelector("a");
        link.href = product.url || `/products/${product.handle}`;
        const img = item.querySelector("img");
        const src = product.featured_image && (product.featured_image.src || product.featured_image);
        if (typeof src === "string" && src) {
          img.src = sizedImage(src, 360);
          img.alt = (product.featured_image && product.featured_image.alt) || "";
        } else {
          img.remove();
        }
        item.querySelector(".churnless-recs__title").textContent = product.title || "";
        const price = item.querySelector(".churnless-recs__price");
        if (price)
          price.textContent =
            product.available === false ? this.dataset.soldOutLabel : formatMoney(product.price, format);
        return item;
      });
      this.list.replaceChildren(...items);
      if (this.status) this.status.textContent = this.dataset.loadedLabel || "";
      this.observe();
    }

    empty() {
      if (this.list) this.list.replaceChildren();
      this.hidden = true;
    }

    observe() {
      this.shown = [...this.list.querySelectorAll("[data-product-id]")].map((item) => item.dataset.productId);
      this.reported = false;
      if (!("IntersectionObserver" in window)) return this.seen();
      this.observer = new IntersectionObserver((entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.observer.disconnect();
        this.seen();
      });
      this.observer.observe(this.list);
    }

    /** The products came into view: one impression each, once the shopper allows analytics. */
    seen() {
      this.inView = true;
      this.reportShown();
    }

    reportShown() {
      if (!this.inView || this.reported || !consent.analytics || !this.shown) return;
      this.reported = true;
      this.shown.forEach((id) => track("impression", id, this.placement()));
    }

    /** The template the block is on (product, cart, index...), as the app accepts it; "" if none. */
    placement() {
      const name = String(this.dataset.placement || "").toLowerCase();
      return /^[a-z0-9_-]{1,32}$/.test(name) ? name : "";
    }

    clicked(productId) {
      if (!consent.analytics) return;
      const placement = this.placement();
      track("click", productId, placement, true);
      // Marks the cart so an order placed after this click can be attributed (no personal data): the
      // attribute ties the click to the order, and so to the customer, so it needs marketing consent too.
      if (!consent.marketing) return;
      const root = (this.dataset.rootUrl || "/").replace(/\/?$/, "/");
      const value = `${String(productId).split("/").pop()}:${Math.floor(Date.now() / 1000)}${placement ? `:${placement}` : ""}`;
      fetch(`${root}cart/update.js`, {
        method: "POST",
        keepalive: true,
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ attributes: { _churnless_rec: value } }),
      }).catch(() => {});
    }
  }

  customElements.define("churnless-recommendations", ChurnlessRecommendations);
})();
