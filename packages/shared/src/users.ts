import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { limits, usernamePattern } from './limits.js';
import { displayNameProblem } from './display-name.js';

export const Username = z
  .string()
  .trim()
  .min(limits.usernameMin)
  .max(limits.usernameMax)
  .regex(usernamePattern, 'Use only letters, digits and underscores.');

export const Email = z
  .string()
  .trim()
  .max(limits.emailMax)
  .pipe(z.email())
  .transform((e) => e.toLowerCase());

export const Password = z.string().min(limits.passwordMin).max(limits.passwordMax);

/** NFC, trimmed, with something visible and no direction controls (display-name.ts). */
export const DisplayName = z
  .string()
  .normalize('NFC')
  .trim()
  .min(1)
  .max(limits.displayNameMax)
  .superRefine((name, ctx) => {
    const problem = displayNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A user as anyone may see them: never an email. */
export const User = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable().optional(),
  createdAt: Timestamp,
});
export type User = z.infer<typeof User>;

/** `GET /api/users?q=`: a name prefix, for finding people to add to a room. */
export const UserSearchQuery = z.object({
  q: z.string().trim().min(1).max(limits.usernameMax),
  limit: z.coerce.number().int().min(1).max(limits.userSearchMax).default(limits.userSearchDefault),
});
export type UserSearchQuery = z.infer<typeof UserSearchQuery>;

export const UserSearchResult = z.object({ users: z.array(User) });
export type UserSearchResult = z.infer<typeof UserSearchResult>;

export const NotificationPrefs = z.object({
  email: z.enum(['mentions', 'off']),
});
export type NotificationPrefs = z.infer<typeof NotificationPrefs>;

/** The caller's own user. */
export const Profile = User.extend({
  email: z.string(),
  notificationPrefs: NotificationPrefs,
});
export type Profile = z.infer<typeof Profile>;

export const UpdateProfileBody = z
  .object({
    displayName: DisplayName.optional(),
    email: Email.optional(),
    password: Password.optional(),
    currentPassword: z.string().max(limits.passwordMax).optional(),
    notificationPrefs: NotificationPrefs.optional(),
  })
  .refine((b) => b.password === undefined || b.currentPassword !== undefined, {
    path: ['currentPassword'],
    message: 'Enter your current password to change your password.',
  })
  .refine((b) => b.email === undefined || b.currentPassword !== undefined, {
    path: ['currentPassword'],
    message: 'Enter your current password to change your email.',
  });
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

/** `POST /api/users/me/email/confirm`: the token of the link mailed to the new address. */
export const ConfirmEmailChangeBody = z.object({ token: z.string().min(1).max(200) });
export type ConfirmEmailChangeBody = z.infer<typeof ConfirmEmailChangeBody>;
