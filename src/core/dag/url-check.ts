/**
 * Static URL checks: service_url (templated) and notifications.webhook_url must be http(s) URLs
 * that the WHATWG URL parser accepts.
 */
import { TemplateError } from '../errors.js';
import type { CompiledTemplate, TemplateScope } from '../template/index.js';
import { quote } from './issues.js';

/**
 * Stands in for every variable. A digit keeps the URL parseable wherever a placeholder sits:
 * host (`https://{{host}}/x`), port (`http://localhost:{{port}}`) or path.
 */
const DUMMY_SCOPE: TemplateScope = { lookup: () => '1' };

/** Checks URLs, remembering answers because many steps usually share one service URL. */
export class UrlChecker {
  private readonly answers = new Map<string, string | null>();
  private readonly serviceAnswers = new Map<string, string | null>();

  /** A sentence describing what is wrong with `text` as an http(s) URL, or null when it is fine. */
  problem(text: string): string | null {
    let answer = this.answers.get(text);
    if (answer === undefined) {
      answer = httpUrlProblem(text);
      this.answers.set(text, answer);
    }
    return answer;
  }

  /**
   * The problem with a templated service_url, or null when it is fine or cannot be judged
   * statically: a URL that starts with a placeholder gets its scheme and host at run time, and
   * one whose templates did not compile already has its own issue.
   */
  serviceUrlProblem(text: string, compiled: CompiledTemplate | undefined): string | null {
    let answer = this.serviceAnswers.get(text);
    if (answer === undefined) {
      answer = this.judgeServiceUrl(text, compiled);
      this.serviceAnswers.set(text, answer);
    }
    return answer;
  }

  private judgeServiceUrl(text: string, compiled: CompiledTemplate | undefined): string | null {
    if (text.trimStart().startsWith('{{')) return null;
    if (compiled === undefined) return text.includes('{{') ? null : this.problem(text);
    if (compiled.isStatic) return this.problem(text);
    const rendered = renderWithDummies(compiled);
    return typeof rendered === 'string' ? this.problem(rendered) : null;
  }
}

function renderWithDummies(compiled: CompiledTemplate): unknown {
  try {
    return compiled.render(DUMMY_SCOPE, 'empty');
  } catch (error) {
    // A template that cannot render against dummies is judged when the step runs.
    if (error instanceof TemplateError) return undefined;
    throw error;
  }
}

function httpUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `must be an absolute http(s) URL, got ${quote(text)}`;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return null;
  return `must use http or https, got ${quote(url.protocol.slice(0, -1))} in ${quote(text)}`;
}
