import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { repoRoot } from './manifests';

const script = path.join(repoRoot, 'infra', 'onnxruntime.sh');
const ortPath = 'node_modules/.pnpm/onnxruntime-node@0.0.0/node_modules/onnxruntime-node';
const arch = process.arch === 'arm64' ? 'arm64' : 'x64';

/** A fake `pnpm deploy` output holding an onnxruntime-node package with binaries. */
function fakeApp(): { dir: string; bin: (platform: string) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'poofbg-ort-'));
  const bin = (platform: string) => path.join(dir, ortPath, 'bin', 'napi-v6', platform);
  writeFileSync(path.join(mkdirIn(dir, ortPath), 'package.json'), '{}');
  for (const platform of [`linux/${arch}`, 'linux/other', 'darwin/arm64', 'win32/x64']) {
    writeFileSync(path.join(mkdirIn(bin(platform)), 'onnxruntime_binding.node'), '');
  }
  return { dir, bin };
}

function mkdirIn(...parts: string[]): string {
  const dir = path.join(...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function run(dir: string, action: string) {
  const result = spawnSync('sh', [script, dir, action], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('infra/onnxruntime.sh', () => {
  let app: ReturnType<typeof fakeApp>;

  beforeEach(() => {
    app = fakeApp();
  });

  afterEach(() => {
    rmSync(app.dir, { recursive: true, force: true });
  });

  it('prunes every native binary but this platform', () => {
    expect(run(app.dir, 'prune').status).toBe(0);
    expect(existsSync(app.bin(`linux/${arch}`))).toBe(true);
    for (const other of ['linux/other', 'darwin/arm64', 'win32/x64']) {
      expect(existsSync(app.bin(other))).toBe(false);
    }
  });

  it('fails the CUDA check when the provider library is absent', () => {
    expect(run(app.dir, 'check-cuda').status).not.toBe(0);
  });

  it('fails the CUDA check when the provider cannot be read as a library', () => {
    writeFileSync(path.join(app.bin(`linux/${arch}`), 'libonnxruntime_providers_cuda.so'), 'no');
    expect(run(app.dir, 'check-cuda')).toMatchObject({ status: 1 });
  });

  it('names the libraries the provider links against that the image lacks', () => {
    // The real binding links against libonnxruntime.so.1, which the fake folder lacks.
    const realBinding = path.join(
      path.dirname(
        require.resolve('onnxruntime-node/package.json', {
          paths: [path.join(repoRoot, 'packages', 'segmentation')],
        }),
      ),
      'bin',
      'napi-v6',
      'linux',
      arch,
      'onnxruntime_binding.node',
    );
    const provider = path.join(app.bin(`linux/${arch}`), 'libonnxruntime_providers_cuda.so');
    copyFileSync(realBinding, provider);
    const result = run(app.dir, 'check-cuda');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('libonnxruntime.so.1');
  });

  it('refuses a folder without onnxruntime-node', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'poofbg-ort-empty-'));
    mkdirSync(path.join(empty, 'node_modules', '.pnpm'), { recursive: true });
    expect(run(empty, 'prune').stderr).toContain('onnxruntime-node is not installed');
    rmSync(empty, { recursive: true, force: true });
  });
});
