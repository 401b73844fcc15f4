import { createServer, type Server, type Socket, connect } from 'node:net';
import { pathToFileURL } from 'node:url';
import { GatewaySimulator, type GatewaySimulatorOptions, SIMULATOR_DEFAULTS } from './gateway-simulator.js';

/**
 * The gateway simulator as a process of its own: the entry point of the compose `simulator` profile
 * (deploy/docker/gateway-simulator.Dockerfile). Every setting comes from the environment:
 *
 * | variable | default |
 * |---|---|
 * | `GATEWAY_SIMULATOR_PORT`, `GATEWAY_SIMULATOR_HOST` | `4010`, `0.0.0.0` |
 * | `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `SENDGRID_API_KEY`, `FCM_PROJECT_ID`, `FCM_ACCESS_TOKEN` | the simulator's defaults (`SIMULATOR_DEFAULTS`) |
 * | `GATEWAY_SIMULATOR_STATUS_CALLBACKS` | `sent,delivered`: MessageStatus values posted, signed, to each message's StatusCallback (`none` for none) |
 * | `GATEWAY_SIMULATOR_CALL_STATUS_CALLBACKS` | `ringing,in-progress,completed` for calls |
 * | `GATEWAY_SIMULATOR_CALLBACKS_TO` | — : post callbacks to this origin instead of the StatusCallback's own (inside compose, the service's name) |
 */
export interface RunningGatewaySimulator {
  simulator: GatewaySimulator;
  /** Where the gateways listen, as the services should be configured (TWILIO_API_BASE_URL, …). */
  url: string;
  close(): Promise<void>;
}

function statuses(value: string | undefined, fallback: string[]): string[] {
  if (value === undefined || value.trim() === '') return fallback;
  if (value.trim() === 'none') return [];
  return value.split(',').map((status) => status.trim()).filter(Boolean);
}

/** The simulator options an environment asks for; unknown variables are ignored. */
export function gatewaySimulatorOptions(env: NodeJS.ProcessEnv): GatewaySimulatorOptions {
  return {
    twilio: {
      accountSid: env.TWILIO_ACCOUNT_SID || SIMULATOR_DEFAULTS.twilio.accountSid,
      authToken: env.TWILIO_AUTH_TOKEN || SIMULATOR_DEFAULTS.twilio.authToken,
    },
    sendgrid: { apiKey: env.SENDGRID_API_KEY || SIMULATOR_DEFAULTS.sendgrid.apiKey },
    fcm: {
      projectId: env.FCM_PROJECT_ID || SIMULATOR_DEFAULTS.fcm.projectId,
      accessToken: env.FCM_ACCESS_TOKEN || SIMULATOR_DEFAULTS.fcm.accessToken,
    },
    autoStatusCallbacks: statuses(env.GATEWAY_SIMULATOR_STATUS_CALLBACKS, ['sent', 'delivered']),
    autoCallStatusCallbacks: statuses(env.GATEWAY_SIMULATOR_CALL_STATUS_CALLBACKS, ['ringing', 'in-progress', 'completed']),
    deliverCallbacksTo: env.GATEWAY_SIMULATOR_CALLBACKS_TO || undefined,
  };
}

/**
 * Starts the simulator and exposes it on host:port. The simulator itself listens on a loopback port of its
 * choosing (its API is made for tests); a plain TCP relay makes it reachable from other containers.
 */
export async function runGatewaySimulator(env: NodeJS.ProcessEnv = process.env): Promise<RunningGatewaySimulator> {
  const port = Number(env.GATEWAY_SIMULATOR_PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`GATEWAY_SIMULATOR_PORT: not a port: ${env.GATEWAY_SIMULATOR_PORT}`);
  const host = env.GATEWAY_SIMULATOR_HOST || '0.0.0.0';
  const simulator = await GatewaySimulator.start(gatewaySimulatorOptions(env));
  const inner = new URL(simulator.baseUrl);
  const sockets = new Set<Socket>();
  const relay: Server = createServer((client) => {
    const upstream = connect(Number(inner.port), inner.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(port, host, () => resolve());
  });
  const address = relay.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`;
  return {
    simulator,
    url,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      await simulator.close();
    },
  };
}

async function main(): Promise<void> {
  const running = await runGatewaySimulator();
  const log = (message: string, fields: Record<string, unknown> = {}) =>
    console.log(JSON.stringify({ time: new Date().toISOString(), service: 'gateway-simulator', msg: message, ...fields }));
  log('gateway simulator listening', {
    url: running.url,
    twilio: '/2010-04-01/Accounts/{sid}/Messages.json, …/Calls.json',
    sendgrid: '/v3/mail/send',
    fcm: '/v1/projects/{project}/messages:send',
    // Random per start: SendGrid event posts from this simulator verify only with this key.
    sendGridWebhookPublicKey: running.simulator.sendGridWebhookPublicKey,
  });
  // One line per gateway request and per callback, so `docker compose logs gateway-simulator` shows the traffic.
  const requestsLogged = new WeakSet<object>();
  let callbacksLogged = 0;
  const tail = setInterval(() => {
    for (const request of running.simulator.requests) {
      if (request.status === null || requestsLogged.has(request)) continue; // a hanging request is never answered
      log('gateway request', { target: request.target, path: request.path, status: request.status, id: request.gatewayMessageId });
      requestsLogged.add(request);
    }
    for (const callback of running.simulator.callbacks.slice(callbacksLogged)) {
      log('status callback posted', { url: callback.url, status: callback.status, body: callback.body });
      callbacksLogged += 1;
    }
  }, 250);
  const stop = async (signal: string) => {
    clearInterval(tail);
    log(`${signal}: stopping`);
    await running.close();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(signal));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
