import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { loadLeadsConfig } from '../../apps/leads-service/src/config.js';
import { loadNotificationsConfig } from '../../apps/notifications-service/src/config.js';
import { readCompose, ROOT } from './compose.js';

// hadolint is in neither the npm registry nor Debian's archive, so: dockerfile-utils' validator (the linter behind
// VS Code's Dockerfile support) for syntax and instruction errors, and the rules below, on dockerfile-ast's parse.

interface Stage {
  name: string | null;
  image: string;
  instructions: Instruction[];
}

interface Image {
  file: string;
  text: string;
  stages: Stage[];
  final: Stage;
}

function readImage(file: string): Image {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map(dockerfile.getInitialARGs().map((arg) => [arg.getProperty()!.getName(), arg.getProperty()!.getValue() ?? '']));
  const resolve = (value: string) => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced, bare) => args.get(braced ?? bare) ?? '');
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const [image = '', as, name] = instruction.getArguments().map((argument) => argument.getValue());
      stages.push({ name: as?.toUpperCase() === 'AS' ? name! : null, image: resolve(image), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { file, text, stages, final: stages.at(-1)! };
}

const raw = (instruction: Instruction) => instruction.getArgumentsContent() ?? '';
const all = (stage: Stage, keyword: string) => stage.instructions.filter((instruction) => instruction.getKeyword() === keyword);
const copyFrom = (instruction: Instruction) => (instruction instanceof Copy ? (instruction.getFromFlag()?.getValue() ?? null) : null);
const nodeVersion = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies.node as string;
const stackMjs = readFileSync(path.join(ROOT, 'deploy/local/stack.mjs'), 'utf8');

const services = [
  { name: 'leads-service', port: loadLeadsConfig({}).LEADS_PORT, portVariable: 'LEADS_PORT' },
  { name: 'notifications-service', port: loadNotificationsConfig({}).NOTIFICATIONS_PORT, portVariable: 'NOTIFICATIONS_PORT' },
];
const images = [
  ...services.map((service) => `deploy/docker/${service.name}.Dockerfile`),
  'deploy/docker/gateway-simulator.Dockerfile',
].map(readImage);

describe.each(images)('$file', (image) => {
  it('passes the Dockerfile linter with no error or warning', () => {
    expect(validate(image.text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is multi-stage: a build stage with the dev toolchain, a final stage without it', () => {
    expect(image.stages.length).toBeGreaterThanOrEqual(2);
    expect(image.stages.map((stage) => stage.name)).toContain('build');
    expect(image.final.name).toBeNull();
    expect(all(image.final, 'RUN').map(raw).join('\n')).not.toMatch(/npm (install|ci)|swc|tsc/);
  });

  it(`runs every stage on Node ${nodeVersion} slim, the Node npm start and CI run, pinned, never latest`, () => {
    for (const stage of image.stages) {
      expect(stage.image).toMatch(/^node:(\d+\.\d+\.\d+)-(bookworm|trixie)-slim$/);
      expect(stage.image).toBe(stage.image.replace(/^node:[^-]+/, `node:${nodeVersion}`));
      expect(stage.image).not.toMatch(/:latest$|^[^:]+$/);
    }
  });

  it('runs as a non-root user in the final stage, set before CMD', () => {
    const users = all(image.final, 'USER').map(raw);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const keywords = image.final.instructions.map((instruction) => instruction.getKeyword());
    expect(keywords.lastIndexOf('USER')).toBeLessThan(keywords.lastIndexOf('CMD'));
  });

  it('ships production dependencies only: node_modules comes from a stage that installed with --omit=dev', () => {
    const copies = all(image.final, 'COPY').filter((copy) => /node_modules/.test(raw(copy)));
    expect(copies).toHaveLength(1);
    const source = image.stages.find((stage) => stage.name === copyFrom(copies[0]!))!;
    expect(all(source, 'RUN').map(raw).join('\n')).toMatch(/npm install [^\n]*--omit=dev/);
    for (const copy of all(image.final, 'COPY').filter((c) => copyFrom(c) === 'build')) expect(raw(copy)).not.toMatch(/node_modules/);
  });

  it('has a HEALTHCHECK in exec form that needs nothing but node (no curl in a slim image)', () => {
    const checks = all(image.final, 'HEALTHCHECK').map(raw);
    expect(checks).toHaveLength(1);
    const command = JSON.parse(checks[0]!.slice(checks[0]!.indexOf('CMD') + 3).trim()) as string[];
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
  });

  it('uses CMD in exec form (signals reach node), COPY rather than ADD, absolute WORKDIRs', () => {
    const cmds = all(image.final, 'CMD').map(raw);
    expect(cmds).toHaveLength(1);
    expect(Array.isArray(JSON.parse(cmds[0]!))).toBe(true);
    expect(image.stages.flatMap((stage) => all(stage, 'ADD'))).toEqual([]);
    for (const stage of image.stages) for (const workdir of all(stage, 'WORKDIR')) expect(raw(workdir)).toMatch(/^\//);
  });

  it('copies only sources that exist, and its .dockerignore keeps node_modules, .git and local data out of the context', () => {
    for (const stage of image.stages) {
      for (const copy of all(stage, 'COPY').filter((c) => copyFrom(c) === null)) {
        const sources = copy.getArguments().map((argument) => argument.getValue()).slice(0, -1);
        for (const source of sources) expect(`${source}: ${existsSync(path.join(ROOT, source))}`).toBe(`${source}: true`);
      }
    }
    const ignore = readFileSync(path.join(ROOT, `${image.file}.dockerignore`), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.data', '.cache']));
  });
});

describe.each(services)('the $name image runs what npm start and CI run', (service) => {
  const image = images.find((candidate) => candidate.file.includes(service.name))!;
  const build = image.stages.find((stage) => stage.name === 'build')!;

  it('builds with `npm run build`, the same SWC build deploy/local/stack.mjs runs for npm start and npm test (CI)', () => {
    expect(all(build, 'RUN').map(raw)).toContain('npm run build');
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const npmBuild = scripts.build!.replace(/'/g, '').split(/\s+/).slice(1).sort();
    const stackBuild = /\[swc, ([^\]]+)\]/.exec(stackMjs.replace(/\s+/g, ' '))![1]!.split(', ').map((token) => token.replace(/'/g, '')).sort();
    expect(npmBuild).toEqual(stackBuild);
    expect(readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('starts the service with the command npm start uses, and compose migrates with the script npm start uses', () => {
    const main = `dist/apps/${service.name}/src/main.js`;
    expect(JSON.parse(raw(all(image.final, 'CMD')[0]!))).toEqual(['node', '--enable-source-maps', main]);
    expect(stackMjs).toContain(`'${main}'`);
    expect(stackMjs).toMatch(/spawnTied\(NODE, \[[^\]]*'--enable-source-maps', script\]/); // (optional profiling flags may precede)
    expect(existsSync(path.join(ROOT, `apps/${service.name}/src/main.ts`))).toBe(true);
    const migrate = readCompose('docker-compose.yml').services[service.name.replace('-service', '-migrate')]!;
    expect(migrate.build?.dockerfile).toBe(image.file);
    expect(existsSync(path.join(ROOT, migrate.command![1]!.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  });

  it(`exposes port ${service.port} and checks /health/ready on ${service.portVariable} (default ${service.port})`, () => {
    expect(all(image.final, 'EXPOSE').map(raw)).toEqual([String(service.port)]);
    const check = raw(all(image.final, 'HEALTHCHECK')[0]!);
    expect(check).toContain('/health/ready');
    expect(check).toContain(`process.env.${service.portVariable} || ${service.port}`);
  });
});

describe('the gateway simulator image', () => {
  const image = images.find((candidate) => candidate.file.includes('gateway-simulator'))!;

  it('compiles the entry point and every module it imports, and runs the entry point', () => {
    const copied = all(image.stages[0]!, 'COPY').flatMap((copy) => copy.getArguments().map((a) => a.getValue()).slice(0, -1));
    const entry = 'test/support/gateway-simulator-main.ts';
    // Every module reachable from the entry point by relative imports, copied by name or with its folder.
    const reachable = new Set<string>();
    const visit = (file: string): void => {
      if (reachable.has(file)) return;
      reachable.add(file);
      for (const m of readFileSync(path.join(ROOT, file), 'utf8').matchAll(/from '(\.[^']+)\.js'/g)) visit(path.join(path.dirname(file), `${m[1]}.ts`));
    };
    visit(entry);
    expect(reachable.size).toBeGreaterThan(2);
    const isCopied = (file: string) => copied.some((source) => source === file || (source.endsWith('/') && file.startsWith(source)));
    for (const file of reachable) expect(`${file}: ${isCopied(file) ? 'copied' : 'not copied'}`).toBe(`${file}: copied`);
    expect(JSON.parse(raw(all(image.final, 'CMD')[0]!))).toEqual(['node', '--enable-source-maps', 'dist/test/support/gateway-simulator-main.js']);
  });
});

describe('the Dockerfile linter', () => {
  it('is awake: it flags a bad healthcheck flag, a bad port and an unknown instruction', () => {
    const messages = validate('FROM node:24.21.0-bookworm-slim\nHEALTHCHECK --interval=ten CMD true\nEXPOSE http\nRUNN true\n');
    expect(messages.length).toBeGreaterThanOrEqual(3);
  });
});
