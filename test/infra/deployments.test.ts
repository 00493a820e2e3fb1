import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseStages } from '../../apps/worker/src/cli/worker.ts';
import { STAGES } from '../../apps/worker/src/queues/stage-versions.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The stages each `curator worker` container of a manifest works on. */
function deployedStages(commands: string[][]): string[] {
  return commands.filter((args) => args[0] === 'worker').flatMap((args) => parseStages(args[args.indexOf('--stages') + 1] ?? ''));
}

describe('infra/ deploys a pool for every stage and nothing else', () => {
  it('docker compose: one service per stage, a migrate step first', () => {
    const compose = parse(read('infra/docker-compose.yml')) as { services: Record<string, { command?: string[] }> };
    const commands = Object.values(compose.services).map((service) => service.command ?? []);
    expect(deployedStages(commands).sort()).toEqual([...STAGES].sort());
    expect(commands).toContainEqual(['migrate']);
  });

  it('kubernetes: one Deployment and one KEDA ScaledObject per stage, and a migrate Job', () => {
    const docs = parseAllDocuments(read('infra/k8s/workers.yaml')).map((doc) => doc.toJSON() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    const containers = docs.flatMap((doc) => ((doc.spec.template as { spec?: { containers?: Array<{ args: string[] }> } } | undefined)?.spec?.containers ?? []));
    expect(deployedStages(containers.map((c) => c.args)).sort()).toEqual([...STAGES].sort());
    expect(containers.map((c) => c.args)).toContainEqual(['migrate']);
    const scaled = docs.filter((doc) => doc.kind === 'ScaledObject').map((doc) => (doc.spec.triggers as Array<{ metadata: { listName: string } }>)[0]!.metadata.listName);
    expect(scaled.sort()).toEqual(STAGES.map((stage) => `{pmc}:${stage}:wait`).sort());
  });
});
