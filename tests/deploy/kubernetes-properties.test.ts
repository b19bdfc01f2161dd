import {
  allContainers,
  container,
  containerEnv,
  find,
  ofKind,
  overlays,
  render,
  workload,
  workloads,
  type Container,
  type K8sObject,
  type PodSpec,
  type Workload,
} from './manifests';

const appImages = ['poofbg-gateway', 'poofbg-worker'];
const isAppImage = (image: string) => appImages.some((name) => image.startsWith(name));

describe.each(overlays)('the %s overlay', (overlay) => {
  let objects: K8sObject[];
  let pods: Workload[];

  beforeAll(() => {
    objects = render(`overlays/${overlay}`);
    pods = workloads(objects);
  });

  it('enforces the restricted Pod Security Standard on the namespace', () => {
    const labels = find(objects, 'Namespace', 'poofbg').metadata.labels;
    expect(labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('runs every container as non-root, without privilege escalation or capabilities', () => {
    const problems = pods.flatMap((w) =>
      allContainers(w.pod).flatMap((c) =>
        securityProblems(w, c).map((problem) => `${w.name}/${c.name}: ${problem}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('gives PoofBG containers a read-only root filesystem', () => {
    const writable = pods.flatMap((w) =>
      allContainers(w.pod)
        .filter((c) => isAppImage(c.image) && c.securityContext?.readOnlyRootFilesystem !== true)
        .map((c) => `${w.name}/${c.name}`),
    );
    expect(writable).toEqual([]);
  });

  it('sets CPU and memory requests and limits on every container', () => {
    const missing = pods.flatMap((w) =>
      allContainers(w.pod).flatMap((c) =>
        ['requests', 'limits'].flatMap((kind) =>
          ['cpu', 'memory']
            .filter((resource) => !c.resources?.[kind as 'requests' | 'limits']?.[resource])
            .map((resource) => `${w.name}/${c.name} ${kind}.${resource}`),
        ),
      ),
    );
    expect(missing).toEqual([]);
  });

  it('probes liveness and readiness of every long-running container', () => {
    const unprobed = pods
      .filter((w) => w.kind !== 'Job')
      .flatMap((w) => w.pod.containers.map((c) => ({ w, c })))
      .filter(({ c }) => !c.livenessProbe || !c.readinessProbe)
      .map(({ w, c }) => `${w.name}/${c.name}`);
    expect(unprobed).toEqual([]);
  });

  it('points the gateway probes at /healthz and /readyz on PORT', () => {
    const gateway = container(workload(objects, 'poofbg-gateway'), 'gateway');
    const env = containerEnv(objects, gateway);
    expect(httpProbe(gateway, 'livenessProbe')).toEqual({ path: '/healthz', port: env.PORT });
    expect(httpProbe(gateway, 'readinessProbe')).toEqual({ path: '/readyz', port: env.PORT });
  });

  it('marks a worker ready only through /readyz on HEALTH_PORT (model loaded)', () => {
    const worker = container(workload(objects, 'poofbg-worker'), 'worker');
    const env = containerEnv(objects, worker);
    expect(httpProbe(worker, 'livenessProbe')).toEqual({ path: '/healthz', port: env.HEALTH_PORT });
    expect(httpProbe(worker, 'readinessProbe')).toEqual({
      path: '/readyz',
      port: env.HEALTH_PORT,
    });
    expect(worker.startupProbe).toBeDefined();
  });

  it('pins every image to a tag other than latest', () => {
    const images = pods.flatMap((w) => allContainers(w.pod).map((c) => c.image));
    const unpinned = images.filter((image) => !/:[^/:]+$/.test(image) || /:latest$/.test(image));
    expect(unpinned).toEqual([]);
  });

  it('keeps gateway and worker pods waiting until the migration Job has run', () => {
    const job = container(workload(objects, 'poofbg-migrate'), 'migrate');
    expect([...(job.command ?? []), ...(job.args ?? [])].join(' ')).toMatch(/migrate deploy/);

    for (const name of ['poofbg-gateway', 'poofbg-worker']) {
      const inits = workload(objects, name).pod.initContainers ?? [];
      const commands = inits.map((c) => [...(c.command ?? []), ...(c.args ?? [])].join(' '));
      const waits = commands.some((command) => command.includes('migrate status'));
      expect({ name, waits }).toEqual({ name, waits: true });
    }
  });

  it('gives the gateway time to answer requests already waiting when it is stopped', () => {
    const gateway = workload(objects, 'poofbg-gateway');
    const env = containerEnv(objects, container(gateway, 'gateway'));
    const preStop = 5;
    expect(gateway.pod.terminationGracePeriodSeconds).toBeGreaterThan(
      Number(env.RESULT_WAIT_SECONDS) + preStop,
    );
  });

  it('has a disruption budget for the gateway and the workers', () => {
    const selected = ofKind(objects, 'PodDisruptionBudget').map(
      (pdb) =>
        (pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels[
          'app.kubernetes.io/name'
        ],
    );
    expect(selected).toEqual(expect.arrayContaining(['poofbg-gateway', 'poofbg-worker']));
  });

  it('autoscales the gateway with an HPA on the gateway Deployment', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'poofbg-gateway');
    const spec = hpa.spec as {
      scaleTargetRef: { kind: string; name: string };
      minReplicas: number;
    };
    expect(spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'poofbg-gateway' });
    expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
  });
});

describe('GPU placement', () => {
  it('asks for one NVIDIA GPU on GPU nodes in the gpu overlay', () => {
    const worker = workload(render('overlays/gpu'), 'poofbg-worker');
    const resources = container(worker, 'worker').resources;
    expect(resources?.limits?.['nvidia.com/gpu']).toBe('1');
    expect(resources?.requests?.['nvidia.com/gpu']).toBe('1');
    expect(worker.pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(worker.pod.tolerations).toContainEqual(
      expect.objectContaining({ key: 'nvidia.com/gpu', effect: 'NoSchedule' }),
    );
  });

  it('asks for no GPU anywhere else', () => {
    for (const target of ['base', 'overlays/cpu']) {
      const objects = render(target);
      const gpuPods = workloads(objects)
        .filter((w) => mentionsGpu(w.pod))
        .map((w) => w.name);
      expect({ target, gpuPods }).toEqual({ target, gpuPods: [] });
    }
  });

  it('runs the cpu overlay workers on the CPU provider only', () => {
    const objects = render('overlays/cpu');
    const env = containerEnv(objects, container(workload(objects, 'poofbg-worker'), 'worker'));
    expect(env.EXECUTION_PROVIDERS).toBe('cpu');
  });
});

function securityProblems(w: Workload, c: Container): string[] {
  const pod = w.pod.securityContext ?? {};
  const own = c.securityContext ?? {};
  const problems: string[] = [];
  if ((own.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push('runAsNonRoot not true');
  if ((own.runAsUser ?? pod.runAsUser) === 0) problems.push('runs as uid 0');
  if (own.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation not false');
  if (!own.capabilities?.drop?.includes('ALL')) problems.push('capabilities not dropped');
  const seccomp = own.seccompProfile?.type ?? pod.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault') problems.push('no RuntimeDefault seccomp profile');
  return problems;
}

function httpProbe(c: Container, probe: 'livenessProbe' | 'readinessProbe') {
  const get = c[probe]?.httpGet;
  if (!get) throw new Error(`${c.name} has no HTTP ${probe}`);
  const port = typeof get.port === 'number' ? get.port : c.ports?.find((p) => p.name === get.port);
  const number = typeof port === 'object' ? port.containerPort : port;
  return { path: get.path, port: String(number) };
}

function mentionsGpu(pod: PodSpec): boolean {
  const text = JSON.stringify({ ...pod, containers: pod.containers.map((c) => c.resources) });
  return text.includes('nvidia.com/gpu');
}
