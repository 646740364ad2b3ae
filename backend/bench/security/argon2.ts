import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { AuthResponse } from '@messaging-app/shared';
import { ms, quantile } from '../stats.js';
import type { SecurityPart } from './index.js';

const password = 'bench victim passphrase';

async function registerAccount(base: string, name: string): Promise<AuthResponse> {
  const response = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: name, email: `${name}@bench.test`, password }),
  });
  if (response.status !== 201) throw new Error(`register: ${response.status} ${await response.text()}`);
  return (await response.json()) as AuthResponse;
}

/** Times `call` one at a time until `until`; returns sorted milliseconds. */
async function timed(until: number, call: () => Promise<Response>): Promise<Float64Array> {
  const samples: number[] = [];
  while (performance.now() < until) {
    const started = performance.now();
    const response = await call();
    await response.arrayBuffer();
    if (response.status >= 300) throw new Error(`victim got ${response.status}`);
    samples.push(performance.now() - started);
  }
  return Float64Array.from(samples).sort();
}

const line = (name: string, v: Float64Array) =>
  `${name} p50 ${ms(quantile(v, 0.5))}, p95 ${ms(quantile(v, 0.95))} (${v.length})`;

/** A victim account that logs in and reads its profile, one request at a time, for `seconds`. */
function victimOf(url: string, victim: AuthResponse, seconds: number) {
  const login = () =>
    fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: victim.user.username, password }),
    });
  const profile = () =>
    fetch(`${url}/api/profile`, { headers: { authorization: `Bearer ${victim.accessToken}` } });
  return async () => {
    const until = performance.now() + seconds * 1000;
    const [logins, profiles] = await Promise.all([timed(until, login), timed(until, profile)]);
    return { logins, profiles };
  };
}

// Everyone is 127.0.0.1 here, and the attacker's checks are right: only the queue is measured.
const env = { RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: '100000000', LOGIN_ACCOUNT_MAX_ATTEMPTS: '100000000' };

/**
 * The victim logs in (an argon2 verification) and reads their profile, one request at a time,
 * first alone, then while one attacker keeps 16 current-password checks of their own account in
 * flight (`PATCH /api/profile` with the right password, so the per-account throttle, which would stop
 * wrong guesses after six, is not what is measured: the argon2 queue is).
 */
export const argon2Attack: SecurityPart = {
  name: 'argon2: victim login while one user keeps 16 password checks in flight',
  env,
  async run(server, print, quick) {
    const seconds = quick ? 4 : 10;
    const tag = Math.random().toString(36).slice(2, 8);
    const victim = await registerAccount(server.url, `victim_${tag}`);
    const attacker = await registerAccount(server.url, `attacker_${tag}`);
    const measure = victimOf(server.url, victim, seconds);

    const alone = await measure();
    print(`  alone:         ${line('login', alone.logins)}; ${line('GET /api/profile', alone.profiles)}`);

    let attacking = true;
    const answers = new Map<number, number>();
    const check = async () => {
      while (attacking) {
        const response = await fetch(`${server.url}/api/profile`, {
          method: 'PATCH',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${attacker.accessToken}`,
          },
          body: JSON.stringify({ email: attacker.user.email, currentPassword: password }),
        });
        await response.arrayBuffer();
        answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
      }
    };
    const cpuBefore = server.cpuSeconds();
    const attack = Array.from({ length: 16 }, check);
    const attacked = await measure();
    attacking = false;
    await Promise.all(attack);
    const cpu = (server.cpuSeconds() - cpuBefore) / seconds;
    print(
      `  under attack:  ${line('login', attacked.logins)}; ${line('GET /api/profile', attacked.profiles)}`,
    );
    const factor = quantile(attacked.logins, 0.5) / quantile(alone.logins, 0.5);
    print(
      `  login p50 ×${factor.toFixed(1)}; attacker answers ${JSON.stringify(Object.fromEntries(answers))}; ` +
        `server CPU ${(cpu * 100).toFixed(0)}% of one core`,
    );
  },
};

/**
 * The control of `argon2Attack`: the same victim, alone and then while another process keeps one
 * core busy, which is what the attacker's argon2 slot takes, with no request to the server at all.
 * What the victim loses here is the machine's, not the queue's.
 */
export const argon2Control: SecurityPart = {
  name: 'argon2 control: victim login while another process keeps one core busy (no attacker requests)',
  env,
  async run(server, print, quick) {
    const seconds = quick ? 4 : 10;
    const victim = await registerAccount(server.url, `victim_${Math.random().toString(36).slice(2, 8)}`);
    const measure = victimOf(server.url, victim, seconds);
    const alone = await measure();
    print(`  alone:         ${line('login', alone.logins)}; ${line('GET /api/profile', alone.profiles)}`);
    const burner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    try {
      const burnt = await measure();
      print(`  one core busy: ${line('login', burnt.logins)}; ${line('GET /api/profile', burnt.profiles)}`);
      const factor = quantile(burnt.logins, 0.5) / quantile(alone.logins, 0.5);
      print(`  login p50 ×${factor.toFixed(1)}`);
    } finally {
      burner.kill('SIGKILL');
    }
  },
};
