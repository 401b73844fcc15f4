// Regenerates the committed API documents from the code:
//   docs/asyncapi.yaml             from libs/contracts (buildAsyncApiDocument)
//   docs/openapi/<service>.json    from each service's Nest app, built but not listening
// Usage: node_modules/node/bin/node deploy/scripts/generate-docs.mjs [asyncapi|openapi|all] [--check]
// --check writes nothing and exits 1 when a committed file differs from what the code generates.
// Builds with swc first (`npm run build`). The apps are created, never initialised or started:
// MikroORM connects lazily and the Kafka clients connect on first use, so neither PostgreSQL nor
// a broker has to be up. The services' config is read from the environment as main.ts reads it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openApiServices, renderAsyncApiYaml, renderOpenApiJson } from './docs-render.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dist = (file) => pathToFileURL(path.join(ROOT, 'dist', file)).href;

const check = process.argv.includes('--check');
const stale = [];

/** Writes a generated file, or under --check only notes whether the committed one differs. */
function emit(file, text) {
  const name = path.relative(ROOT, file);
  if (check) {
    const same = existsSync(file) && readFileSync(file, 'utf8') === text;
    if (!same) stale.push(name);
    console.log(`${same ? 'up to date' : 'OUT OF DATE'}: ${name}`);
    return;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${name}`);
}

function build() {
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

async function asyncApi() {
  const { buildAsyncApiDocument } = await import(dist('libs/contracts/src/asyncapi.js'));
  emit(path.join(ROOT, 'docs/asyncapi.yaml'), renderAsyncApiYaml(buildAsyncApiDocument()));
}

/** Builds one service's document exactly as main.ts serves it at /docs-json, without listening. */
export async function openApiDocumentOf(service, env = process.env) {
  await import('reflect-metadata');
  const { createServiceApp } = await import(dist('libs/platform/src/bootstrap.js'));
  const { buildOpenApiDocument } = await import(dist('libs/platform/src/openapi.js'));
  const appModule = await import(dist(`apps/${service.name}/src/app.module.js`));
  const configModule = await import(dist(`apps/${service.name}/src/config.js`));
  const config = configModule[service.loadConfig](env);
  const app = await createServiceApp(appModule[service.module].register(config), {
    name: service.name,
    description: service.description,
    quiet: true,
    ...service.options,
  });
  try {
    return buildOpenApiDocument(app, service.name, service.description);
  } finally {
    await app.close();
  }
}

async function openApi() {
  for (const service of openApiServices) {
    emit(path.join(ROOT, 'docs/openapi', `${service.name}.json`), renderOpenApiJson(await openApiDocumentOf(service)));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const what = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'all';
  if (!['asyncapi', 'openapi', 'all'].includes(what)) {
    console.error('usage: generate-docs.mjs [asyncapi|openapi|all] [--check]');
    process.exit(64);
  }
  build();
  if (what !== 'openapi') await asyncApi();
  if (what !== 'asyncapi') await openApi();
  if (stale.length) console.error(`regenerate: node_modules/node/bin/node deploy/scripts/generate-docs.mjs ${what}`);
  // Kafka clients or pools left by a module must not keep the script alive.
  process.exit(stale.length ? 1 : 0);
}
