import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepLayouts, keptLayouts } from '../src/layouts.js';

test('keepLayouts keeps one object per prefix of each new layout, once', () => {
  const before = keptLayouts();
  keepLayouts({ zq1: 1, zq2: { zq3: true }, zq4: [{ zq5: 1, zq6: 2 }, { zq5: 3, zq6: 4 }] });
  // {zq1,zq2,zq4}: 3 prefixes; {zq3}: 1; {zq5,zq6}: 2, the second item adds none
  assert.equal(keptLayouts() - before, 6);
  keepLayouts({ zq1: 'again', zq2: { zq3: false }, zq4: [] });
  assert.equal(keptLayouts() - before, 6);
});

test('keepLayouts keeps layouts of objects with other prototypes apart', () => {
  class Thing {
    set zr1(v) {
      throw new Error('the setter must not run');
    }
  }
  const before = keptLayouts();
  keepLayouts({ zr1: 1 });
  keepLayouts(Object.create(Thing.prototype, { zr1: { value: 1, enumerable: true, writable: true, configurable: true } }));
  assert.equal(keptLayouts() - before, 2);
});
