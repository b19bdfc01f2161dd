import {
  container,
  containerEnv,
  find,
  overlays,
  portNumber,
  render,
  workload,
  type K8sObject,
} from './manifests';

interface Trigger {
  type: string;
  name?: string;
  metricType?: string;
  metadata: Record<string, string>;
}
interface ScaledObjectSpec {
  scaleTargetRef: { apiVersion?: string; kind?: string; name: string };
  minReplicaCount: number;
  maxReplicaCount: number;
  cooldownPeriod: number;
  fallback?: { failureThreshold: number; replicas: number };
  triggers: Trigger[];
  advanced: {
    scalingModifiers: { formula: string; target: string; activationTarget: string };
    horizontalPodAutoscalerConfig: {
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: number;
          policies: { type: string; value: number }[];
        };
      };
    };
  };
}

describe.each(overlays)('worker autoscaling in the %s overlay', (overlay) => {
  let objects: K8sObject[];
  let spec: ScaledObjectSpec;

  beforeAll(() => {
    objects = render(`overlays/${overlay}`);
    spec = find(objects, 'ScaledObject', 'poofbg-worker').spec as ScaledObjectSpec;
  });

  it('scales the worker Deployment, which leaves its replica count to KEDA', () => {
    expect(spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'poofbg-worker' });
    const deployment = find(objects, 'Deployment', 'poofbg-worker');
    expect((deployment.spec as { replicas?: number }).replicas).toBeUndefined();
  });

  it('has sane bounds, an activation threshold, a cool-down and a fallback', () => {
    expect(spec.minReplicaCount).toBeGreaterThanOrEqual(0);
    expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount);
    expect(Number(spec.advanced.scalingModifiers.activationTarget)).toBeGreaterThanOrEqual(0);
    expect(Number(spec.advanced.scalingModifiers.target)).toBeGreaterThan(0);
    expect(spec.cooldownPeriod).toBeGreaterThanOrEqual(60);
    expect(spec.fallback?.replicas).toBeGreaterThanOrEqual(1);
  });

  it('scales on waiting plus running jobs, both read from the metrics API', () => {
    expect(spec.advanced.scalingModifiers.formula.replace(/\s/g, '')).toBe('backlog+active');
    expect(spec.triggers.map((t) => [t.type, t.name, t.metadata.valueLocation])).toEqual([
      ['metrics-api', 'backlog', 'backlog'],
      ['metrics-api', 'active', 'active'],
    ]);
  });

  it("reads the depth from the gateway's internal port, on the queue the workers use", () => {
    const gateway = container(workload(objects, 'poofbg-gateway'), 'gateway');
    const worker = container(workload(objects, 'poofbg-worker'), 'worker');
    const gatewayEnv = containerEnv(objects, gateway);
    const workerEnv = containerEnv(objects, worker);

    for (const trigger of spec.triggers) {
      const url = new URL(trigger.metadata.url ?? '');
      const [serviceName, namespace] = url.hostname.split('.');
      expect(namespace).toBe('poofbg');
      expect(url.pathname).toBe('/internal/queue-depth');

      const service = find(objects, 'Service', serviceName ?? '');
      const selector = (service.spec as { selector: Record<string, string> }).selector;
      expect(selector['app.kubernetes.io/name']).toBe('poofbg-gateway');
      const port = (service.spec as { ports: { port: number; targetPort: string }[] }).ports.find(
        (p) => p.port === Number(url.port),
      );
      expect(portNumber(gateway, port?.targetPort ?? -1)).toBe(Number(gatewayEnv.INTERNAL_PORT));
    }

    // Same Redis, same key prefix: the depth the gateway reports is the queue workers consume.
    expect(gatewayEnv.QUEUE_PREFIX).toBeDefined();
    expect(gatewayEnv.QUEUE_PREFIX).toBe(workerEnv.QUEUE_PREFIX);
    expect(gatewayEnv.REDIS_URL).toBe(workerEnv.REDIS_URL);
  });

  it('scales down slowly, and lets a removed worker finish the job in hand', () => {
    const scaleDown = spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown;
    expect(scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(120);
    expect(scaleDown.policies).toContainEqual(expect.objectContaining({ type: 'Pods', value: 1 }));

    const worker = workload(objects, 'poofbg-worker');
    const env = containerEnv(objects, container(worker, 'worker'));
    const grace = Number(env.SHUTDOWN_GRACE_SECONDS);
    expect(grace).toBeGreaterThan(0);
    expect(worker.pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(grace + 15);
  });
});
