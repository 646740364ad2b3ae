/** Where the real services of the `services` suite live: this machine's by default. */
export const services = {
  postgres: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redis: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  rabbitmq: process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
};

export type TestMode = 'embedded' | 'services';

export const testMode: TestMode = process.env.TEST_MODE === 'services' ? 'services' : 'embedded';
