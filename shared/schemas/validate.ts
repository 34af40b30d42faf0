import type { z } from 'zod';

export interface RecordProblem {
  /** Dotted path of the offending field, e.g. `email` or `segments.0.hotThreshold`. */
  field: string;
  reason: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: RecordProblem[] };

/** Validates one record without throwing, so a batch can report and skip the bad ones. */
export function validateRecord<S extends z.ZodType>(schema: S, record: unknown): Validation<z.output<S>> {
  const result = schema.safeParse(record);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(record)',
      reason: issue.message,
    })),
  };
}

/** One line naming every bad field: `email: must be an email address...; employees: ...`. */
export function describeProblems(problems: RecordProblem[]): string {
  return problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ');
}
