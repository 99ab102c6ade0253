export { SeededRandom } from '../../test/support/seeded-random.ts';

/** The seed of one part of a run (its killer, its tills), so parts never share a sequence. */
export function derivedSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (const c of label) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h >>> 0;
}
