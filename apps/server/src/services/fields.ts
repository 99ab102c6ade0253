import { cleanText, DomainError, type ErrorCode, type FieldIssue } from '@paydesk/domain';
import { assertAcceptablePassword } from '../auth/password.ts';

/**
 * Collects every field problem of a form before failing, so the person sees them all at once.
 * The error's code is the first problem's, so a single bad field gets its own specific code.
 */
export class FieldChecker {
  readonly issues: FieldIssue[] = [];

  fail(field: string, code: ErrorCode): void {
    this.issues.push({ field, code });
  }

  text(field: string, value: unknown, max: number, min = 1): string {
    const res = cleanText(value, { min, max });
    if (res.ok) return res.value;
    this.fail(field, 'TEXT_INVALID');
    return '';
  }

  password(field: string, value: string): void {
    try {
      assertAcceptablePassword(value);
    } catch (err) {
      const issue = (err as DomainError).fields[0];
      if (issue) this.fail(field, issue.code);
    }
  }

  done(): void {
    const first = this.issues[0];
    if (first) throw new DomainError(this.issues.length === 1 ? first.code : 'VALIDATION_FAILED', this.issues);
  }
}
