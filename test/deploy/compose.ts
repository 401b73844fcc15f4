import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** What the tests read of a compose service; everything else stays `unknown`. */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  ports?: string[];
  profiles?: string[];
  restart?: string;
  [key: string]: unknown;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

/**
 * A compose file as Compose reads it with nothing set in the environment: YAML with `<<` merge keys resolved,
 * `${VAR:-default}` interpolated to its default and `$$` to `$`.
 */
export function readCompose(relativePath: string): ComposeFile {
  const interpolate = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(/(?<!\$)\$\{\w+(?::?-([^}]*))?\}/g, (_match, fallback: string | undefined) => fallback ?? '').replaceAll('$$', '$');
    }
    if (Array.isArray(value)) return value.map(interpolate);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item)]));
    return value;
  };
  return interpolate(parse(readFileSync(path.join(ROOT, relativePath), 'utf8'), { merge: true })) as ComposeFile;
}

/**
 * `docker compose -f base -f override`: mappings (environment, depends_on) merge key by key, anything else is
 * replaced, as the Compose Specification's merge rules say for the keys these files use.
 */
export function mergeCompose(base: ComposeFile, override: Partial<ComposeFile>): ComposeFile {
  const services: Record<string, ComposeService> = structuredClone(base.services);
  for (const [name, patch] of Object.entries(override.services ?? {})) {
    const target = (services[name] ??= {});
    for (const [key, value] of Object.entries(patch)) {
      const current = target[key];
      const mergeable = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
      target[key] = mergeable(current) && mergeable(value) ? { ...(current as object), ...(value as object) } : value;
    }
  }
  return { ...base, ...override, services };
}

/** Environment variable names a document spells in backticks: `LEADS_PORT`, `NODE_ENV=production`. */
export function documentedVariables(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`/g)].map((match) => match[1]!));
}

/**
 * Variables documented for users: CONTRACT.md (beside the repository, as README links it) when present, README's
 * configuration table, and the decision records (docs/adr/, e.g. the FCM_* variables of the push provider).
 */
export function documentedConfiguration(): { names: Set<string>; contract: Set<string> | null } {
  const contractPath = path.join(ROOT, '..', 'shared', 'CONTRACT.md');
  const contract = existsSync(contractPath) ? documentedVariables(readFileSync(contractPath, 'utf8')) : null;
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  const adrDir = path.join(ROOT, 'docs/adr');
  const adrs = readdirSync(adrDir).filter((file) => file.endsWith('.md')).map((file) => readFileSync(path.join(adrDir, file), 'utf8'));
  return { names: new Set([...(contract ?? []), ...documentedVariables(table), ...adrs.flatMap((adr) => [...documentedVariables(adr)])]), contract };
}
