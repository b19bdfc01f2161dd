import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { durationSeconds, loadCompose, service, serviceEnv } from './compose';
import {
  execForm,
  globalArgs,
  last,
  parseStages,
  readDockerfile,
  stage,
  type Stage,
} from './dockerfile';
import { container, render, repoRoot, workload } from './manifests';

const dockerfiles = {
  gateway: 'infra/Dockerfile.gateway',
  worker: 'infra/Dockerfile.worker',
} as const;

/** The stages that become images: what compose and the docs build. */
const finalStages = [
  { file: dockerfiles.gateway, stage: 'runtime' },
  { file: dockerfiles.worker, stage: 'cpu' },
  { file: dockerfiles.worker, stage: 'cuda' },
];

interface PackageJson {
  packageManager?: string;
  dependencies?: Record<string, string>;
}

function readJson(relative: string): PackageJson {
  return JSON.parse(readFileSync(path.join(repoRoot, relative), 'utf8')) as PackageJson;
}

describe('the Dockerfiles', () => {
  it.each(finalStages)('$file target $stage runs as a non-root numeric user', (target) => {
    const user = last(stage(parseStages(readDockerfile(target.file)), target.stage), 'USER');
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it.each(Object.values(dockerfiles))('%s copies only from earlier stages', (file) => {
    const stages = parseStages(readDockerfile(file));
    stages.forEach((s, index) => {
      const earlier = stages.slice(0, index).map((e) => e.name);
      const sources = s.instructions
        .filter((i) => i.keyword === 'COPY')
        .flatMap((i) => /--from=(\S+)/.exec(i.args)?.[1] ?? []);
      for (const source of sources) expect(earlier).toContain(source);
    });
  });

  it.each(Object.values(dockerfiles))('%s installs the pnpm the workspace pins', (file) => {
    const pinned = String(readJson('package.json').packageManager);
    expect(readDockerfile(file)).toContain(`npm install --global ${pinned}`);
  });

  it.each(Object.values(dockerfiles))('%s deploys production dependencies only', (file) => {
    const deploys = readDockerfile(file).match(/pnpm --filter \S+ deploy[^\n]*/g) ?? [];
    expect(deploys.length).toBeGreaterThan(0);
    for (const line of deploys) expect(line).toContain('--prod');
  });

  it('copies files that exist in the build context', () => {
    for (const file of Object.values(dockerfiles)) {
      const copies = parseStages(readDockerfile(file))
        .flatMap((s) => s.instructions)
        .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
        .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
        .filter((source) => source !== '.');
      const missing = copies.filter((source) => !existsSync(path.join(repoRoot, source)));
      expect({ file, missing }).toEqual({ file, missing: [] });
    }
  });

  it('starts the processes the Kubernetes manifests expect', () => {
    const objects = render('overlays/cpu');
    const gateway = stage(parseStages(readDockerfile(dockerfiles.gateway)), 'runtime');
    const worker = stage(parseStages(readDockerfile(dockerfiles.worker)), 'cpu');
    expect(execForm(last(gateway, 'CMD'))).toEqual(
      container(workload(objects, 'poofbg-gateway'), 'gateway').args,
    );
    expect(execForm(last(worker, 'CMD'))).toEqual(
      container(workload(objects, 'poofbg-worker'), 'worker').args,
    );
    expect(last(gateway, 'WORKDIR')).toBe('/app');
    expect(last(worker, 'WORKDIR')).toBe('/app');
  });

  it('bases the CUDA worker on CUDA 12 + cuDNN, as the provider onnxruntime-node fetches', () => {
    const text = readDockerfile(dockerfiles.worker);
    const base = stage(parseStages(text), 'cuda').base;
    const args = globalArgs(text);
    const cudaBase = base.replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? name);
    expect(cudaBase).toMatch(/^nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-/);

    const ortDir = path.dirname(
      require.resolve('onnxruntime-node/package.json', {
        paths: [path.join(repoRoot, 'packages', 'segmentation')],
      }),
    );

    const metadata = require(path.join(ortDir, 'script', 'install-metadata.js')) as {
      requirements: Record<string, string[]>;
    };
    expect(metadata.requirements['linux/x64']).toEqual(['cuda12']);
    expect(text).toContain('install-cuda');
  });

  it('bakes the packaged model in: a production dependency all the way down', () => {
    const worker = readJson('apps/worker/package.json');
    const segmentation = readJson('packages/segmentation/package.json');
    expect(worker.dependencies).toHaveProperty('@poofbg/segmentation');
    expect(segmentation.dependencies).toHaveProperty('@imgly/background-removal-data');
  });

  it('keeps host build outputs and installs out of the build context', () => {
    for (const file of Object.values(dockerfiles)) {
      const ignore = readFileSync(path.join(repoRoot, `${file}.dockerignore`), 'utf8');
      for (const pattern of ['**/node_modules', '**/dist', '.git']) {
        expect(ignore).toContain(pattern);
      }
    }
  });
});

describe('infra/docker-compose.yml', () => {
  const project = loadCompose();
  const names = Object.keys(project.services);

  it('has the whole stack, with a GPU worker behind the gpu profile', () => {
    const stack = ['postgres', 'redis', 'minio', 'minio-setup', 'migrate', 'gateway', 'worker'];
    expect(names).toEqual(expect.arrayContaining([...stack, 'worker-gpu']));
    const profiled = names.filter((n) => service(project, n).profiles !== undefined);
    expect(profiled).toEqual(['worker-gpu']);
  });

  it('depends only on services that exist', () => {
    for (const name of names) {
      for (const dependency of Object.keys(service(project, name).depends_on ?? {})) {
        expect(names).toContain(dependency);
      }
    }
  });

  it('starts the apps only after migrations and bucket setup finished', () => {
    for (const name of ['gateway', 'worker', 'worker-gpu']) {
      const dependsOn = service(project, name).depends_on ?? {};
      expect(dependsOn.migrate?.condition).toBe('service_completed_successfully');
      expect(dependsOn['minio-setup']?.condition).toBe('service_completed_successfully');
    }
  });

  it('mounts only declared volumes and existing files', () => {
    const declared = Object.keys(project.volumes ?? {});
    for (const name of names) {
      for (const volume of service(project, name).volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('.')) {
          expect(existsSync(path.join(repoRoot, 'infra', source))).toBe(true);
        } else {
          expect(declared).toContain(source);
        }
      }
    }
  });

  it('builds from Dockerfiles and targets that exist', () => {
    for (const name of names) {
      const build = service(project, name).build;
      if (!build) continue;
      const file = path.join(repoRoot, 'infra', build.context, build.dockerfile);
      expect(existsSync(file)).toBe(true);
      if (build.target) {
        const stages = parseStages(readFileSync(file, 'utf8')).map((s: Stage) => s.name);
        expect(stages).toContain(build.target);
      }
    }
  });

  it('persists Redis with an append-only file and never evicts queue keys', () => {
    const command = (service(project, 'redis').command ?? []).join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('reserves an NVIDIA GPU for the GPU worker', () => {
    const devices = service(project, 'worker-gpu').deploy?.resources?.reservations?.devices;
    expect(devices).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    expect(serviceEnv(service(project, 'worker-gpu')).EXECUTION_PROVIDERS).toMatch(/^cuda/);
    expect(serviceEnv(service(project, 'worker')).EXECUTION_PROVIDERS).toBe('cpu');
  });

  it('lets a stopping worker finish its job, and a stopping gateway its waiting requests', () => {
    for (const name of ['worker', 'worker-gpu']) {
      const s = service(project, name);
      const grace = Number(serviceEnv(s).SHUTDOWN_GRACE_SECONDS);
      expect(durationSeconds(s.stop_grace_period ?? '10s')).toBeGreaterThan(grace);
    }
    const gateway = service(project, 'gateway');
    const wait = Number(serviceEnv(gateway).RESULT_WAIT_SECONDS);
    expect(durationSeconds(gateway.stop_grace_period ?? '10s')).toBeGreaterThan(wait);
  });

  it('uses one queue prefix for the gateway and the workers', () => {
    const prefixes = ['gateway', 'worker', 'worker-gpu'].map(
      (name) => serviceEnv(service(project, name)).QUEUE_PREFIX,
    );
    expect(new Set(prefixes).size).toBe(1);
  });

  it('runs the migration with the command the gateway image provides', () => {
    const migrate = service(project, 'migrate');
    const objects = render('overlays/cpu');
    const job = container(workload(objects, 'poofbg-migrate'), 'migrate');
    expect(migrate.command).toEqual(job.args);
    expect(migrate.working_dir).toBe(job.workingDir);
  });
});
