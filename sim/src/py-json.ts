/**
 * JSON the way ComfyUI's Python sees it.
 *
 * Python dicts keep insertion order; JS objects move integer-like keys ("3", "10") to the
 * front in numeric order. Node ids are integer-like, so a graph `{"10":…,"9":…}` would be
 * reordered by `JSON.parse`, changing validation order, `execution_cached` lists and what
 * `/queue` echoes back. We therefore parse with our own reader and remember each object's
 * key order beside it (a WeakMap, so the objects stay plain and `inputs.seed` still works).
 *
 * Output mimics `json.dumps` defaults: `", "` and `": "` separators and `ensure_ascii`.
 */

const keyOrder = new WeakMap<object, string[]>();

export type Dict = Record<string, unknown>;

export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map);
}

/** Keys in Python insertion order (falls back to JS order for objects we did not parse). */
export function keysOf(obj: object): string[] {
  const own = Object.keys(obj);
  const recorded = keyOrder.get(obj);
  if (!recorded) return own;
  const present = new Set(own);
  const out = recorded.filter((k) => present.has(k));
  if (out.length !== own.length) {
    const seen = new Set(out);
    for (const k of own) if (!seen.has(k)) out.push(k);
  }
  return out;
}

function defineKey(obj: Dict, key: string, value: unknown): void {
  // Assigning "__proto__" would change the prototype instead of adding a key.
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** `d[key] = value` with Python ordering: a new key goes to the end, an existing one keeps its place. */
export function setKey(obj: Dict, key: string, value: unknown): void {
  let order = keyOrder.get(obj);
  if (!order) {
    order = Object.keys(obj);
    keyOrder.set(obj, order);
  }
  if (!Object.prototype.hasOwnProperty.call(obj, key)) order.push(key);
  defineKey(obj, key, value);
}

/** Builds an object whose keys serialize in the given order. */
export function dict(entries: Iterable<readonly [string, unknown]>): Dict {
  const obj: Dict = {};
  keyOrder.set(obj, []);
  for (const [k, v] of entries) setKey(obj, k, v);
  return obj;
}

export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => deepCopy(v)) as T;
  if (isDict(value)) {
    return dict(keysOf(value).map((k) => [k, deepCopy(value[k])] as const)) as T;
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Parsing

export class JsonSyntaxError extends Error {
  override name = 'JSONDecodeError';
}

/** Parses JSON like Python's `json.loads` (keeps key order, accepts NaN / Infinity). */
export function parseJson(text: string): unknown {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what}: char ${i}`);
  };
  const parseString = (): string => {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      }
      if (c === 0x5c) i += 2;
      else if (c < 0x20) fail('Invalid control character');
      else i++;
    }
    return fail('Unterminated string starting at');
  };
  const value = (depth: number): unknown => {
    if (depth > 2000) fail('Too deeply nested');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Dict = {};
      const order: string[] = [];
      keyOrder.set(obj, order);
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
        const key = parseString();
        ws();
        if (text[i] !== ':') fail("Expecting ':' delimiter");
        i++;
        const v = value(depth + 1);
        if (!Object.prototype.hasOwnProperty.call(obj, key)) order.push(key);
        defineKey(obj, key, v);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') return parseString();
    for (const [lit, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('Expecting value');
    i += m[0].length;
    return Number(m[0]);
  };
  const result = value(0);
  ws();
  if (i !== n) fail('Extra data');
  return result;
}

// ---------------------------------------------------------------------------------------
// Serialising

function pyJsonString(s: string): string {
  let out = '"';
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += s[k];
  }
  return out + '"';
}

function pyNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

/** `json.dumps(value)` with Python's default separators and `ensure_ascii=True`. */
export function toPyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return pyJsonString(value);
  if (Array.isArray(value)) return '[' + value.map((v) => toPyJson(v)).join(', ') + ']';
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of value) parts.push(pyJsonString(String(k)) + ': ' + toPyJson(v));
    return '{' + parts.join(', ') + '}';
  }
  if (typeof value === 'object') {
    const obj = value as Dict;
    const parts: string[] = [];
    for (const k of keysOf(obj)) {
      if (obj[k] === undefined) continue;
      parts.push(pyJsonString(k) + ': ' + toPyJson(obj[k]));
    }
    return '{' + parts.join(', ') + '}';
  }
  return 'null';
}

// ---------------------------------------------------------------------------------------
// Python str() / repr() of JSON values, for error texts that embed values.

export function pyReprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : '-inf';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return pyReprString(value);
  if (Array.isArray(value)) return '[' + value.map((v) => pyRepr(v)).join(', ') + ']';
  if (isDict(value)) return '{' + keysOf(value).map((k) => pyReprString(k) + ': ' + pyRepr(value[k])).join(', ') + '}';
  return String(value);
}

/** Python `str(value)`. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** Python truthiness. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (typeof value === 'number' && Number.isNaN(value)) return true;
  if (Array.isArray(value)) return value.length > 0;
  if (isDict(value)) return keysOf(value).length > 0;
  return true;
}

/** Python `==` for JSON values (1 == 1.0 == True). */
export function pyEquals(a: unknown, b: unknown): boolean {
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined);
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, k) => pyEquals(v, b[k]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(a[k], b[k]));
  }
  return a === b;
}

/** `"key" in value` for whatever JSON a client sent (dict keys, list members, substrings). */
export function pyContains(container: unknown, key: string): boolean {
  if (isDict(container)) return Object.prototype.hasOwnProperty.call(container, key);
  if (Array.isArray(container)) return container.some((v) => pyEquals(v, key));
  if (typeof container === 'string') return container.includes(key);
  throw new PyError('TypeError', `argument of type '${pyTypeName(container)}' is not iterable`);
}

export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** A Python exception as ComfyUI would raise it; `message` is what `str(ex)` gives. */
export class PyError extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
    this.name = pyType;
  }
}
