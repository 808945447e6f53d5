// The sort V8 uses for Array.prototype.sort (TimSort: runs, binary
// insertion sort, merges with galloping), so that nodes whose comparison is
// not a consistent order (values of mixed types, missing fields) put items in
// exactly the order n8n does. The engine's own sort is stable too, but
// orders such inputs differently.

const MIN_GALLOP = 7;

function minRunLength(nArg) {
  let n = nArg;
  let r = 0;
  while (n >= 64) {
    r |= n & 1;
    n >>= 1;
  }
  return n + r;
}

// sort sorts list in place with compare(a, b) and returns it.
export function sort(list, compareFn) {
  const length = list.length;
  if (length < 2) return list;
  const a = list;
  const compare = (x, y) => {
    const v = +compareFn(x, y);
    return v !== v ? 0 : v; // NaN counts as equal
  };
  let minGallop = MIN_GALLOP;
  const runBase = [];
  const runLength = [];

  function binaryInsertionSort(low, startArg, high) {
    let start = low === startArg ? startArg + 1 : startArg;
    for (; start < high; ++start) {
      let left = low;
      let right = start;
      const pivot = a[start];
      while (left < right) {
        const mid = left + ((right - left) >> 1);
        if (compare(pivot, a[mid]) < 0) right = mid;
        else left = mid + 1;
      }
      for (let p = start; p > left; --p) a[p] = a[p - 1];
      a[left] = pivot;
    }
  }

  function countAndMakeRun(lowArg, high) {
    const low = lowArg + 1;
    if (low === high) return 1;
    let run = 2;
    const elementLow = a[low];
    const elementLowPre = a[low - 1];
    let order = compare(elementLow, elementLowPre);
    const descending = order < 0;
    let previous = elementLow;
    for (let idx = low + 1; idx < high; ++idx) {
      const current = a[idx];
      order = compare(current, previous);
      if (descending) {
        if (order >= 0) break;
      } else if (order < 0) {
        break;
      }
      previous = current;
      ++run;
    }
    if (descending) {
      let lo = lowArg;
      let hi = lowArg + run - 1;
      while (lo < hi) {
        const t = a[lo];
        a[lo++] = a[hi];
        a[hi--] = t;
      }
    }
    return run;
  }

  // gallopLeft: the k with arr[base+k-1] < key <= arr[base+k].
  function gallopLeft(arr, key, base, length, hint) {
    let lastOfs = 0;
    let offset = 1;
    let order = compare(arr[base + hint], key);
    if (order < 0) {
      const maxOfs = length - hint;
      while (offset < maxOfs) {
        order = compare(arr[base + hint + offset], key);
        if (order >= 0) break;
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) offset = maxOfs;
      }
      if (offset > maxOfs) offset = maxOfs;
      lastOfs += hint;
      offset += hint;
    } else {
      const maxOfs = hint + 1;
      while (offset < maxOfs) {
        order = compare(arr[base + hint - offset], key);
        if (order < 0) break;
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) offset = maxOfs;
      }
      if (offset > maxOfs) offset = maxOfs;
      const tmp = lastOfs;
      lastOfs = hint - offset;
      offset = hint - tmp;
    }
    lastOfs++;
    while (lastOfs < offset) {
      const m = lastOfs + ((offset - lastOfs) >> 1);
      if (compare(arr[base + m], key) < 0) lastOfs = m + 1;
      else offset = m;
    }
    return offset;
  }

  // gallopRight: the k with arr[base+k-1] <= key < arr[base+k].
  function gallopRight(arr, key, base, length, hint) {
    let lastOfs = 0;
    let offset = 1;
    let order = compare(key, arr[base + hint]);
    if (order < 0) {
      const maxOfs = hint + 1;
      while (offset < maxOfs) {
        order = compare(key, arr[base + hint - offset]);
        if (order >= 0) break;
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) offset = maxOfs;
      }
      if (offset > maxOfs) offset = maxOfs;
      const tmp = lastOfs;
      lastOfs = hint - offset;
      offset = hint - tmp;
    } else {
      const maxOfs = length - hint;
      while (offset < maxOfs) {
        order = compare(key, arr[base + hint + offset]);
        if (order < 0) break;
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) offset = maxOfs;
      }
      if (offset > maxOfs) offset = maxOfs;
      lastOfs += hint;
      offset += hint;
    }
    lastOfs++;
    while (lastOfs < offset) {
      const m = lastOfs + ((offset - lastOfs) >> 1);
      if (compare(key, arr[base + m]) < 0) offset = m;
      else lastOfs = m + 1;
    }
    return offset;
  }

  function copy(src, srcPos, dst, dstPos, n) {
    if (src === dst && srcPos < dstPos) {
      for (let i = n - 1; i >= 0; i--) dst[dstPos + i] = src[srcPos + i];
    } else {
      for (let i = 0; i < n; i++) dst[dstPos + i] = src[srcPos + i];
    }
  }

  function mergeLow(baseA, lengthAArg, baseB, lengthBArg) {
    let lengthA = lengthAArg;
    let lengthB = lengthBArg;
    const temp = a.slice(baseA, baseA + lengthA);
    let dest = baseA;
    let cursorTemp = 0;
    let cursorB = baseB;
    a[dest++] = a[cursorB++];
    let outcome = 'succeed';
    outer: {
      if (--lengthB === 0) break outer;
      if (lengthA === 1) { outcome = 'copyB'; break outer; }
      let gallop = minGallop;
      for (;;) {
        let winsA = 0;
        let winsB = 0;
        for (;;) {
          if (compare(a[cursorB], temp[cursorTemp]) < 0) {
            a[dest++] = a[cursorB++];
            ++winsB;
            --lengthB;
            winsA = 0;
            if (lengthB === 0) break outer;
            if (winsB >= gallop) break;
          } else {
            a[dest++] = temp[cursorTemp++];
            ++winsA;
            --lengthA;
            winsB = 0;
            if (lengthA === 1) { outcome = 'copyB'; break outer; }
            if (winsA >= gallop) break;
          }
        }
        ++gallop;
        let first = true;
        while (winsA >= MIN_GALLOP || winsB >= MIN_GALLOP || first) {
          first = false;
          gallop = Math.max(1, gallop - 1);
          minGallop = gallop;
          winsA = gallopRight(temp, a[cursorB], cursorTemp, lengthA, 0);
          if (winsA > 0) {
            copy(temp, cursorTemp, a, dest, winsA);
            dest += winsA;
            cursorTemp += winsA;
            lengthA -= winsA;
            if (lengthA === 1) { outcome = 'copyB'; break outer; }
            if (lengthA === 0) break outer;
          }
          a[dest++] = a[cursorB++];
          if (--lengthB === 0) break outer;
          winsB = gallopLeft(a, temp[cursorTemp], cursorB, lengthB, 0);
          if (winsB > 0) {
            copy(a, cursorB, a, dest, winsB);
            dest += winsB;
            cursorB += winsB;
            lengthB -= winsB;
            if (lengthB === 0) break outer;
          }
          a[dest++] = temp[cursorTemp++];
          if (--lengthA === 1) { outcome = 'copyB'; break outer; }
        }
        ++gallop;
        minGallop = gallop;
      }
    }
    if (outcome === 'succeed') {
      if (lengthA > 0) copy(temp, cursorTemp, a, dest, lengthA);
    } else {
      copy(a, cursorB, a, dest, lengthB);
      a[dest + lengthB] = temp[cursorTemp];
    }
  }

  function mergeHigh(baseA, lengthAArg, baseB, lengthBArg) {
    let lengthA = lengthAArg;
    let lengthB = lengthBArg;
    const temp = a.slice(baseB, baseB + lengthB);
    let dest = baseB + lengthB - 1;
    let cursorTemp = lengthB - 1;
    let cursorA = baseA + lengthA - 1;
    a[dest--] = a[cursorA--];
    let outcome = 'succeed';
    outer: {
      if (--lengthA === 0) break outer;
      if (lengthB === 1) { outcome = 'copyA'; break outer; }
      let gallop = minGallop;
      for (;;) {
        let winsA = 0;
        let winsB = 0;
        for (;;) {
          if (compare(temp[cursorTemp], a[cursorA]) < 0) {
            a[dest--] = a[cursorA--];
            ++winsA;
            --lengthA;
            winsB = 0;
            if (lengthA === 0) break outer;
            if (winsA >= gallop) break;
          } else {
            a[dest--] = temp[cursorTemp--];
            ++winsB;
            --lengthB;
            winsA = 0;
            if (lengthB === 1) { outcome = 'copyA'; break outer; }
            if (winsB >= gallop) break;
          }
        }
        ++gallop;
        let first = true;
        while (winsA >= MIN_GALLOP || winsB >= MIN_GALLOP || first) {
          first = false;
          gallop = Math.max(1, gallop - 1);
          minGallop = gallop;
          let k = gallopRight(a, temp[cursorTemp], baseA, lengthA, lengthA - 1);
          winsA = lengthA - k;
          if (winsA > 0) {
            dest -= winsA;
            cursorA -= winsA;
            copy(a, cursorA + 1, a, dest + 1, winsA);
            lengthA -= winsA;
            if (lengthA === 0) break outer;
          }
          a[dest--] = temp[cursorTemp--];
          if (--lengthB === 1) { outcome = 'copyA'; break outer; }
          k = gallopLeft(temp, a[cursorA], 0, lengthB, lengthB - 1);
          winsB = lengthB - k;
          if (winsB > 0) {
            dest -= winsB;
            cursorTemp -= winsB;
            copy(temp, cursorTemp + 1, a, dest + 1, winsB);
            lengthB -= winsB;
            if (lengthB === 1) { outcome = 'copyA'; break outer; }
            if (lengthB === 0) break outer;
          }
          a[dest--] = a[cursorA--];
          if (--lengthA === 0) break outer;
        }
        ++gallop;
        minGallop = gallop;
      }
    }
    if (outcome === 'succeed') {
      if (lengthB > 0) copy(temp, 0, a, dest - (lengthB - 1), lengthB);
    } else {
      dest -= lengthA;
      cursorA -= lengthA;
      copy(a, cursorA + 1, a, dest + 1, lengthA);
      a[dest] = temp[cursorTemp];
    }
  }

  function mergeAt(i) {
    let baseA = runBase[i];
    let lengthA = runLength[i];
    const baseB = runBase[i + 1];
    let lengthB = runLength[i + 1];
    runLength[i] = lengthA + lengthB;
    if (i === runBase.length - 3) {
      runBase[i + 1] = runBase[i + 2];
      runLength[i + 1] = runLength[i + 2];
    }
    runBase.pop();
    runLength.pop();
    const k = gallopRight(a, a[baseB], baseA, lengthA, 0);
    baseA += k;
    lengthA -= k;
    if (lengthA === 0) return;
    lengthB = gallopLeft(a, a[baseA + lengthA - 1], baseB, lengthB, lengthB - 1);
    if (lengthB === 0) return;
    if (lengthA <= lengthB) mergeLow(baseA, lengthA, baseB, lengthB);
    else mergeHigh(baseA, lengthA, baseB, lengthB);
  }

  function invariant(n) {
    if (n < 2) return true;
    return runLength[n - 2] > runLength[n - 1] + runLength[n];
  }

  function mergeCollapse() {
    while (runBase.length > 1) {
      let n = runBase.length - 2;
      if (!invariant(n + 1) || !invariant(n)) {
        if (runLength[n - 1] < runLength[n + 1]) --n;
        mergeAt(n);
      } else if (runLength[n] <= runLength[n + 1]) {
        mergeAt(n);
      } else {
        break;
      }
    }
  }

  function mergeForceCollapse() {
    while (runBase.length > 1) {
      let n = runBase.length - 2;
      if (n > 0 && runLength[n - 1] < runLength[n + 1]) --n;
      mergeAt(n);
    }
  }

  let low = 0;
  let remaining = length;
  const minRun = minRunLength(remaining);
  while (remaining !== 0) {
    let run = countAndMakeRun(low, low + remaining);
    if (run < minRun) {
      const forced = Math.min(minRun, remaining);
      binaryInsertionSort(low, low + run, low + forced);
      run = forced;
    }
    runBase.push(low);
    runLength.push(run);
    mergeCollapse();
    low += run;
    remaining -= run;
  }
  mergeForceCollapse();
  return list;
}
