import { sqlState, uniqueViolation } from '../../db/errors.js';
import { takenField } from '../errors.js';

/**
 * Runs a write of a room's name or visibility; the unique index on lower(name) of public rooms
 * turns a duplicate into a 409 on the name field, whichever instance wrote first.
 */
export async function refusingTakenName<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (sqlState(error) === uniqueViolation) {
      throw takenField('name', 'conflict', 'A public room with this name already exists.');
    }
    throw error;
  }
}
