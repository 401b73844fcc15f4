import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../../support/service-process.js';

// Jest runs from the repository root (deploy/local/stack.mjs starts it there).
const ROOT = process.cwd();
const SETPRIV = '/usr/bin/setpriv';
const KEEP_OUTPUT = 200_000;

/** Anything the suite started; `stopAll` stops every one still running, newest first. */
const running = new Set<{ stop: () => Promise<unknown> }>();

/** A service process the suite can SIGKILL, restart and inspect. */
export interface ServiceProcess {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  alive: () => boolean;
  output: () => string;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Our environment without gateway credentials: a scenario passes those itself, or the sandbox serves. */
function inherited(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(TWILIO|SENDGRID|FCM)_/.test(name)));
}

/** A child tied to us with pdeathsig, so a killed Jest never leaves a service behind. */
function spawnTied(command: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  const tied = existsSync(SETPRIV);
  return spawn(tied ? SETPRIV : command, tied ? ['--pdeathsig', 'SIGKILL', command, ...args] : args, options);
}

/** Starts `dist/apps/<name>/src/main.js` with `env` and waits until /health/ready answers 200. */
export async function startService(
  name: 'leads-service' | 'notifications-service',
  env: Record<string, string>,
  { port, timeoutMs = 90_000 }: { port?: number; timeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const listen = port ?? (await freePort());
  const portVariable = name === 'leads-service' ? 'LEADS_PORT' : 'NOTIFICATIONS_PORT';
  let output = '';
  const child = spawnTied(process.execPath, ['--enable-source-maps', path.join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
    cwd: ROOT,
    env: { ...inherited(), ...env, [portVariable]: String(listen) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Every service's whole output also goes to .data/faults-logs/, to read after a failed run.
  const logDir = path.join(ROOT, '.data', 'faults-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}-${listen}-${Date.now()}.log`);
  const append = (chunk: Buffer) => {
    appendFileSync(logFile, chunk);
    output += chunk.toString();
    if (output.length > KEEP_OUTPUT * 2) output = output.slice(-KEEP_OUTPUT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (alive()) {
      child.kill(signal);
      const escalate = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(escalate);
    }
    running.delete(handle);
  };
  const handle = { stop: () => kill('SIGTERM') };
  running.add(handle);
  const service: ServiceProcess = { name, url: `http://127.0.0.1:${listen}`, port: listen, child, alive, output: () => output, kill };
  try {
    await waitFor(async () => alive() && (await fetchStatus(`${service.url}/health/ready`)) === 200, timeoutMs, `${name} ready`, () => {
      if (!alive()) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output.slice(-4000)}`);
    });
  } catch (error) {
    await kill('SIGKILL');
    throw error;
  }
  return service;
}

/** Registers another resource (the broker, a proxy, the simulator) for `stopAll`. */
export function track(stop: () => Promise<unknown>): { stop: () => Promise<unknown> } {
  const handle = {
    stop: async () => {
      running.delete(handle);
      await stop();
    },
  };
  running.add(handle);
  return handle;
}

/** Stops everything the suite started that is still running; never throws. */
export async function stopAll(): Promise<void> {
  for (const handle of [...running].reverse()) {
    await handle.stop().catch((error: unknown) => process.stderr.write(`cleanup failed: ${String(error)}\n`));
    running.delete(handle);
  }
}

/** The HTTP status of a GET, or 0 when nothing answered. */
export async function fetchStatus(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Polls `probe` until it is true; `check` may throw to give up early (a crashed process). */
export async function waitFor(
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
  check?: () => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    check?.();
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Drops and recreates both databases of a scenario and runs both services' migrations (and seeds) on them. */
export async function freshDatabases(urls: { leads: string; notifications: string }): Promise<void> {
  const { recreateDatabase } = (await import(pathToFileURL(path.join(ROOT, 'dist/libs/platform/src/database.js')).href)) as {
    recreateDatabase: (url: string) => Promise<void>;
  };
  await recreateDatabase(urls.leads);
  await recreateDatabase(urls.notifications);
  const env = { ...process.env, LEADS_DATABASE_URL: urls.leads, NOTIFICATIONS_DATABASE_URL: urls.notifications };
  for (const service of ['leads-service', 'notifications-service']) {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'apps', service, 'src', 'migrate.js')], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`migrations of ${service} failed:\n${result.stdout}\n${result.stderr}`);
  }
}
