import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { K8sObject } from './k8s-render.js';

/**
 * The subset of kustomize that deploy/k8s uses, for machines without kubectl: resources,
 * components, namespace, images, labels, config/secret generators (create/merge) and patches
 * (JSON 6902 add/replace/remove, or `$patch: delete`). Generated names get no hash suffix.
 * k8s-manifests.int.test.ts checks it renders what kubectl renders wherever kubectl exists.
 */
export function kustomizeLite(dir: string): K8sObject[] {
  const k = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, any>;
  let objects: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const target = path.join(dir, resource);
    if (statSync(target).isDirectory()) objects.push(...kustomizeLite(target));
    else objects.push(...parseAllDocuments(readFileSync(target, 'utf8')).map((d) => d.toJS() as K8sObject).filter(Boolean));
  }
  for (const generator of k.configMapGenerator ?? []) objects = generate(objects, dir, generator, 'ConfigMap');
  for (const generator of k.secretGenerator ?? []) objects = generate(objects, dir, generator, 'Secret');
  for (const component of k.components ?? []) objects = applyComponent(objects, path.join(dir, component));
  objects = applyPatches(objects, k.patches ?? []);
  for (const label of k.labels ?? []) {
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...label.pairs };
  }
  if (k.namespace) {
    for (const o of objects) if (o.kind !== 'Namespace') o.metadata.namespace = k.namespace;
  }
  for (const image of k.images ?? []) setImage(objects, image);
  return objects;
}

function applyComponent(objects: K8sObject[], dir: string): K8sObject[] {
  const component = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, any>;
  const added = (component.resources ?? []).flatMap((file: string) =>
    parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((d) => d.toJS() as K8sObject).filter(Boolean),
  );
  return applyPatches([...objects, ...added], component.patches ?? []);
}

function readEnv(file: string): [string, string][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

function generate(objects: K8sObject[], dir: string, generator: any, kind: 'ConfigMap' | 'Secret'): K8sObject[] {
  const pairs: [string, string][] = [
    ...(generator.envs ?? []).flatMap((file: string) => readEnv(path.join(dir, file))),
    ...(generator.literals ?? []).map((literal: string) => [literal.slice(0, literal.indexOf('=')), literal.slice(literal.indexOf('=') + 1)]),
  ];
  const encode = (value: string) => (kind === 'Secret' ? Buffer.from(value).toString('base64') : value);
  const data = Object.fromEntries(pairs.map(([key, value]) => [key, encode(value)]));
  const existing = objects.find((o) => o.kind === kind && o.metadata.name === generator.name);
  if (generator.behavior === 'merge') {
    if (!existing) throw new Error(`${kind} ${generator.name}: merge without a base`);
    existing.data = { ...existing.data, ...data };
    return objects;
  }
  if (existing) throw new Error(`${kind} ${generator.name} generated twice`);
  const object: K8sObject = { apiVersion: 'v1', kind, metadata: { name: generator.name }, data };
  if (kind === 'Secret') object.type = 'Opaque';
  return [...objects, object];
}

function applyPatches(objects: K8sObject[], patches: { target: { kind?: string; name?: string }; patch: string }[]): K8sObject[] {
  let result = objects;
  for (const { target, patch } of patches) {
    const matches = (o: K8sObject) =>
      (!target.kind || o.kind === target.kind) && (!target.name || o.metadata.name === target.name);
    const body = parse(patch);
    if (!Array.isArray(body)) {
      if (body?.$patch !== 'delete') throw new Error('kustomize-lite: only `$patch: delete` strategic merges are supported');
      result = result.filter((o) => !(matches(o) && o.kind === body.kind && o.metadata.name === body.metadata.name));
      continue;
    }
    for (const object of result.filter(matches)) for (const op of body) applyOperation(object, op);
  }
  return result;
}

function applyOperation(object: any, op: { op: string; path: string; value?: unknown }): void {
  const keys = op.path.split('/').slice(1).map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop()!;
  const parent = keys.reduce((node, key) => {
    if (node?.[key] === undefined) throw new Error(`kustomize-lite: ${op.path} does not exist`);
    return node[key];
  }, object);
  if (op.op === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (op.op === 'replace' || op.op === 'add') {
    if (op.op === 'replace' && parent[last] === undefined) throw new Error(`kustomize-lite: ${op.path} does not exist`);
    if (Array.isArray(parent) && op.op === 'add') parent.splice(last === '-' ? parent.length : Number(last), 0, op.value);
    else parent[last] = op.value;
  } else {
    throw new Error(`kustomize-lite: unsupported op ${op.op}`);
  }
}

function setImage(objects: K8sObject[], image: { name: string; newName?: string; newTag?: string }): void {
  for (const o of objects) {
    const pod = o.kind === 'Deployment' || o.kind === 'Job' ? o.spec?.template?.spec : undefined;
    for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      const [name] = String(container.image).split(':');
      if (name === image.name) container.image = `${image.newName ?? name}${image.newTag ? `:${image.newTag}` : ''}`;
    }
  }
}
