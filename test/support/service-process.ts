import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

// Jest and the stack runner both run from the repository root.
const ROOT = process.cwd();

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningService {
  name: string;
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM (or another signal), then the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts a built service (`dist/apps/<name>/src/main.js`) as its own OS process and waits for /health/ready. */
export async function startServiceProcess(
  name: 'leads-service' | 'notifications-service',
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<RunningService> {
  const port = await freePort();
  const portVariable = name === 'leads-service' ? 'LEADS_PORT' : 'NOTIFICATIONS_PORT';
  let output = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env, [portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready:\n${output}`);
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    name,
    url,
    child,
    output: () => output,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `probe` until it returns a value (not undefined), or fails after the timeout. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The secret the services check tokens with in tests: the environment's, else the development default. */
export const TEST_AUTH_SECRET = process.env.AUTH_JWT_SECRET ?? 'chargesol-dev-only-secret-change-me-in-production';

/** leads-service and notifications-service as OS processes with the same extra environment, started together. */
export async function startBothServices(env: Record<string, string>): Promise<{ leads: RunningService; notifications: RunningService }> {
  const [leads, notifications] = await Promise.all([startServiceProcess('leads-service', env), startServiceProcess('notifications-service', env)]);
  return { leads, notifications };
}

/** A JSON call to a running service as the bearer of `token`: the status and the parsed body (undefined when empty). */
export async function callService(
  service: RunningService,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(service.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
