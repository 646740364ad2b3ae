// First: every schema below reports validation problems in plain sentences.
import './validation-messages.js';
export * from './common.js';
export * from './limits.js';
export * from './users.js';
export * from './display-name.js';
export * from './auth.js';
export * from './messages.js';
export * from './message-changes.js';
export * from './reactions.js';
export * from './rooms.js';
export * from './notifications.js';
export * from './invitations.js';
export * from './blocks.js';
export * from './bans.js';
export * from './frames.js';
export * from './health.js';
export * from './api.js';
