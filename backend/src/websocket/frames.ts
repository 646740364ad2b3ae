import { ClientFrame, clientFrameTypes } from '@messaging-app/shared';
import type { ErrorCode } from '@messaging-app/shared';
import { findNul } from '../plugins/text-guard.js';

export type ParsedFrame =
  { ok: true; frame: ClientFrame } | { ok: false; code: ErrorCode; message: string; ref?: string };

function refOf(value: Record<string, unknown>): string | undefined {
  for (const key of ['clientMsgId', 'roomId']) {
    const ref = value[key];
    if (typeof ref === 'string' && ref.length <= 200) return ref;
  }
  return undefined;
}

/** Parses one text frame against the contract; a bad one yields the error frame's code and text. */
export function parseFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'invalid_json', message: 'frames are JSON text' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'invalid_frame', message: 'a frame is a JSON object with a "type"' };
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  const ref = refOf(record);
  if (typeof type !== 'string') {
    return { ok: false, code: 'invalid_frame', message: 'a frame is a JSON object with a "type"', ref };
  }
  if (!(clientFrameTypes as readonly string[]).includes(type)) {
    return { ok: false, code: 'unknown_type', message: `unknown frame type "${type.slice(0, 40)}"`, ref };
  }
  const parsed = ClientFrame.safeParse(value);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || type}: ${i.message}`).join('; ');
    return { ok: false, code: 'validation_failed', message, ref };
  }
  // PostgreSQL text cannot hold NUL: refuse it here rather than fail in a query.
  const nul = findNul(parsed.data);
  if (nul) {
    return { ok: false, code: 'validation_failed', message: `${nul}: NUL characters are not allowed`, ref };
  }
  return { ok: true, frame: parsed.data };
}
