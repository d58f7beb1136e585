/** Edit distance between two short strings (keys of a configuration file). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known name a typo most likely meant ("persns" → "persons"), so an error can say how to
 * fix it. Returns null when nothing is close enough to be a plausible typo.
 */
export function closestName(name: string, candidates: readonly string[]): string | null {
  const wanted = name.toLowerCase();
  let best: { candidate: string; score: number } | null = null;
  for (const candidate of candidates) {
    const score = distance(wanted, candidate.toLowerCase());
    if (best === null || score < best.score) best = { candidate, score };
  }
  if (best === null) return null;
  return best.score <= Math.max(1, Math.floor(best.candidate.length / 3)) ? best.candidate : null;
}
