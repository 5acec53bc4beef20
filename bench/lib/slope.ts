/**
 * The Theil–Sen slope through the points `[x, y]`: the median of the slopes between every two of
 * them. Unlike least squares, one reading off the line (memory taken in a step of a few MiB)
 * hardly moves it.
 */
export function slope(points: [number, number][]): number {
  const slopes = points.flatMap(([x1, y1], i) => points.slice(i + 1).map(([x2, y2]) => (y2 - y1) / (x2 - x1)));
  if (slopes.length === 0) return Number.NaN;
  slopes.sort((a, b) => a - b);
  const middle = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[middle]! : (slopes[middle - 1]! + slopes[middle]!) / 2;
}
