import { useSocketStatus } from '../hooks/useWebSocket';

/** Says so when live updates are interrupted; silent while connected. */
export function ConnectionBanner() {
  const status = useSocketStatus();
  return (
    <div role="status" className={status === 'reconnecting' ? 'connection-banner' : 'visually-hidden'}>
      {status === 'reconnecting' ? 'Reconnecting…' : ''}
    </div>
  );
}
