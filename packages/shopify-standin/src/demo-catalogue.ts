/**
 * The demo shop's catalogue ("Bean & Leaf", a coffee and tea shop) and its shoppers' habits, as data.
 *
 * - Products: durables (machines, grinders, brewers, teaware) bought once; consumables (beans, filters,
 *   tea, cleaning, syrups) with a supply cycle in days, bought again when they run out; semi-durables
 *   (mugs, cups) bought now and then. `weight` is the product's popularity within its group.
 * - Personas: how a kind of shopper buys. `main` is the product that starts the hobby (an espresso
 *   machine), `kit` the complements bought with it or on later orders (grinder, tamper, milk jug), each
 *   wanted with probability `p`; `consumables` the groups the shopper re-buys, `afterMain` ones only once
 *   the main product is owned (cleaning tablets after the machine).
 * Used by demo-shop.ts; a separate file only to keep the simulation readable.
 */
export type Kind = "durable" | "consumable" | "semi";

export interface ProductSpec {
  handle: string;
  title: string;
  productType: string;
  vendor: string;
  kind: Kind;
  price: number;
  /** Variant label and price multiplier; the first is the default. Consumable sizes also scale the cycle. */
  variants?: Array<[label: string, priceFactor: number, cycleFactor?: number]>;
  /** Supply cycle in days (consumables). */
  cycleDays?: number;
  /** Popularity within its group (default 1). */
  weight?: number;
  /** Life cycle: launched part-way through the history (0..1 of it), archived after, or a draft. */
  launchedAt?: number;
  archivedAt?: number;
  draft?: boolean;
  /** Every variant sold out now. */
  soldOut?: boolean;
}

const SIZES: ProductSpec["variants"] = [
  ["250 g", 1, 1],
  ["1 kg", 3.4, 4],
];
const COLOURS: ProductSpec["variants"] = [
  ["Stainless", 1],
  ["Black", 1.05],
];

/** A product of one kind; `extra` adds variants, weight, life cycle. */
const product =
  (kind: Kind) =>
  (
    handle: string,
    title: string,
    productType: string,
    vendor: string,
    price: number,
    extra: Partial<ProductSpec> = {},
  ): ProductSpec => ({
    handle,
    title,
    productType,
    vendor,
    kind,
    price,
    ...extra,
  });
const d = product("durable");
const s = product("semi");
const c = (
  handle: string,
  title: string,
  productType: string,
  vendor: string,
  price: number,
  cycleDays: number,
  extra: Partial<ProductSpec> = {},
) => product("consumable")(handle, title, productType, vendor, price, { cycleDays, ...extra });

const bean = (handle: string, title: string, price: number, weight: number, extra: Partial<ProductSpec> = {}) =>
  c(handle, title, "Coffee Beans", "Bean & Leaf Roastery", price, 24, { variants: SIZES, weight, ...extra });
const tea = (handle: string, title: string, price: number, weight: number, extra: Partial<ProductSpec> = {}) =>
  c(handle, title, "Tea", "Leaf Lane", price, 35, {
    variants: [
      ["100 g", 1, 1],
      ["500 g", 4.2, 5],
    ],
    weight,
    ...extra,
  });

export const CATALOGUE: ProductSpec[] = [
  // Espresso machines (durable)
  d("aurelia-home-espresso-machine", "Aurelia Home Espresso Machine", "Espresso Machines", "Aurelia", 549, {
    variants: COLOURS,
    weight: 3,
  }),
  d("milano-pro-dual-boiler", "Milano Pro Dual Boiler", "Espresso Machines", "Milano", 1290, { weight: 1 }),
  d("piccolo-single-boiler", "Piccolo Single Boiler", "Espresso Machines", "Piccolo", 399, {
    variants: COLOURS,
    weight: 3,
  }),
  d("leva-lever-espresso-machine", "Leva Lever Espresso Machine", "Espresso Machines", "Leva", 890, {
    weight: 0.7,
    soldOut: true,
  }),
  d("barista-compact", "Barista Compact Espresso Machine", "Espresso Machines", "Aurelia", 329, { weight: 3 }),
  d("nova-heat-exchanger", "Nova Heat-Exchanger Espresso Machine", "Espresso Machines", "Nova", 1090, {
    weight: 1,
    launchedAt: 0.35,
  }),
  d("vintage-series-1", "Vintage Series 1 Espresso Machine", "Espresso Machines", "Milano", 459, {
    weight: 2,
    archivedAt: 0.4,
  }),
  d("smart-espresso-machine", "Smart Espresso Machine (coming soon)", "Espresso Machines", "Nova", 799, {
    draft: true,
  }),
  // Grinders (durable)
  d("conical-burr-grinder", "Conical Burr Grinder", "Grinders", "Mahl", 189, { weight: 3 }),
  d("flat-burr-espresso-grinder", "Flat Burr Espresso Grinder", "Grinders", "Mahl", 429, { weight: 2 }),
  d("single-dose-grinder", "Single-Dose Grinder", "Grinders", "Nova", 349, { weight: 1.5, launchedAt: 0.2 }),
  d("hand-grinder", "Hand Grinder", "Grinders", "Mahl", 99, { weight: 3 }),
  d("blade-grinder", "Blade Grinder", "Grinders", "Kitchenette", 29, { weight: 1 }),
  d("commercial-grinder", "Commercial Grinder", "Grinders", "Mahl", 790, { weight: 0.3, soldOut: true }),
  // Espresso accessories (durable)
  d("calibrated-tamper", "Calibrated Tamper 58 mm", "Espresso Accessories", "Bean & Leaf", 39, { weight: 3 }),
  d("milk-jug", "Milk Jug 600 ml", "Espresso Accessories", "Bean & Leaf", 24, { variants: COLOURS, weight: 3 }),
  d("knock-box", "Knock Box", "Espresso Accessories", "Bean & Leaf", 29, { weight: 2 }),
  d("distribution-tool", "Distribution Tool", "Espresso Accessories", "Bean & Leaf", 35, { weight: 1.5 }),
  d("bottomless-portafilter", "Bottomless Portafilter", "Espresso Accessories", "Milano", 69, { weight: 1 }),
  d("dosing-funnel", "Dosing Funnel", "Espresso Accessories", "Bean & Leaf", 19, { weight: 1.5 }),
  c("puck-screens", "Puck Screens (2-pack)", "Espresso Accessories", "Bean & Leaf", 15, 150, { weight: 1 }),
  d("tamping-mat", "Tamping Mat", "Espresso Accessories", "Bean & Leaf", 17, { weight: 1.5 }),
  // Coffee beans (consumable): espresso roasts, filter single origins, ground coffee
  bean("lucerna-espresso-blend", "Lucerna Espresso Blend", 16, 5),
  bean("volcano-dark-roast", "Volcano Dark Roast", 15, 3),
  bean("milk-chocolate-espresso", "Milk Chocolate Espresso", 17, 3),
  bean("decaf-espresso", "Decaf Espresso (Swiss Water)", 17, 1),
  bean("brazil-cerrado-espresso", "Brazil Cerrado Espresso", 14, 2.5),
  bean("seasonal-espresso", "Seasonal Espresso", 18, 2, { launchedAt: 0.5 }),
  bean("holiday-blend-2024", "Holiday Blend 2024", 19, 1.5, { archivedAt: 0.3 }),
  bean("ethiopia-yirgacheffe", "Ethiopia Yirgacheffe", 19, 5),
  bean("kenya-aa", "Kenya AA Kiambu", 21, 3),
  bean("colombia-huila", "Colombia Huila", 17, 4),
  bean("guatemala-antigua", "Guatemala Antigua", 17, 2.5),
  bean("rwanda-nyamasheke", "Rwanda Nyamasheke", 20, 1.5),
  bean("costa-rica-tarrazu", "Costa Rica Tarrazú", 18, 2),
  bean("sumatra-mandheling", "Sumatra Mandheling", 17, 1.5),
  bean("burundi-kayanza", "Burundi Kayanza", 20, 1, { launchedAt: 0.6 }),
  bean("panama-geisha", "Panama Geisha", 48, 0.5, { variants: [["100 g", 1, 1]], soldOut: true }),
  c("house-blend-ground", "House Blend, Ground", "Ground Coffee", "Bean & Leaf Roastery", 11, 21, {
    weight: 4,
    variants: [
      ["250 g", 1, 1],
      ["500 g", 1.8, 2],
    ],
  }),
  c("breakfast-blend-ground", "Breakfast Blend, Ground", "Ground Coffee", "Bean & Leaf Roastery", 11, 21, {
    weight: 2.5,
  }),
  c("decaf-ground", "Decaf, Ground", "Ground Coffee", "Bean & Leaf Roastery", 12, 28, { weight: 1 }),
  c("cold-brew-blend", "Cold Brew Blend, Coarse", "Ground Coffee", "Bean & Leaf Roastery", 13, 28, { weight: 1.5 }),
  // Brewers (durable)
  d("ceramic-dripper", "Ceramic Dripper 02", "Brewers", "Kaze", 25, {
    variants: [
      ["White", 1],
      ["Black", 1],
    ],
    weight: 4,
  }),
  d("glass-pour-over-maker", "Glass Pour-Over Maker 6 cup", "Brewers", "Kaze", 49, { weight: 2 }),
  d("press-brewer", "Press Brewer", "Brewers", "Kitchenette", 39, { weight: 3 }),
  d("french-press", "French Press 1 l", "Brewers", "Kitchenette", 45, { weight: 3 }),
  d("cold-brew-maker", "Cold Brew Maker", "Brewers", "Kitchenette", 39, { weight: 1.5 }),
  d("glass-carafe", "Glass Server 600 ml", "Brewers", "Kaze", 29, { weight: 2 }),
  d("gooseneck-kettle", "Gooseneck Kettle", "Kettles", "Kaze", 79, { weight: 2 }),
  d("electric-gooseneck-kettle", "Electric Gooseneck Kettle", "Kettles", "Kaze", 149, { weight: 2.5 }),
  d("tea-kettle", "Stovetop Tea Kettle", "Kettles", "Leaf Lane", 69, { weight: 1 }),
  d("coffee-scale", "Coffee Scale with Timer", "Scales", "Grams", 59, { weight: 3 }),
  d("precision-scale", "Precision Espresso Scale", "Scales", "Grams", 129, { weight: 1 }),
  // Filters (consumable)
  c("paper-filters-02", "Paper Filters 02 (100)", "Filters", "Kaze", 8, 60, { weight: 4 }),
  c("glass-maker-filters", "Bonded Filters for the Glass Maker (100)", "Filters", "Kaze", 12, 75, { weight: 2 }),
  c("press-brewer-filters", "Micro Filters for the Press Brewer (350)", "Filters", "Kitchenette", 6, 120, {
    weight: 2,
  }),
  c("cold-brew-bags", "Cold Brew Filter Bags (50)", "Filters", "Kitchenette", 9, 70, { weight: 1 }),
  // Cleaning (consumable)
  c("cleaning-tablets", "Espresso Cleaning Tablets", "Cleaning", "Purex", 14, 90, { weight: 3 }),
  c("descaler", "Descaler", "Cleaning", "Purex", 16, 120, { weight: 3 }),
  c("grinder-cleaner", "Grinder Cleaner Pellets", "Cleaning", "Purex", 12, 150, { weight: 1 }),
  c("milk-system-cleaner", "Milk System Cleaner", "Cleaning", "Purex", 11, 100, { weight: 1.5 }),
  d("group-head-brush", "Group Head Brush", "Cleaning", "Purex", 9, { weight: 1 }),
  // Tea (consumable)
  tea("sencha", "Sencha Fukamushi", 12, 3),
  tea("earl-grey", "Earl Grey Supreme", 9, 5),
  tea("english-breakfast", "English Breakfast", 8, 5),
  tea("jasmine-pearls", "Jasmine Pearls", 16, 2),
  tea("darjeeling-first-flush", "Darjeeling First Flush", 15, 1.5),
  tea("rooibos-vanilla", "Rooibos Vanilla", 8, 2.5),
  tea("chamomile", "Chamomile Blossoms", 7, 2),
  tea("masala-chai", "Masala Chai", 9, 3),
  tea("tieguanyin-oolong", "Tieguanyin Oolong", 14, 1),
  tea("ceremonial-matcha", "Ceremonial Matcha", 32, 2, {
    variants: [
      ["30 g", 1, 1],
      ["100 g", 3, 3.3],
    ],
  }),
  tea("peppermint", "Peppermint Leaves", 7, 2),
  tea("genmaicha", "Genmaicha", 10, 1),
  tea("yunnan-gold", "Yunnan Gold (coming soon)", 14, 1, { draft: true }),
  // Teaware (durable)
  d("glass-teapot", "Glass Teapot with Infuser", "Teaware", "Leaf Lane", 45, { weight: 3 }),
  d("infuser-mug", "Infuser Mug", "Teaware", "Leaf Lane", 22, { weight: 3 }),
  d("cast-iron-teapot", "Cast Iron Teapot", "Teaware", "Leaf Lane", 89, { weight: 1, soldOut: true }),
  d("matcha-whisk-set", "Matcha Whisk Set", "Teaware", "Leaf Lane", 35, { weight: 2 }),
  d("tea-canister", "Airtight Tea Canister", "Teaware", "Leaf Lane", 18, { weight: 2 }),
  d("tea-strainer", "Tea Strainer", "Teaware", "Leaf Lane", 9, { weight: 2 }),
  c("matcha-whisk-refill", "Bamboo Whisk (refill)", "Teaware", "Leaf Lane", 19, 180, { weight: 1 }),
  // Mugs and cups (semi-durable)
  s("ceramic-mug", "Ceramic Mug 350 ml", "Mugs & Cups", "Bean & Leaf", 18, {
    variants: [
      ["Sand", 1],
      ["Slate", 1],
      ["Moss", 1],
    ],
    weight: 4,
  }),
  s("espresso-cups", "Espresso Cups (set of 2)", "Mugs & Cups", "Bean & Leaf", 28, { weight: 2 }),
  s("cappuccino-cups", "Cappuccino Cups (set of 2)", "Mugs & Cups", "Bean & Leaf", 30, { weight: 2 }),
  s("latte-glasses", "Double-Wall Latte Glasses (set of 2)", "Mugs & Cups", "Bean & Leaf", 24, { weight: 2 }),
  s("travel-mug", "Insulated Travel Mug", "Mugs & Cups", "Bean & Leaf", 29, {
    variants: [
      ["Black", 1],
      ["White", 1],
    ],
    weight: 3,
  }),
  s("enamel-camp-mug", "Enamel Camp Mug", "Mugs & Cups", "Bean & Leaf", 16, { weight: 1.5 }),
  s("reusable-cup", "Reusable Glass Cup", "Mugs & Cups", "Bean & Leaf", 25, { weight: 1.5 }),
  s("teacups", "Porcelain Teacups (set of 2)", "Mugs & Cups", "Leaf Lane", 26, { weight: 1.5 }),
  // Syrups and extras (consumable)
  c("vanilla-syrup", "Vanilla Syrup", "Syrups & Extras", "Sweet Drop", 9, 40, { weight: 3 }),
  c("caramel-syrup", "Caramel Syrup", "Syrups & Extras", "Sweet Drop", 9, 40, { weight: 3 }),
  c("hazelnut-syrup", "Hazelnut Syrup", "Syrups & Extras", "Sweet Drop", 9, 40, { weight: 2 }),
  c("pumpkin-spice-syrup", "Pumpkin Spice Syrup (limited)", "Syrups & Extras", "Sweet Drop", 10, 40, {
    weight: 1,
    archivedAt: 0.55,
  }),
  c("drinking-chocolate", "Drinking Chocolate", "Syrups & Extras", "Sweet Drop", 12, 35, { weight: 2.5 }),
  c("oat-barista-milk", "Oat Barista Milk (6-pack)", "Syrups & Extras", "Oatly Farm", 19, 14, { weight: 2.5 }),
  c("almond-biscotti", "Almond Biscotti", "Syrups & Extras", "Sweet Drop", 8, 20, { weight: 2 }),
  // Books and gifts (durable)
  d("home-barista-handbook", "The Home Barista Handbook", "Books", "Bean & Leaf", 29, { weight: 1 }),
  d("tea-atlas", "The Tea Atlas", "Books", "Leaf Lane", 32, { weight: 0.7 }),
  d("coffee-gift-box", "Coffee Discovery Gift Box", "Gifts", "Bean & Leaf", 49, { weight: 2 }),
  d("tea-gift-box", "Tea Tasting Gift Box", "Gifts", "Leaf Lane", 45, { weight: 1.5 }),
];

/** A group of alternative products; the shopper picks one by weight. */
export type Group = string[];

export interface PersonaSpec {
  name: string;
  /** Share of shoppers with this persona as their main one. */
  share: number;
  main: Group;
  kit: Array<{ group: Group; p: number }>;
  consumables: Array<{ group: Group; p: number; afterMain?: boolean; favourites?: number }>;
  /** Chance that a restock of a favourite becomes another product of its group (trying a new origin). */
  rotation: number;
}

const ESPRESSO_BEANS: Group = [
  "lucerna-espresso-blend",
  "volcano-dark-roast",
  "milk-chocolate-espresso",
  "decaf-espresso",
  "brazil-cerrado-espresso",
  "seasonal-espresso",
  "holiday-blend-2024",
];
const FILTER_BEANS: Group = [
  "ethiopia-yirgacheffe",
  "kenya-aa",
  "colombia-huila",
  "guatemala-antigua",
  "rwanda-nyamasheke",
  "costa-rica-tarrazu",
  "sumatra-mandheling",
  "burundi-kayanza",
  "panama-geisha",
];
const TEAS: Group = [
  "sencha",
  "earl-grey",
  "english-breakfast",
  "jasmine-pearls",
  "darjeeling-first-flush",
  "rooibos-vanilla",
  "chamomile",
  "masala-chai",
  "tieguanyin-oolong",
  "peppermint",
  "genmaicha",
];
const SYRUPS: Group = ["vanilla-syrup", "caramel-syrup", "hazelnut-syrup", "pumpkin-spice-syrup"];

export const PERSONAS: PersonaSpec[] = [
  {
    name: "espresso",
    rotation: 0.15,
    share: 0.32,
    main: [
      "aurelia-home-espresso-machine",
      "milano-pro-dual-boiler",
      "piccolo-single-boiler",
      "leva-lever-espresso-machine",
      "barista-compact",
      "nova-heat-exchanger",
      "vintage-series-1",
    ],
    kit: [
      {
        group: ["conical-burr-grinder", "flat-burr-espresso-grinder", "single-dose-grinder", "commercial-grinder"],
        p: 0.7,
      },
      { group: ["calibrated-tamper"], p: 0.65 },
      { group: ["milk-jug"], p: 0.55 },
      { group: ["knock-box"], p: 0.4 },
      { group: ["tamping-mat"], p: 0.25 },
      { group: ["distribution-tool", "dosing-funnel"], p: 0.3 },
      { group: ["precision-scale", "coffee-scale"], p: 0.3 },
      { group: ["cappuccino-cups", "espresso-cups", "latte-glasses"], p: 0.35 },
      { group: ["bottomless-portafilter"], p: 0.15 },
      { group: ["group-head-brush"], p: 0.25 },
      { group: ["home-barista-handbook"], p: 0.1 },
    ],
    consumables: [
      { group: ESPRESSO_BEANS, p: 1, favourites: 2 },
      { group: ["cleaning-tablets"], p: 0.55, afterMain: true },
      { group: ["descaler"], p: 0.45, afterMain: true },
      { group: ["milk-system-cleaner"], p: 0.2, afterMain: true },
      { group: ["oat-barista-milk"], p: 0.25 },
      { group: SYRUPS, p: 0.15 },
      { group: ["puck-screens"], p: 0.1, afterMain: true },
    ],
  },
  {
    name: "filter",
    rotation: 0.35,
    share: 0.26,
    main: ["ceramic-dripper", "glass-pour-over-maker", "press-brewer", "french-press", "cold-brew-maker"],
    kit: [
      { group: ["electric-gooseneck-kettle", "gooseneck-kettle"], p: 0.55 },
      { group: ["coffee-scale"], p: 0.5 },
      { group: ["hand-grinder", "conical-burr-grinder"], p: 0.5 },
      { group: ["glass-carafe"], p: 0.35 },
      { group: ["ceramic-mug", "enamel-camp-mug", "travel-mug"], p: 0.3 },
      { group: ["coffee-gift-box"], p: 0.05 },
    ],
    consumables: [
      { group: FILTER_BEANS, p: 1, favourites: 3 },
      // The filters that fit the brewer are added by the simulation (see BREWER_FILTERS).
      { group: ["cold-brew-blend"], p: 0.1 },
    ],
  },
  {
    name: "tea",
    rotation: 0.25,
    share: 0.22,
    main: ["glass-teapot", "infuser-mug", "cast-iron-teapot", "matcha-whisk-set"],
    kit: [
      { group: ["tea-canister"], p: 0.45 },
      { group: ["tea-kettle", "electric-gooseneck-kettle"], p: 0.3 },
      { group: ["tea-strainer"], p: 0.35 },
      { group: ["teacups"], p: 0.3 },
      { group: ["tea-atlas"], p: 0.1 },
      { group: ["tea-gift-box"], p: 0.05 },
    ],
    consumables: [
      { group: TEAS, p: 1, favourites: 3 },
      { group: ["ceremonial-matcha"], p: 0.2 },
      { group: ["chamomile", "peppermint"], p: 0.1 },
    ],
  },
  {
    name: "everyday",
    rotation: 0.05,
    share: 0.2,
    main: ["french-press", "blade-grinder", "ceramic-mug", "travel-mug"],
    kit: [
      { group: ["travel-mug", "reusable-cup", "ceramic-mug"], p: 0.3 },
      { group: ["coffee-gift-box", "tea-gift-box"], p: 0.08 },
    ],
    consumables: [
      { group: ["house-blend-ground", "breakfast-blend-ground", "decaf-ground"], p: 1, favourites: 1 },
      { group: ["vanilla-syrup", "caramel-syrup", "hazelnut-syrup", "pumpkin-spice-syrup"], p: 0.45 },
      { group: ["drinking-chocolate"], p: 0.35 },
      { group: ["almond-biscotti"], p: 0.3 },
      { group: ["oat-barista-milk"], p: 0.2 },
    ],
  },
];

/** Brewers that need their own filters (the filters become a consumable once the brewer is owned). */
export const BREWER_FILTERS: Record<string, string> = {
  "ceramic-dripper": "paper-filters-02",
  "glass-pour-over-maker": "glass-maker-filters",
  "press-brewer": "press-brewer-filters",
  "cold-brew-maker": "cold-brew-bags",
};
/** Fake names for the generated customers (the stand-in plays Shopify; the app never stores them). */
export const FIRST_NAMES = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Ava",
  "Oliver",
  "Sophia",
  "Elijah",
  "Isabella",
  "Lucas",
  "Mia",
  "Mateo",
  "Amelia",
  "Levi",
  "Harper",
  "Ethan",
  "Evelyn",
  "James",
  "Luna",
  "Leo",
  "Aiko",
  "Kenji",
  "Priya",
  "Arjun",
  "Fatima",
  "Omar",
  "Chloe",
  "Hugo",
  "Léa",
  "Jonas",
  "Sofia",
  "Marco",
  "Ingrid",
  "Lars",
  "Zara",
  "Kwame",
  "Amara",
  "Diego",
  "Lucia",
  "Mei",
  "Wei",
  "Hana",
  "Yusuf",
  "Nora",
  "Felix",
  "Clara",
  "Anton",
  "Greta",
  "Rosa",
  "Tomás",
  "Ines",
  "Jakub",
  "Maja",
  "Sean",
  "Aoife",
  "Rafael",
  "Camila",
  "Ivan",
  "Elena",
  "Samir",
];
export const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Garcia",
  "Martinez",
  "Brown",
  "Davis",
  "Miller",
  "Wilson",
  "Moore",
  "Taylor",
  "Anderson",
  "Thomas",
  "Jackson",
  "White",
  "Harris",
  "Clark",
  "Lewis",
  "Walker",
  "Young",
  "King",
  "Nguyen",
  "Kim",
  "Patel",
  "Singh",
  "Khan",
  "Müller",
  "Schmidt",
  "Rossi",
  "Bianchi",
  "Dubois",
  "Lefebvre",
  "Novak",
  "Kowalski",
  "Jensen",
  "Larsen",
  "Okafor",
  "Mensah",
  "Silva",
  "Santos",
  "Costa",
  "Tanaka",
  "Sato",
  "Chen",
  "Wang",
  "Ali",
  "Haddad",
  "O'Brien",
  "Murphy",
  "Kelly",
  "Fischer",
  "Weber",
  "Hansen",
  "Berg",
  "Lindqvist",
  "Popescu",
  "Ivanova",
];
