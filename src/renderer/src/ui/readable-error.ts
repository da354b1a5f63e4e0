import type { ApiError } from '../../../shared/api';

/** An engine error as a form shows it: one line for people, and per field what is wrong with it. */
export interface ReadableError {
  text: string;
  /** By argument name (`maxInFlight`), what is wrong with it ("must be at least 1"). */
  fields: Record<string, string>;
}

interface Problem {
  /** The argument's name: the last named step of the path (`dispatch.maxQueued` → `maxQueued`, `tags[0]` → `tags`). */
  field: string | null;
  message: string;
}

/** `servers.update: ` before the engine's own text. */
const COMMAND_PREFIX = /^[a-z]+\.[A-Za-z]+: /;

/**
 * The engine checks each command's arguments against a schema and answers a misfit with
 * `bad_request` and the schema library's report, `<command>: ✖ <problem>; → at <path>` per
 * problem. Read back into problems; null when the message is not such a report.
 */
function schemaProblems(error: ApiError): Problem[] | null {
  if (error.code !== 'bad_request') return null;
  const body = error.message.replace(COMMAND_PREFIX, '');
  if (!body.startsWith('✖')) return null;
  return body
    .split('✖')
    .map((chunk) => chunk.trim())
    .filter(Boolean)
    .map((chunk) => {
      const m = /^(.*?)(?:;?\s*→ at (.+?))?[;\s]*$/s.exec(chunk);
      const message = (m?.[1] ?? chunk).trim();
      const path = m?.[2]?.trim() ?? null;
      return { field: path ? lastName(path) : null, message: humanize(message) };
    });
}

function lastName(path: string): string {
  const names = path.split('.').map((step) => step.replace(/\[\d+\]$/, '')).filter((step) => step && !/^\d+$/.test(step));
  return names.at(-1) ?? path;
}

const COMPARISON: Record<string, string> = { '>=': 'at least', '>': 'more than', '<=': 'at most', '<': 'less than' };

/** The schema library's wording ("Too small: expected number to be >=1") as a form says it ("must be at least 1"). */
export function humanize(message: string): string {
  let m = /^Too (?:small|big): expected number to be (>=|<=|>|<)\s*(-?[\d.]+)$/.exec(message);
  if (m?.[1] && m[2]) return `must be ${COMPARISON[m[1]]} ${m[2]}`;
  m = /^Too (?:small|big): expected (string|array|set) to have (>=|<=|>|<)\s*(\d+) (characters|items)$/.exec(message);
  if (m?.[1] && m[2] && m[3] && m[4]) {
    if (m[2] === '>=' && m[3] === '1') return m[1] === 'string' ? 'must not be empty' : 'needs at least one item';
    return `must have ${COMPARISON[m[2]]} ${m[3]} ${m[4]}`;
  }
  m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (m?.[1]) return m[1] === 'int' ? 'must be a whole number' : `must be a ${m[1]}`;
  if (message === 'Invalid URL') return 'must be a valid URL';
  return message;
}

/**
 * What a form shows for an engine error: a schema misfit names the field by its label
 * ("Max in flight must be at least 1") and marks it; any other error is the engine's own
 * message, which is written for people already.
 */
export function readableError(error: ApiError, labels: Record<string, string>): ReadableError {
  const problems = schemaProblems(error);
  if (!problems) return { text: error.message, fields: {} };
  const fields: Record<string, string> = {};
  const lines = problems.map((p) => {
    if (p.field === null) return p.message;
    fields[p.field] ??= p.message;
    return `${labels[p.field] ?? p.field} ${p.message}`;
  });
  return { text: lines.join('; '), fields };
}
