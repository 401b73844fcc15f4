import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConsumerGroups, TopicPartitions, Topics, type TopicName } from '#contracts';
import { loadLeadsConfig } from '../../apps/leads-service/src/config.js';
import { loadNotificationsConfig } from '../../apps/notifications-service/src/config.js';
import {
  findObject,
  hasKubectl,
  K8S_DIR,
  objectData,
  Overlays,
  readEnvFile,
  renderOverlay,
  renderWithKubectl,
  renderWithKustomizeLite,
  type K8sObject,
  type Overlay,
} from './k8s-render.js';

/** What each service is, as the manifests must reflect it. */
const Services = {
  'leads-service': {
    load: loadLeadsConfig as (env: NodeJS.ProcessEnv) => Record<string, unknown>,
    portVariable: 'LEADS_PORT',
    group: ConsumerGroups.LeadsInbound,
    consumes: [Topics.InboundLeads, Topics.NotificationEvents] as TopicName[],
  },
  'notifications-service': {
    load: loadNotificationsConfig as (env: NodeJS.ProcessEnv) => Record<string, unknown>,
    portVariable: 'NOTIFICATIONS_PORT',
    group: ConsumerGroups.Notifications,
    consumes: [Topics.LeadEvents] as TopicName[],
  },
} as const;
type ServiceName = keyof typeof Services;
const serviceNames = Object.keys(Services) as ServiceName[];

const rendered = Object.fromEntries(Overlays.map((overlay) => [overlay, renderOverlay(overlay)])) as Record<
  Overlay,
  K8sObject[]
>;

/** Validates an object against the official schema of its apiVersion/kind (kubernetes-models). */
async function validateAgainstKubernetesSchema(object: K8sObject): Promise<void> {
  const modulePath = `kubernetes-models/${object.apiVersion}`;
  const models = (await import(modulePath)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = models[object.kind];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  new Model(withUnwrappedSecretData(object)).validate();
}

/** kustomize wraps long base64 values over lines; the API server's decoder skips newlines, the schema's `byte` format does not. */
function withUnwrappedSecretData(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  const data = Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, String(v).replace(/\n/g, '')]));
  return { ...object, data };
}

function get(objects: K8sObject[], kind: string, name: string): K8sObject {
  const object = findObject(objects, kind, name);
  if (!object) throw new Error(`${kind} ${name} is missing`);
  return object;
}

/** The variables a container gets through envFrom: ConfigMaps from the render, Secrets from it or (prod) the example file. */
function environmentOf(overlay: Overlay, container: any): { env: Record<string, string>; sources: string[] } {
  const env: Record<string, string> = {};
  const sources: string[] = [];
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      Object.assign(env, objectData(get(rendered[overlay], 'ConfigMap', from.configMapRef.name)));
      sources.push(`ConfigMap ${from.configMapRef.name}`);
    } else if (from.secretRef) {
      const secret = findObject(rendered[overlay], 'Secret', from.secretRef.name);
      // prod Secrets are created out of band with the keys of the example file.
      const data = secret
        ? objectData(secret)
        : readEnvFile(path.join(K8S_DIR, 'overlays', overlay, `${from.secretRef.name.replace(/-secrets$/, '')}.secrets.example.env`));
      Object.assign(env, data);
      sources.push(`Secret ${from.secretRef.name}`);
    }
  }
  return { env, sources };
}

describe.each(Overlays)('deploy/k8s overlay %s', (overlay) => {
  const objects = rendered[overlay];

  it('renders and every object is valid against the Kubernetes OpenAPI schemas', async () => {
    expect(objects.length).toBeGreaterThan(10);
    const failures: string[] = [];
    for (const object of objects.filter((o) => o.kind !== 'KafkaTopic')) {
      try {
        await validateAgainstKubernetesSchema(object);
      } catch (error) {
        failures.push(`${object.kind} ${object.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('puts every object in the overlay namespace', () => {
    const namespace = get(objects, 'Namespace', overlay === 'prod' ? 'chargesol' : 'chargesol-dev').metadata.name;
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
      expect(`${object.kind} ${object.metadata.name} in ${object.metadata.namespace}`).toBe(
        `${object.kind} ${object.metadata.name} in ${namespace}`,
      );
    }
  });

  it('creates every contract topic with the partition count of TopicPartitions', () => {
    const job = findObject(objects, 'Job', 'kafka-topics');
    const created: Record<string, number> = {};
    if (job) {
      const env = job.spec.template.spec.containers[0].env as { name: string; value?: string }[];
      for (const entry of env.find((e) => e.name === 'TOPICS')!.value!.split(/\s+/).filter(Boolean)) {
        const [topic, partitions] = entry.split(':');
        created[topic!] = Number(partitions);
      }
      expect(Number(env.find((e) => e.name === 'REPLICATION_FACTOR')!.value)).toBe(overlay === 'dev' ? 1 : 3);
    }
    for (const topic of objects.filter((o) => o.kind === 'KafkaTopic')) {
      expect(topic.apiVersion).toBe('kafka.strimzi.io/v1beta2');
      expect(topic.metadata.labels?.['strimzi.io/cluster']).toBeTruthy();
      expect(Number.isInteger(topic.spec.partitions) && Number.isInteger(topic.spec.replicas)).toBe(true);
      expect(topic.spec.replicas).toBeGreaterThan(Number(topic.spec.config['min.insync.replicas']));
      created[topic.spec.topicName] = topic.spec.partitions;
    }
    // Exactly one mechanism per overlay: the Job (dev) or Strimzi KafkaTopics (prod).
    expect(Boolean(job)).toBe(overlay === 'dev');
    expect(created).toEqual(TopicPartitions);
  });

  describe.each(serviceNames)('%s', (service) => {
    const deployment = () => get(objects, 'Deployment', service);
    const container = () => deployment().spec.template.spec.containers[0];

    it('probes the health routes on the port the service listens on', () => {
      const c = container();
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
      expect(c.startupProbe.httpGet.path).toBe('/health/live');
      const { env } = environmentOf(overlay, c);
      const config = Services[service].load(env);
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
        const port = c.ports.find((p: any) => p.name === probe.httpGet.port || p.containerPort === probe.httpGet.port);
        expect(port?.containerPort).toBe(config[Services[service].portVariable]);
      }
      const svc = get(objects, 'Service', service);
      expect(svc.spec.selector).toEqual(deployment().spec.selector.matchLabels);
      expect(c.ports.map((p: any) => p.name)).toContain(svc.spec.ports[0].targetPort);
    });

    it('gets only variables its config schema knows, and they pass its validation', () => {
      const { env, sources } = environmentOf(overlay, container());
      expect(sources).toEqual([
        expect.stringMatching(/^ConfigMap platform-config/),
        expect.stringMatching(new RegExp(`^ConfigMap ${service}-config`)),
        expect.stringMatching(new RegExp(`^Secret ${service}-secrets`)),
      ]);
      const config = Services[service].load(env); // throws ConfigError naming a bad value
      const unknown = Object.keys(env).filter((name) => !Object.hasOwn(config, name));
      expect(unknown).toEqual([]);
    });

    it('keeps secrets out of ConfigMaps and config out of Secrets', () => {
      const secretNames = /SECRET|TOKEN|API_KEY|DATABASE_URL|PASSWORD/;
      for (const from of container().envFrom) {
        const keys = from.configMapRef
          ? Object.keys(objectData(get(objects, 'ConfigMap', from.configMapRef.name)))
          : Object.keys(environmentOf(overlay, { envFrom: [from] }).env);
        for (const key of keys) expect(`${key} in ${from.configMapRef ? 'ConfigMap' : 'Secret'}`).toBe(
          `${key} in ${secretNames.test(key) ? 'Secret' : 'ConfigMap'}`,
        );
      }
    });

    it('runs as non-root on a read-only root filesystem with sized resources', () => {
      const pod = deployment().spec.template.spec;
      const c = container();
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(get(objects, 'ServiceAccount', pod.serviceAccountName).automountServiceAccountToken).toBe(false);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.volumeMounts.map((m: any) => m.mountPath)).toContain('/tmp');
      expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.image).toMatch(new RegExp(`^chargesol/${service}:`));
    });

    it('gives the process longer than its own shutdown to stop', () => {
      const pod = deployment().spec.template.spec;
      const { env } = environmentOf(overlay, container());
      const shutdownMs = Number(Services[service].load(env).SHUTDOWN_TIMEOUT_MS);
      const preStop = container().lifecycle?.preStop?.exec?.command ?? [];
      const preStopMs = preStop[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(shutdownMs + preStopMs);
    });

    it('scales on CPU and on the lag of its consumer group, never past its partitions', () => {
      const hpa = get(objects, 'HorizontalPodAutoscaler', service);
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: service });
      const cpu = hpa.spec.metrics.find((m: any) => m.type === 'Resource');
      expect(cpu.resource.name).toBe('cpu');
      const lag = hpa.spec.metrics.find((m: any) => m.type === 'External');
      expect(lag.external.metric).toEqual({
        name: 'kafka_consumergroup_lag',
        selector: { matchLabels: { consumergroup: Services[service].group } },
      });
      const partitions = Math.max(...Services[service].consumes.map((topic) => TopicPartitions[topic]));
      expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(partitions);
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    });

    it('has a PodDisruptionBudget over its pods', () => {
      const pdb = get(objects, 'PodDisruptionBudget', service);
      expect(pdb.spec.selector.matchLabels).toEqual(deployment().spec.selector.matchLabels);
      expect(pdb.spec.maxUnavailable ?? pdb.spec.minAvailable).toBeDefined();
    });

    it('migrates with a Job running migrate.js from the same image and configuration', () => {
      const job = get(objects, 'Job', `${service}-migrate`);
      const migrate = job.spec.template.spec.containers[0];
      expect(migrate.command).toEqual(['node', `dist/apps/${service}/src/migrate.js`]);
      expect(migrate.image).toBe(container().image);
      expect(migrate.envFrom).toEqual(container().envFrom);
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
      expect(job.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    });
  });
});

/** A render with generated names unhashed, Secret data decoded and objects in a stable order, for comparison. */
function comparable(objects: K8sObject[]): unknown[] {
  const generated = objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret').map((o) => o.metadata.name.replace(/-[a-z0-9]{10}$/, ''));
  let text = JSON.stringify(
    objects.map((o) => (o.kind === 'Secret' ? { ...o, data: objectData(o) } : o)),
  );
  for (const name of generated) text = text.replace(new RegExp(`"${name}-[a-z0-9]{10}"`, 'g'), `"${name}"`);
  const unhashed = JSON.parse(text) as K8sObject[];
  return unhashed.sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

describe('deploy/k8s renderers', () => {
  const itWithKubectl = hasKubectl() ? it : it.skip;
  itWithKubectl.each(Overlays)('kustomize-lite renders overlay %s as kubectl kustomize does (the fallback stays faithful)', (overlay) => {
    expect(comparable(renderWithKustomizeLite(overlay))).toEqual(comparable(renderWithKubectl(overlay)));
  });
});

describe.each(serviceNames)('deploy/docker/%s.Dockerfile, the image the manifests run', (service) => {
  const dockerfile = readFileSync(path.join(K8S_DIR, '..', 'docker', `${service}.Dockerfile`), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const container = get(rendered.prod, 'Deployment', service).spec.template.spec.containers[0];

  it('runs from /app as the node user (uid 1000, the runAsUser of the pods)', () => {
    expect(runtime).toMatch(/^WORKDIR \/app$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(get(rendered.prod, 'Deployment', service).spec.template.spec.securityContext.runAsUser).toBe(1000);
  });

  it('exposes the container port and ships the migrate.js the Job runs', () => {
    expect(runtime).toContain(`EXPOSE ${container.ports[0].containerPort}`);
    const migrate = get(rendered.prod, 'Job', `${service}-migrate`).spec.template.spec.containers[0].command[1];
    expect(existsSync(path.join(K8S_DIR, '../..', migrate.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
  });
});

describe('deploy/k8s prod webhooks', () => {
  it('routes PUBLIC_BASE_URL/webhooks to notifications-service, where gateways call back', () => {
    const ingress = get(rendered.prod, 'Ingress', 'notifications-webhooks');
    const deployment = get(rendered.prod, 'Deployment', 'notifications-service');
    const publicUrl = new URL(environmentOf('prod', deployment.spec.template.spec.containers[0]).env.PUBLIC_BASE_URL!);
    expect(publicUrl.protocol).toBe('https:');
    const rule = ingress.spec.rules.find((r: any) => r.host === publicUrl.hostname);
    expect(rule.http.paths).toEqual([
      expect.objectContaining({ path: '/webhooks', backend: { service: { name: 'notifications-service', port: { name: 'http' } } } }),
    ]);
    expect(ingress.spec.tls[0].hosts).toContain(publicUrl.hostname);
  });
});

describe('deploy/k8s secrets', () => {
  it('dev generates its Secrets; prod leaves them to be created out of band', () => {
    for (const service of serviceNames) {
      const secretRef = get(rendered.dev, 'Deployment', service).spec.template.spec.containers[0].envFrom[2].secretRef;
      expect(findObject(rendered.dev, 'Secret', secretRef.name)).toBeDefined();
      expect(rendered.prod.filter((o) => o.kind === 'Secret')).toEqual([]);
    }
  });
});
