import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { TopicPartitions } from '#contracts';
import { loadLeadsConfig } from '../../apps/leads-service/src/config.js';
import { loadNotificationsConfig } from '../../apps/notifications-service/src/config.js';
import { type ComposeFile, documentedConfiguration, mergeCompose, readCompose, ROOT } from './compose.js';

// The official Compose Specification schema, vendored (no maintained npm package ships it): see its $comment.
const schema = JSON.parse(readFileSync(path.join(ROOT, 'test/deploy/compose-spec.json'), 'utf8')) as Record<string, unknown>;
const main = readCompose('docker-compose.yml');
const withSimulator = mergeCompose(main, readCompose('deploy/docker/compose.simulator.yml'));
const APP_SERVICES = { 'leads-service': loadLeadsConfig, 'notifications-service': loadNotificationsConfig } as const;
const PORT_VARIABLES = { 'leads-service': 'LEADS_PORT', 'notifications-service': 'NOTIFICATIONS_PORT' } as const;

let validate: ValidateFunction;
beforeAll(() => {
  // Ajv speaks draft-07 natively; the schema names it by its https URL, which Ajv does not know by that spelling.
  const { $schema: _draft, ...body } = schema;
  validate = new Ajv({ allErrors: true, strict: false }).compile(body);
});

const errorsOf = (document: unknown) => (validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
const oneShot = (compose: ComposeFile, name: string) => compose.services[name]?.restart === 'no';

describe('docker-compose.yml against the Compose Specification schema', () => {
  it('is valid, alone and merged with deploy/docker/compose.simulator.yml', () => {
    expect(errorsOf(main)).toEqual([]);
    expect(errorsOf(readCompose('deploy/docker/compose.simulator.yml'))).toEqual([]);
    expect(errorsOf(withSimulator)).toEqual([]);
  });

  it('is a schema that refuses what Compose refuses (a misspelt key, an unknown depends_on condition)', () => {
    const misspelt = structuredClone(main);
    (misspelt.services['leads-service'] as Record<string, unknown>).buidl = '.';
    expect(errorsOf(misspelt).length).toBeGreaterThan(0);
    const badCondition = structuredClone(main);
    badCondition.services['leads-service']!.depends_on!['leads-migrate'] = { condition: 'service_done' };
    expect(errorsOf(badCondition).length).toBeGreaterThan(0);
  });
});

describe.each([
  ['docker-compose.yml', main],
  ['docker-compose.yml + compose.simulator.yml', withSimulator],
])('%s: what the schema cannot check', (_name, compose) => {
  it('names only services that exist in depends_on, waiting for health only where a healthcheck exists', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(`${name} → ${target}: ${Object.hasOwn(compose.services, target)}`).toBe(`${name} → ${target}: true`);
        if (condition === 'service_healthy') expect(compose.services[target]!.healthcheck?.test).toBeDefined();
        if (condition === 'service_completed_successfully') expect(`${target} one-shot: ${oneShot(compose, target)}`).toBe(`${target} one-shot: true`);
      }
    }
  });

  it('gives every long-running service a healthcheck', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (oneShot(compose, name)) continue;
      expect(`${name}: ${JSON.stringify(service.healthcheck?.test)}`).toMatch(/: \["CMD(-SHELL)?",/);
    }
  });
});

describe('docker-compose.yml: migrations, topics and configuration', () => {
  it.each(Object.keys(APP_SERVICES))(
    '%s starts only after its migrations ran as a one-shot job of the same image, with the script npm start/npm test run',
    (name) => {
      const service = main.services[name]!;
      const migrate = main.services[name.replace('-service', '-migrate')]!;
      expect(service.depends_on?.[name.replace('-service', '-migrate')]).toEqual({ condition: 'service_completed_successfully' });
      expect(migrate.restart).toBe('no');
      expect(migrate.build).toEqual(service.build);
      expect(migrate.command).toEqual(['node', `dist/apps/${name}/src/migrate.js`]);
      expect(migrate.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
      // deploy/local/stack.mjs (npm start, npm test, CI) migrates with the same file.
      expect(readFileSync(path.join(ROOT, 'deploy/local/stack.mjs'), 'utf8')).toContain('[`dist/apps/${service}/src/migrate.js`]');
      expect(service.depends_on?.['kafka-topics']).toEqual({ condition: 'service_completed_successfully' });
    },
  );

  it('creates every topic of libs/contracts with its partition count, in a one-shot job', () => {
    const script = main.services['kafka-topics']!.command!.join('\n');
    const created = Object.fromEntries([...script.matchAll(/([a-z.-]+\.v1):(\d+)/g)].map((m) => [m[1], Number(m[2])]));
    expect(created).toEqual(TopicPartitions);
    expect(oneShot(main, 'kafka-topics')).toBe(true);
  });

  it.each([
    ['docker-compose.yml', main],
    ['with the simulator', withSimulator],
  ])('%s: each service gets only variables its config reads, documented (CONTRACT.md, README, docs/adr), valid', (_name, compose) => {
    const { names, contract } = documentedConfiguration();
    if (contract) expect(contract).toContain('NOTIFICATIONS_DATABASE_URL'); // the parser reads CONTRACT.md at all
    for (const [name, load] of Object.entries(APP_SERVICES)) {
      for (const serviceName of [name, name.replace('-service', '-migrate')]) {
        const environment = Object.fromEntries(
          Object.entries(compose.services[serviceName]!.environment ?? {}).map(([key, value]) => [key, String(value)]),
        );
        const config = load(environment) as Record<string, unknown>; // throws, naming the variable, on a bad value
        for (const variable of Object.keys(environment)) {
          expect(`${serviceName} ${variable} read: ${Object.hasOwn(config, variable)}`).toBe(`${serviceName} ${variable} read: true`);
          expect(`${serviceName} ${variable} documented: ${names.has(variable)}`).toBe(`${serviceName} ${variable} documented: true`);
        }
        if (serviceName === name) {
          // The published container port is the one the service listens on (its *_PORT default, CONTRACT.md).
          const port = config[PORT_VARIABLES[name as keyof typeof PORT_VARIABLES]];
          expect(compose.services[name]!.ports).toEqual([`${port}:${port}`]);
        }
      }
    }
  });
});

describe('the gateway simulator profile', () => {
  const simulator = main.services['gateway-simulator']!;
  const simulatorEnv = simulator.environment ?? {};
  const notificationsEnv = withSimulator.services['notifications-service']!.environment ?? {};

  it('is optional: in the `simulator` profile only, and nothing starts it by default', () => {
    expect(simulator.profiles).toEqual(['simulator']);
    expect(main.services['notifications-service']!.environment).not.toHaveProperty('TWILIO_API_BASE_URL');
    for (const [name, service] of Object.entries(main.services)) {
      if (!service.profiles?.length) expect(`${name}: ${Object.keys(service.depends_on ?? {})}`).not.toContain('gateway-simulator');
    }
  });

  it('with compose.simulator.yml, points every gateway of notifications-service at it, with the credentials it checks', () => {
    const base = `http://gateway-simulator:${simulatorEnv.GATEWAY_SIMULATOR_PORT}`;
    expect(simulator.ports).toEqual([`${simulatorEnv.GATEWAY_SIMULATOR_PORT}:${simulatorEnv.GATEWAY_SIMULATOR_PORT}`]);
    expect(notificationsEnv).toMatchObject({ TWILIO_API_BASE_URL: base, SENDGRID_API_BASE_URL: base, FCM_API_BASE_URL: base });
    for (const credential of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'SENDGRID_API_KEY', 'FCM_PROJECT_ID', 'FCM_ACCESS_TOKEN']) {
      expect(`${credential}=${notificationsEnv[credential]}`).toBe(`${credential}=${simulatorEnv[credential]}`);
    }
    expect(withSimulator.services['notifications-service']!.depends_on?.['gateway-simulator']).toEqual({ condition: 'service_healthy' });
  });

  it('posts status callbacks to notifications-service by name, signed over its PUBLIC_BASE_URL with its token', () => {
    const config = loadNotificationsConfig(Object.fromEntries(Object.entries(notificationsEnv).map(([k, v]) => [k, String(v)])));
    expect(simulatorEnv.GATEWAY_SIMULATOR_CALLBACKS_TO).toBe(`http://notifications-service:${config.NOTIFICATIONS_PORT}`);
    expect(new URL(config.PUBLIC_BASE_URL).port).toBe(String(config.NOTIFICATIONS_PORT)); // published on the same port
    expect(config.TWILIO_AUTH_TOKEN).toBe(simulatorEnv.TWILIO_AUTH_TOKEN);
  });
});
