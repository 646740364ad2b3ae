// Worker threads do not inherit the main thread's tsx loader: register it here, then load the attacker.
import { register } from 'tsx/esm/api';

register();
await import('./replay-attacker.ts');
