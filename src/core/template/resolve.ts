/**
 * Turns parsed expressions into resolver closures, built once at compile time, so rendering does
 * no parsing and allocates nothing per lookup.
 */
import { formatPath, MISSING, readPathOrMissing, type PathSegment } from './path.js';
import type { Term } from './parse.js';
import type { TemplateScope } from './types.js';

/** The value of an expression in `scope`, or {@link MISSING}. */
export type Resolver = (scope: TemplateScope) => unknown;

/**
 * Builds the resolver of one placeholder.
 *
 * - A path resolves when its base variable exists and the path finds a value; when the base is a
 *   string, number or boolean and the path goes deeper, the base itself is the value (the
 *   original's rule for extracted LLM text).
 * - `a ?? b ?? "x"`: the first alternative whose value is neither missing nor null. When none
 *   qualifies but some path found null, the result is null; when all are missing, MISSING.
 */
export function buildResolver(terms: readonly Term[]): Resolver {
  const first = terms[0];
  if (terms.length === 1 && first !== undefined) return termResolver(first);
  const resolvers = terms.map(termResolver);
  return (scope) => {
    let sawNull = false;
    for (const resolve of resolvers) {
      const value = resolve(scope);
      if (value === null) sawNull = true;
      else if (value !== MISSING) return value;
    }
    return sawNull ? null : MISSING;
  };
}

function termResolver(term: Term): Resolver {
  if (term.kind === 'literal') {
    const { value } = term;
    return () => value;
  }
  const { base, segments } = term;
  if (segments.length === 1) {
    return (scope) => {
      const value = scope.lookup(base);
      return value === undefined ? MISSING : value;
    };
  }
  return (scope) => {
    const root = scope.lookup(base);
    if (root === undefined) return MISSING;
    const type = typeof root;
    if (type === 'string' || type === 'number' || type === 'boolean') return root;
    const value = readPathOrMissing(root, segments, 1);
    return value === undefined ? MISSING : value;
  };
}

/** Why nothing resolved, for error messages: the variable to name and an optional reason. */
export interface MissDescription {
  variable: string;
  reason: string | undefined;
}

/**
 * Explains a miss (error path only): names the first path whose base variable is absent, or,
 * when every base exists, the first path and where it ran out.
 */
export function describeMiss(terms: readonly Term[], scope: TemplateScope): MissDescription {
  let firstPath: MissDescription | undefined;
  for (const term of terms) {
    if (term.kind !== 'path') continue;
    const root = scope.lookup(term.base);
    if (root === undefined) return { variable: term.base, reason: undefined };
    firstPath ??= { variable: term.base, reason: whereItEnds(root, term.segments) };
  }
  return firstPath ?? { variable: '', reason: undefined };
}

function whereItEnds(root: unknown, segments: readonly PathSegment[]): string {
  for (let depth = 2; depth <= segments.length; depth++) {
    if (readPathOrMissing(root, segments.slice(0, depth), 1) === MISSING) {
      const parent = readPathOrMissing(root, segments.slice(0, depth - 1), 1);
      const found = formatPath(segments.slice(0, depth - 1));
      if (parent === null) return `${found} is null`;
      if (typeof parent !== 'object') return `${found} is a ${typeof parent}`;
      const segment = segments[depth - 1];
      if (Array.isArray(parent)) {
        return `${found} has no index ${String(segment)} (length ${parent.length})`;
      }
      return `${found} has no ${JSON.stringify(segment)}`;
    }
  }
  return `${formatPath(segments)} is undefined`;
}
