import type { ValidationError } from '../core/errors.js';

/** The service's 400 body on stdout, the problems one per line on stderr. */
export function printValidationFailure(error: ValidationError): void {
  process.stderr.write(
    `invalid payload (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}):\n`,
  );
  for (const line of error.validationErrors) process.stderr.write(`  ${line}\n`);
  const body = {
    success: false,
    error: error.message,
    code: error.code,
    validation_errors: error.validationErrors,
    issues: error.issues,
  };
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
}
