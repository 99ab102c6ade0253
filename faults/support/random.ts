/**
 * A small seeded generator (mulberry32). A fault run prints its seed; the same seed gives the same kill
 * schedule and the same mix of sales, so a run that found something can be replayed.
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One of the keys, chosen in proportion to its weight. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as [K, number][];
    let left = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, weight] of entries) {
      left -= weight;
      if (left < 0) return key;
    }
    const last = entries.at(-1);
    if (!last) throw new Error('weighted choice from nothing');
    return last[0];
  }

  /** n random hex digits, for client-made ids that a replay makes again. */
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i += 1) s += this.between(0, 15).toString(16);
    return s;
  }
}

/** The seed of one part of a run (its killer, its tills), so parts never share a sequence. */
export function derivedSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (const c of label) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h >>> 0;
}
