import { z } from 'zod';

/**
 * Validation messages people read: the server sends them in problem details (`errors[].message`) and the
 * client shows them under the field (`errors[].path`). Installed once for every zod schema, so a schema
 * added later speaks the same way; a schema's own message (`.regex(…, 'Use only …')`) still wins.
 */

const kinds: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  date: 'a date',
  null: 'empty',
};

const formats: Record<string, string> = {
  email: 'Enter a valid email address.',
  uuid: 'Must be a valid id.',
  guid: 'Must be a valid id.',
  url: 'Enter a full web address (https://…).',
  datetime: 'Must be a date and time in ISO 8601 form.',
  date: 'Must be a date (YYYY-MM-DD).',
  regex: 'Contains characters that are not allowed.',
};

const plural = (n: number | bigint, one: string, many: string) => `${n} ${Number(n) === 1 ? one : many}`;

function tooSmall(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall>): string {
  const n = issue.minimum;
  if (issue.origin === 'string') {
    if (Number(n) <= 1) return 'This field can’t be empty.';
    return `Use at least ${plural(n, 'character', 'characters')}.`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    return `Choose at least ${plural(n, 'item', 'items')}.`;
  }
  return issue.inclusive ? `Must be ${n} or more.` : `Must be more than ${n}.`;
}

function tooBig(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooBig>): string {
  const n = issue.maximum;
  if (issue.origin === 'string') return `Use at most ${plural(n, 'character', 'characters')}.`;
  if (issue.origin === 'array' || issue.origin === 'set') {
    return `Choose at most ${plural(n, 'item', 'items')}.`;
  }
  return issue.inclusive ? `Must be ${n} or less.` : `Must be less than ${n}.`;
}

export function humanMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'This field is required.';
      return `Must be ${kinds[issue.expected] ?? issue.expected}.`;
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_format':
      return formats[issue.format] ?? `Must be a valid ${issue.format}.`;
    case 'invalid_value':
      if (issue.values.length === 1) return `Must be ${String(issue.values[0])}.`;
      return `Choose one of: ${issue.values.map(String).join(', ')}.`;
    case 'not_multiple_of':
      return `Must be a multiple of ${issue.divisor}.`;
    case 'unrecognized_keys':
      return `Unknown ${issue.keys.length === 1 ? 'field' : 'fields'}: ${issue.keys.join(', ')}.`;
    case 'invalid_union':
      return 'Doesn’t match any of the accepted forms.';
    case 'invalid_key':
    case 'invalid_element':
      return 'Contains a value that is not allowed.';
    default:
      return undefined;
  }
}

z.config({ customError: humanMessage });
