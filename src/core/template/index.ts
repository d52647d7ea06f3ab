/** The `{{ }}` template language: paths, compilation once per run, fast rendering per attempt. */
export type { PathSegment } from './path.js';
export { formatPath, parsePath, readPath } from './path.js';
export { compileTemplate, referencedVariables } from './compile.js';
export type { CompileOptions, CompiledTemplate, TemplateScope } from './types.js';
