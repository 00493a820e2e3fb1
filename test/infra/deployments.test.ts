import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { formatMetrics } from '../../apps/dashboard/src/metrics.ts';
import { emptyStageCounts } from '../../apps/dashboard/src/data/counts.ts';
import { parseStages } from '../../apps/worker/src/cli/worker.ts';
import { STAGES } from '../../packages/store/src/queues/stage-versions.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Container {
  name: string;
  image: string;
  args: string[];
  env?: Array<{ name: string; value?: string }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}
interface Trigger {
  type: string;
  metadata: Record<string, string>;
}

/** Every document of every manifest under infra/k8s. */
const K8S_FILES = readdirSync(path.join(ROOT, 'infra/k8s')).filter((name) => /\.ya?ml$/.test(name)).map((name) => `infra/k8s/${name}`);
const docs = K8S_FILES.flatMap((file) => parseAllDocuments(read(file)).map((doc) => ({ file, doc: doc.toJSON() as Manifest })));
const manifests = docs.map((entry) => entry.doc);
const ofKind = (kind: string) => manifests.filter((doc) => doc.kind === kind);
const podSpec = (doc: Manifest) => (doc.spec.template as { spec: { containers: Container[]; restartPolicy?: string } }).spec;
const podLabels = (doc: Manifest) => (doc.spec.template as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {};

/** The stages each `curator worker` container of a manifest works on. */
function deployedStages(commands: string[][]): string[] {
  return commands.filter((args) => args[0] === 'worker').flatMap((args) => parseStages(args[args.indexOf('--stages') + 1] ?? ''));
}

/** The committed, trimmed schemas (test/infra/schemas; sources in each file's $comment), one per kind we deploy. */
function schemaValidators(): Record<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addFormat('int32', { type: 'number', validate: (value: number) => Number.isInteger(value) && Math.abs(value) < 2 ** 31 });
  const dir = path.join(ROOT, 'test/infra/schemas');
  for (const file of readdirSync(dir)) ajv.addSchema(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as object);
  const get = (id: string) => ajv.getSchema(id)!;
  return {
    Deployment: get('deployment-apps-v1.json'),
    Job: get('job-batch-v1.json'),
    Service: get('service-v1.json'),
    ScaledObject: get('scaledobject-keda-v1alpha1.json'),
  };
}
const validators = schemaValidators();
function schemaErrors(doc: unknown): string[] {
  const validate = validators[(doc as Manifest).kind];
  if (!validate) return [`no schema for kind ${(doc as Manifest).kind} (add one under test/infra/schemas)`];
  return validate(doc) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
}

describe('infra/ deploys a pool for every stage and nothing else', () => {
  it('docker compose: one service per stage, a migrate step first', () => {
    const compose = parse(read('infra/docker-compose.yml')) as { services: Record<string, { command?: string[] }> };
    const commands = Object.values(compose.services).map((service) => service.command ?? []);
    expect(deployedStages(commands).sort()).toEqual([...STAGES].sort());
    expect(commands).toContainEqual(['migrate']);
  });

  it('kubernetes: one Deployment and one KEDA ScaledObject per stage, and a migrate Job', () => {
    const containers = manifests.flatMap((doc) => ((doc.spec.template as { spec?: { containers?: Container[] } } | undefined)?.spec?.containers ?? []));
    expect(deployedStages(containers.map((c) => c.args)).sort()).toEqual([...STAGES].sort());
    expect(ofKind('Job').flatMap((job) => podSpec(job).containers.map((c) => c.args))).toContainEqual(['migrate']);
    const workerDeployments = ofKind('Deployment').filter((doc) => deployedStages(podSpec(doc).containers.map((c) => c.args)).length > 0);
    expect(workerDeployments).toHaveLength(STAGES.length);
    const scaled = ofKind('ScaledObject');
    expect(scaled.map((doc) => (doc.spec.scaleTargetRef as { name: string }).name).sort()).toEqual(workerDeployments.map((doc) => doc.metadata.name).sort());
  });
});

describe('infra/k8s manifests against the Kubernetes and KEDA schemas', () => {
  it('every document validates against the schema of its kind', () => {
    expect(docs.length).toBeGreaterThan(0);
    for (const { file, doc } of docs) expect(schemaErrors(doc), `${file}: ${doc.kind} ${doc.metadata?.name}`).toEqual([]);
  });

  it('the schemas are live: misspelt fields, missing required fields and wrong types are caught', () => {
    const deployment = structuredClone(ofKind('Deployment')[0]!);
    expect(schemaErrors({ ...deployment, spec: { ...deployment.spec, replica: 2 } }).join('\n')).toMatch(/additional properties.*replica/);
    expect(schemaErrors({ ...deployment, spec: { template: deployment.spec.template } }).join('\n')).toMatch(/required.*selector/);
    const scaled = structuredClone(ofKind('ScaledObject')[0]!);
    (scaled.spec.triggers as Trigger[])[0]!.metadata = { serverAddress: 'http://prometheus:9090', query: 'up' };
    expect(schemaErrors(scaled).join('\n')).toMatch(/required.*threshold/);
    (scaled.spec.triggers as Array<Record<string, unknown>>)[0]!.metadata = { serverAddress: 'http://prometheus:9090', query: 'up', threshold: 5 };
    expect(schemaErrors(scaled).join('\n')).toMatch(/must be string/);
    const job = structuredClone(ofKind('Job')[0]!);
    (job.spec.template as { spec: { restartPolicy: string } }).spec.restartPolicy = 'Always';
    expect(schemaErrors(job).join('\n')).toMatch(/restartPolicy.*allowed values/);
  });

  it('selectors match their pods, the dashboard Service reaches the dashboard port', () => {
    for (const deployment of ofKind('Deployment')) {
      const selector = (deployment.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
      expect(podLabels(deployment), deployment.metadata.name).toMatchObject(selector);
    }
    const [service] = ofKind('Service');
    const dashboard = ofKind('Deployment').find((doc) => podSpec(doc).containers.some((c) => c.args[0] === 'dashboard'));
    expect(service && dashboard).toBeTruthy();
    expect(podLabels(dashboard!)).toMatchObject(service!.spec.selector as Record<string, string>);
    const portNames = podSpec(dashboard!).containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));
    for (const port of service!.spec.ports as Array<{ targetPort: string | number }>) expect(portNames).toContain(port.targetPort);
  });

  it('KEDA scales each stage on the backlog metric the dashboard exports (waiting + prioritized + delayed), via Prometheus', async () => {
    const exported = await formatMetrics({ counts: { articles: emptyStageCounts(), figures: emptyStageCounts() }, failures: [], queues: STAGES.map((name) => ({ name, counts: { waiting: 1, active: 1 } })) });
    const families = new Set([...exported.matchAll(/^# TYPE (\w+) /gm)].map((match) => match[1]));
    for (const stage of STAGES) {
      const scaled = ofKind('ScaledObject').find((doc) => (doc.spec.scaleTargetRef as { name: string }).name === `curator-${stage}`);
      const triggers = scaled!.spec.triggers as Trigger[];
      expect(triggers.map((t) => t.type)).toEqual(['prometheus']);
      const { query, serverAddress } = triggers[0]!.metadata;
      expect(serverAddress).toMatch(/^https?:\/\//);
      expect(query).toContain(`pmc_curator_queue_backlog{queue="${stage}"}`);
      for (const metric of query!.match(/pmc_curator_\w+/g) ?? []) expect(families, metric).toContain(metric);
      // No Redis list trigger is left: a list sees neither prioritised nor delayed jobs.
      expect(JSON.stringify(scaled)).not.toMatch(/listName|:wait"/);
    }
  });

  it('the detect pool requests a GPU and runs the CUDA build of the image', () => {
    const detect = ofKind('Deployment').find((doc) => doc.metadata.name === 'curator-detect')!;
    const [container] = podSpec(detect).containers;
    expect(container!.resources?.limits?.['nvidia.com/gpu']).toBe(1);
    expect(container!.image).toMatch(/cuda/);
    expect(read('infra/Dockerfile')).toMatch(/ARG ORT_INSTALL=skip[\s\S]*ONNXRUNTIME_NODE_INSTALL=\$\{ORT_INSTALL\}/);
  });
});

describe('compose, image and build context', () => {
  // Compose resolves YAML merge keys (`<<: *env`); so must we.
  const compose = parse(read('infra/docker-compose.yml'), { merge: true }) as {
    services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string>; depends_on?: unknown }>;
  };

  it('compose has Redis, PostgreSQL, an S3 server, a migrate step, every pool and the dashboard; pools wait for the migration', () => {
    const images = Object.values(compose.services).map((service) => service.image ?? '');
    expect(images.some((image) => image.startsWith('redis'))).toBe(true);
    expect(images.some((image) => image.startsWith('postgres'))).toBe(true);
    expect(images.some((image) => /minio|s3/.test(image))).toBe(true);
    for (const [name, service] of Object.entries(compose.services)) {
      const command = service.command ?? [];
      if (command[0] !== 'worker' && command[0] !== 'dashboard') continue;
      expect((service.depends_on as Record<string, { condition: string }>).migrate, name).toEqual({ condition: 'service_completed_successfully' });
      expect(service.environment?.REDIS_URL ?? service.environment?.REDIS_CLUSTER_NODES, name).toBeTruthy();
    }
    const dashboard = Object.values(compose.services).find((service) => service.command?.[0] === 'dashboard')!;
    // A non-loopback bind is refused without basic auth.
    expect(dashboard.environment).toMatchObject({ DASHBOARD_HOST: '0.0.0.0' });
    expect(dashboard.environment?.DASHBOARD_USER && dashboard.environment.DASHBOARD_PASSWORD).toBeTruthy();
  });

  it('the image installs with NODE_ENV=production, so every runtime import is a dependency (not a devDependency) of its own workspace', () => {
    expect(read('infra/Dockerfile')).toMatch(/NODE_ENV=production/);
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    expect(workspaces).toEqual(expect.arrayContaining(['packages/pipeline', 'packages/store', 'apps/worker', 'apps/dashboard']));
    const manifest = (dir: string) => JSON.parse(read(`${dir}/package.json`)) as { name: string; dependencies?: object };
    // The image installs every workspace from its package.json before copying the sources.
    for (const dir of workspaces) expect(read('infra/Dockerfile')).toContain(`COPY ${dir}/package.json ${dir}/`);
    const builtins = new Set(builtinModules);
    const files = (dir: string): string[] =>
      readdirSync(path.join(ROOT, dir)).flatMap((name) => {
        const rel = `${dir}/${name}`;
        if (name === 'node_modules' || name === 'testing') return [];
        if (statSync(path.join(ROOT, rel)).isDirectory()) return files(rel);
        return /\.(ts|js|mjs)$/.test(name) && !/\.test\.ts$/.test(name) ? [rel] : [];
      });
    const undeclared = new Set<string>();
    const check = (file: string, declared: Set<string>) => {
      const source = read(file);
      for (const match of source.matchAll(/(?:from\s+|import\(\s*|require(?:\.resolve)?\(\s*)'([^'.][^']*)'/g)) {
        const specifier = match[1]!;
        if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!declared.has(name)) undeclared.add(`${name} (${file})`);
      }
    };
    for (const dir of workspaces) {
      const own = manifest(dir);
      const declared = new Set([own.name, ...Object.keys(own.dependencies ?? {})]);
      for (const file of [...files(`${dir}/src`), ...(existsSync(path.join(ROOT, dir, 'bin')) ? files(`${dir}/bin`) : [])]) check(file, declared);
    }
    // prisma.config.ts (read by the prisma CLI at the root) may use any workspace's dependencies.
    check('prisma.config.ts', new Set(workspaces.flatMap((dir) => Object.keys(manifest(dir).dependencies ?? {}))));
    expect([...undeclared]).toEqual([]);
  });

  it('.dockerignore keeps node_modules, .git and .tmp out and the bundled articles in', () => {
    const lines = read('.dockerignore').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
    for (const pattern of ['node_modules', '.git', '.tmp']) expect(lines).toContain(pattern);
    const testRule = lines.indexOf('test/*');
    if (testRule >= 0) expect(lines.indexOf('!test/fixtures')).toBeGreaterThan(testRule);
    expect(lines.some((line) => /^test\/fixtures/.test(line))).toBe(false);
  });
});
