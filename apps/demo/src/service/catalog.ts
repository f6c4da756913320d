// The shop's fixed data. Every replica builds the same data from the same seed, so any replica can answer for any
// user, product or seeded order, and the traffic generator can pick ids that exist.
import { createRng, pickSkewed, randomInt } from "../rng";

export interface User {
  id: number;
  name: string;
  email: string;
  country: string;
  tier: "free" | "premium" | "enterprise";
  createdAt: string;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  currency: "EUR";
  stock: number;
}

export interface OrderLine {
  productId: number;
  quantity: number;
  unitPriceCents: number;
}

export type OrderStatus = "placed" | "paid" | "shipped" | "delivered";

export interface Order {
  id: string;
  userId: number;
  items: OrderLine[];
  totalCents: number;
  currency: "EUR";
  status: OrderStatus;
  createdAt: string;
}

const CATALOG_SEED = 20_261_121;
const FIRST_NAMES = ["Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Radia"];
const LAST_NAMES = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Perlman"];
const COUNTRIES = ["FR", "DE", "NL", "ES", "IT", "SE", "PL", "IE"];
const TIERS = ["free", "free", "free", "premium", "premium", "enterprise"] as const;
const STATUSES: readonly OrderStatus[] = ["placed", "paid", "shipped", "delivered"];

const PRODUCT_ROWS: ReadonlyArray<readonly [name: string, category: string, priceCents: number]> = [
  ["Mechanical keyboard", "peripherals", 12_900],
  ["Wireless mouse", "peripherals", 3_900],
  ['27" monitor', "displays", 28_900],
  ["USB-C dock", "peripherals", 15_900],
  ["Noise-cancelling headphones", "audio", 24_900],
  ["Desk microphone", "audio", 8_900],
  ["Webcam 4K", "video", 11_900],
  ["Laptop stand", "furniture", 4_900],
  ["Standing desk", "furniture", 49_900],
  ["Ergonomic chair", "furniture", 39_900],
  ["NVMe SSD 2TB", "storage", 14_900],
  ["External HDD 4TB", "storage", 10_900],
  ["Travel router", "networking", 5_900],
  ["Mesh Wi-Fi kit", "networking", 22_900],
  ["Cat6 cable 5m", "networking", 900],
  ["Portable charger", "power", 3_400],
  ["GaN charger 100W", "power", 5_900],
  ["Smart plug", "power", 1_900],
  ['Portable monitor 15"', "displays", 19_900],
  ["Monitor arm", "furniture", 7_900],
  ["Bluetooth speaker", "audio", 6_900],
  ["Ring light", "video", 3_900],
  ["USB microphone arm", "audio", 2_900],
  ["SD card 256GB", "storage", 2_900],
];

function isoDay(offsetDays: number): string {
  return new Date(Date.UTC(2026, 0, 1) + offsetDays * 86_400_000).toISOString();
}

function buildUsers(): User[] {
  const rng = createRng(CATALOG_SEED);
  return Array.from({ length: 24 }, (_, index) => {
    const first = FIRST_NAMES[index % FIRST_NAMES.length] as string;
    const last = LAST_NAMES[(index * 3 + 1) % LAST_NAMES.length] as string;
    return {
      id: 1001 + index,
      name: `${first} ${last}`,
      email: `${first}.${last}.${1001 + index}@example.com`.toLowerCase(),
      country: COUNTRIES[randomInt(rng, 0, COUNTRIES.length - 1)] as string,
      tier: TIERS[randomInt(rng, 0, TIERS.length - 1)] as User["tier"],
      createdAt: isoDay(randomInt(rng, 0, 300)),
    };
  });
}

function buildProducts(): Product[] {
  const rng = createRng(CATALOG_SEED + 1);
  return PRODUCT_ROWS.map(([name, category, priceCents], index) => ({
    id: 5001 + index,
    sku: `SKU-${category.slice(0, 3).toUpperCase()}-${5001 + index}`,
    name,
    category,
    priceCents,
    currency: "EUR",
    stock: randomInt(rng, 0, 250),
  }));
}

export function orderTotal(items: readonly OrderLine[]): number {
  return items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
}

function buildSeedOrders(users: readonly User[], products: readonly Product[]): Order[] {
  const rng = createRng(CATALOG_SEED + 2);
  return Array.from({ length: 60 }, (_, index) => {
    const items = Array.from({ length: randomInt(rng, 1, 3) }, () => {
      const product = pickSkewed(rng, products);
      return { productId: product.id, quantity: randomInt(rng, 1, 3), unitPriceCents: product.priceCents };
    });
    return {
      id: `ord_${9001 + index}`,
      userId: pickSkewed(rng, users).id,
      items,
      totalCents: orderTotal(items),
      currency: "EUR",
      status: STATUSES[randomInt(rng, 0, STATUSES.length - 1)] as OrderStatus,
      createdAt: isoDay(300 + index),
    };
  });
}

export const USERS: readonly User[] = buildUsers();
export const PRODUCTS: readonly Product[] = buildProducts();
export const SEED_ORDERS: readonly Order[] = buildSeedOrders(USERS, PRODUCTS);
export const PRODUCT_CATEGORIES: readonly string[] = [
  ...new Set(PRODUCTS.map((product) => product.category)),
];
