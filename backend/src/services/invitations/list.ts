import { and, eq } from 'drizzle-orm';
import { limits } from '@messaging-app/shared';
import type { Invitation } from '@messaging-app/shared';
import { roomInvitations } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { selectInvitations } from './present.js';

/** The caller's pending invitations, newest first; those from people the caller blocked never show. */
export async function listInvitations(ctx: AppContext, caller: Caller): Promise<Invitation[]> {
  return selectInvitations(
    ctx.db,
    and(
      eq(roomInvitations.inviteeId, caller.userId),
      eq(roomInvitations.status, 'pending'),
      eq(roomInvitations.suppressed, false),
    ),
    limits.invitationListMax,
  );
}
