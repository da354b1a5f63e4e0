import { PyError, isDict, pyRepr, pyReprString, pyTypeName } from './py-json';

/**
 * Python's `int()`, `float()` and tuple indexing, because validation error texts quote the
 * exact Python exception message (`invalid literal for int() with base 10: 'x'`).
 */

export function pyInt(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new PyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(v)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    return Math.trunc(v);
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[+-]?\d+(?:_\d+)*$/.test(s)) return Number(s.replace(/_/g, ''));
    throw new PyError('ValueError', `invalid literal for int() with base 10: ${pyReprString(v)}`);
  }
  throw new PyError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`);
}

export function pyFloat(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    const t = s.replace(/_/g, '');
    if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t) && !/^_|_$|__|_\.|\._/.test(s)) return Number(t);
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
    if (special) {
      const word = (special[2] ?? '').toLowerCase();
      if (word === 'nan') return NaN;
      return special[1] === '-' ? -Infinity : Infinity;
    }
    throw new PyError('ValueError', `could not convert string to float: ${pyReprString(v)}`);
  }
  throw new PyError('TypeError', `float() argument must be a string or a real number, not '${pyTypeName(v)}'`);
}

/** `seq[index]` on a tuple, with Python's negative indices and error texts. */
export function pyIndex<T>(seq: readonly T[], index: unknown): T {
  let k: number;
  if (typeof index === 'boolean') k = index ? 1 : 0;
  else if (typeof index === 'number' && Number.isInteger(index)) k = index;
  else throw new PyError('TypeError', `tuple indices must be integers or slices, not ${pyTypeName(index)}`);
  const pos = k < 0 ? seq.length + k : k;
  if (pos < 0 || pos >= seq.length) throw new PyError('IndexError', 'tuple index out of range');
  return seq[pos] as T;
}

/** `d[key]` on a dict parsed from JSON, raising KeyError / TypeError like Python. */
export function pyGetItem(d: unknown, key: unknown): unknown {
  if (!isDict(d)) throw new PyError('TypeError', `'${pyTypeName(d)}' object is not subscriptable`);
  if (Array.isArray(key) || isDict(key)) throw new PyError('TypeError', `unhashable type: '${pyTypeName(key)}'`);
  if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(d, key)) return d[key];
  throw new PyError('KeyError', pyRepr(key));
}
