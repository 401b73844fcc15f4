import { FaultBroker, phoneNumbers } from './kafka.js';
import { FAULTS_JWT_SECRET } from './lead-load.js';
import { withDatabase } from './ledger.js';

/** Both databases of one scenario. */
export interface ScenarioDatabases {
  leads: string;
  notifications: string;
}

/** One row of the report; a scenario that could not finish has `lost`/`duplicated` null and a failure. */
export interface ScenarioRow {
  scenario: string;
  events: string;
  lost: number | null;
  duplicated: number | null;
  details: string[];
  failures: string[];
  seconds: number;
}

/** What every scenario shares: the broker, the base database URLs, phone numbers unique across the run. */
export class FaultContext {
  readonly broker: FaultBroker;
  readonly nextPhone = phoneNumbers();
  /** Lead events per Kafka scenario (FAULTS_EVENTS, default 5000). */
  readonly events = Number(process.env.FAULTS_EVENTS ?? 5_000);

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    if (!env.FAULTS_KAFKA_PORT || !env.FAULTS_KAFKA_DIR) throw new Error('run the fault suite with `npm run test:faults`');
    this.broker = new FaultBroker(Number(env.FAULTS_KAFKA_PORT), env.FAULTS_KAFKA_DIR);
  }

  /** Fresh databases of their own per scenario, named after the `_faults` ones. */
  databases(scenario: string): ScenarioDatabases {
    return {
      leads: withDatabase(this.required('LEADS_DATABASE_URL'), `_${scenario}`),
      notifications: withDatabase(this.required('NOTIFICATIONS_DATABASE_URL'), `_${scenario}`),
    };
  }

  /** Environment of a service process in a scenario; gateway credentials only when a scenario passes them. */
  serviceEnv(databases: ScenarioDatabases, overrides: Record<string, string> = {}): Record<string, string> {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: this.broker.brokers,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      AUTH_JWT_SECRET: FAULTS_JWT_SECRET,
      QUIET_HOURS: 'off',
      RATE_LIMIT_PER_MINUTE: '100000000',
      SEND_RATE_PER_SECOND: '1000',
      DISPATCH_BATCH_SIZE: '200',
      SHUTDOWN_TIMEOUT_MS: '5000',
      LEADS_DATABASE_URL: databases.leads,
      NOTIFICATIONS_DATABASE_URL: databases.notifications,
      ...overrides,
    };
  }

  private required(name: string): string {
    const value = this.env[name];
    if (!value) throw new Error(`${name} is not set (run the fault suite with \`npm run test:faults\`)`);
    return value;
  }
}

const suiteStarted = Date.now();

/** A progress line on stderr (phases of a scenario, with the time since the suite started). */
export function progress(message: string): void {
  process.stderr.write(`[faults +${Math.round((Date.now() - suiteStarted) / 1000)} s] ${message}\n`);
}

/** Runs a scenario, timing it; an exception becomes a failed row instead of losing the table. */
export async function runScenario(
  scenario: string,
  events: string,
  body: (row: ScenarioRow) => Promise<void>,
): Promise<ScenarioRow> {
  const started = Date.now();
  const row: ScenarioRow = { scenario, events, lost: null, duplicated: null, details: [], failures: [], seconds: 0 };
  progress(`${scenario}: starting`);
  try {
    await body(row);
  } catch (error) {
    row.failures.push((error as Error).stack ?? String(error));
  }
  row.seconds = Math.round((Date.now() - started) / 1000);
  if (row.lost === null || row.duplicated === null) row.failures.push('lost/duplicated were not counted');
  else if (row.lost > 0 || row.duplicated > 0) row.failures.push(`lost ${row.lost}, duplicated ${row.duplicated}`);
  process.stdout.write(`${formatRow(row)}\n`);
  return row;
}

/** `| scenario | events … | lost 0 | duplicated 0 | details | 92 s | ok |` */
export function formatRow(row: ScenarioRow): string {
  const count = (value: number | null) => (value === null ? '?' : String(value));
  return `| ${row.scenario} | ${row.events} | lost ${count(row.lost)} | duplicated ${count(row.duplicated)} | ${row.details.join('; ')} | ${row.seconds} s | ${row.failures.length ? 'FAILED' : 'ok'} |`;
}

/** The whole table, then the reasons of every failed row. */
export function formatTable(rows: ScenarioRow[], totalSeconds: number): string {
  const lines = ['', '| scenario | events | lost | duplicated | details | time | result |', '|---|---|---|---|---|---|---|', ...rows.map(formatRow)];
  lines.push(`total ${totalSeconds} s`);
  for (const row of rows.filter((candidate) => candidate.failures.length)) {
    lines.push(`FAILED ${row.scenario}:`, ...row.failures.map((failure) => `  - ${failure.split('\n').slice(0, 6).join('\n    ')}`));
  }
  return `${lines.join('\n')}\n`;
}
