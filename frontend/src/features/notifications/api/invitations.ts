import type { InvitationList, Membership } from '@messaging-app/shared';
import { call } from '../../../utils/api';

export const invitationsKey = ['invitations'] as const;

export const fetchInvitations = (): Promise<InvitationList> => call('listInvitations');
export const acceptInvitation = (id: string): Promise<Membership> =>
  call('acceptInvitation', { params: { id } });
export const declineInvitation = (id: string): Promise<void> => call('declineInvitation', { params: { id } });
