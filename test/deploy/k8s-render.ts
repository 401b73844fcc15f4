import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kustomizeLite } from './kustomize-lite.js';

/** The repository root (tests run from it; resolved from this file to be sure). */
export const ROOT = path.resolve(import.meta.dirname, '../..');
export const K8S_DIR = path.join(ROOT, 'deploy/k8s');
export const Overlays = ['dev', 'prod'] as const;
export type Overlay = (typeof Overlays)[number];

/** A rendered Kubernetes object, loosely typed: the schema validation gives it its shape. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

/** True where kubectl (and its built-in kustomize) is installed. */
export function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Renders an overlay with kubectl's kustomize when installed, else with the subset in kustomize-lite.ts. */
export function renderOverlay(overlay: Overlay): K8sObject[] {
  return hasKubectl() ? renderWithKubectl(overlay) : renderWithKustomizeLite(overlay);
}

/** Renders an overlay with the small in-repo resolver (no hash suffixes on generated names). */
export function renderWithKustomizeLite(overlay: Overlay): K8sObject[] {
  return kustomizeLite(path.join(K8S_DIR, 'overlays', overlay));
}

/** Renders an overlay with the kustomize built into kubectl, exactly as `kubectl apply -k` would. */
export function renderWithKubectl(overlay: Overlay): K8sObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', path.join(K8S_DIR, 'overlays', overlay)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Error('kubectl is not installed: it renders deploy/k8s (kubectl kustomize)');
    throw new Error(`kubectl kustomize overlays/${overlay} failed: ${err.stderr ?? err.message}`);
  }
  return parseAllDocuments(output).map((doc) => {
    if (doc.errors.length) throw new Error(`overlay ${overlay} rendered invalid YAML: ${doc.errors[0]!.message}`);
    return doc.toJS() as K8sObject;
  });
}

/** Parses a dotenv-style file (KEY=value lines, # comments) as kustomize's `envs` does. */
export function readEnvFile(file: string): Record<string, string> {
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    });
  return Object.fromEntries(entries);
}

/** Finds one object by kind and exact name (references to generated objects carry their hashed name). */
export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** The string data of a ConfigMap or Secret (Secret `data` is base64). */
export function objectData(object: K8sObject): Record<string, string> {
  if (object.kind === 'Secret') {
    const decoded = Object.entries(object.data ?? {}).map(
      ([key, value]) => [key, Buffer.from(String(value), 'base64').toString('utf8')] as const,
    );
    return { ...Object.fromEntries(decoded), ...(object.stringData ?? {}) };
  }
  return { ...(object.data ?? {}) };
}
