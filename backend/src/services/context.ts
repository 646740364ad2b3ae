import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Bus } from '../bus/messages.js';
import type { Presence } from '../presence/presence.js';

/** Everything a business action may touch. Services never see a request or a reply. */
export interface AppContext {
  config: Config;
  db: Db;
  bus: Bus;
  presence: Presence;
  log: Logger;
}
