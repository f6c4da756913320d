// Everything random in the demo (fault decisions, seeded data, the traffic mix) draws from this generator so that
// a run is repeatable from its seed. Mulberry32: tiny, fast, and good enough for simulation (not for secrets).

/** A function returning uniformly distributed numbers in [0, 1). */
export type Rng = () => number;

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit seed from a string (FNV-1a), so each replica gets its own but repeatable sequence. */
export function seedFromString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** An integer in [min, max], both inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/**
 * Picks from `items` with a skew towards the front (popular items are requested more often, as in real shops).
 * Squaring a uniform draw puts about 30% of picks in the first tenth of the list.
 */
export function pickSkewed<T>(rng: Rng, items: readonly T[]): T {
  const draw = rng();
  return items[Math.floor(draw * draw * items.length)] as T;
}
