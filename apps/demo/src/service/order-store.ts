import { type Order, type OrderLine, orderTotal, SEED_ORDERS } from "./catalog";

// Created orders live only in the replica that took them (the demo has no database); the cap keeps a long
// traffic run from growing a replica's memory without bound.
const MAX_CREATED_ORDERS = 10_000;

export class OrderStore {
  readonly #orders = new Map<string, Order>(SEED_ORDERS.map((order) => [order.id, order]));
  #created = 0;

  constructor(private readonly instanceId: string) {}

  list(): Order[] {
    return [...this.#orders.values()];
  }

  get(id: string): Order | undefined {
    return this.#orders.get(id);
  }

  /** Ids carry the replica's instance id, so two replicas never hand out the same id. */
  create(userId: number, items: OrderLine[]): Order {
    this.#created++;
    const order: Order = {
      id: `ord_${this.instanceId}_${this.#created}`,
      userId,
      items,
      totalCents: orderTotal(items),
      currency: "EUR",
      status: "placed",
      createdAt: new Date().toISOString(),
    };
    this.#orders.set(order.id, order);
    if (this.#orders.size > SEED_ORDERS.length + MAX_CREATED_ORDERS) this.#evictOldestCreated();
    return order;
  }

  #evictOldestCreated(): void {
    const seedIds = new Set(SEED_ORDERS.map((order) => order.id));
    for (const id of this.#orders.keys()) {
      if (!seedIds.has(id)) {
        this.#orders.delete(id);
        return;
      }
    }
  }
}
