import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slope } from './slope.ts';

describe('bench: Theil–Sen slope', () => {
  it('is the slope of points on a line', () => {
    assert.equal(slope([[0, 1], [1, 3], [2, 5], [4, 9]]), 2);
  });

  it('hardly moves when one reading jumps off the line, where least squares would', () => {
    const points: [number, number][] = [1, 2, 3, 4, 5, 6, 7, 8].map((x) => [x, 3 * x]);
    points[2] = [3, 3 * 3 + 20];
    assert.equal(slope(points), 3);
  });

  it('has no slope through fewer than two points', () => {
    assert.ok(Number.isNaN(slope([[1, 1]])));
  });
});
