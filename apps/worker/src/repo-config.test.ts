import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import ts from 'typescript';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// tools/ (training and tuning scripts) is type-checked and linted like the rest of the repository.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const toolFiles = readdirSync(path.join(root, 'tools/train-detector')).filter((f) => f.endsWith('.ts')).map((f) => path.join(root, 'tools/train-detector', f));

describe('repository configuration covers tools/', () => {
  it('tsconfig.json includes every tools/train-detector/*.ts', () => {
    const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    expect(toolFiles.length).toBeGreaterThan(0);
    for (const f of toolFiles) expect(parsed.fileNames, f).toContain(f);
  });

  it('eslint lints tools/ with the type-aware rules', async () => {
    const eslint = new ESLint({ cwd: root });
    for (const f of toolFiles) {
      expect(await eslint.isPathIgnored(f), f).toBe(false);
      const config = (await eslint.calculateConfigForFile(f)) as { rules?: Record<string, unknown> };
      expect(config.rules?.['@typescript-eslint/no-unnecessary-type-assertion'], f).toBeDefined();
    }
  });
});
