// The signed-in part of the app, loaded as one chunk after sign-in (see App.tsx).
export { AppShell, Home, NotFound } from './components/AppShell';
export { Room } from './features/rooms/components/Room';
export { NotificationList } from './features/notifications/components/NotificationList';
export { Profile } from './features/profile/components/Profile';
export { ConfirmEmail } from './features/profile/components/ConfirmEmail';
export { SearchResults } from './features/search/components/SearchResults';
