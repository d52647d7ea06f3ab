export {
  MIN_REDACTED_LENGTH,
  REDACTED,
  Redactor,
  SENSITIVE_HEADER_NAME,
  sensitiveHeaderParts,
} from './redactor.js';
