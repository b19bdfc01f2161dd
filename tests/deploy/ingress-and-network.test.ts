import {
  container,
  containerEnv,
  find,
  ofKind,
  overlays,
  portNumber,
  render,
  workload,
  workloads,
  type K8sObject,
} from './manifests';

interface PolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string };
}
interface PolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes: string[];
  ingress?: { from?: PolicyPeer[]; ports?: { port: string | number }[] }[];
}

const mebibytes = { k: 1 / 1024, m: 1, g: 1024 } as const;

/** nginx size notation: `12m`, `11264k`, `1g`. */
function sizeInMiB(size: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(size.trim());
  if (!match) throw new Error(`not an nginx size: ${size}`);
  const unit = (match[2] || 'm').toLowerCase() as keyof typeof mebibytes;
  return Number(match[1]) * mebibytes[unit];
}

function seconds(value: string): number {
  return Number(value.replace(/s$/, ''));
}

describe.each(overlays)('the %s overlay', (overlay) => {
  let objects: K8sObject[];
  let resultWaitSeconds: number;

  beforeAll(() => {
    objects = render(`overlays/${overlay}`);
    const gateway = container(workload(objects, 'poofbg-gateway'), 'gateway');
    resultWaitSeconds = Number(containerEnv(objects, gateway).RESULT_WAIT_SECONDS);
  });

  describe('the API Ingress', () => {
    let annotations: Record<string, string>;

    beforeAll(() => {
      annotations = find(objects, 'Ingress', 'poofbg-gateway').metadata.annotations ?? {};
    });

    it('accepts a 10 MiB upload with its multipart framing', () => {
      expect(
        sizeInMiB(annotations['nginx.ingress.kubernetes.io/proxy-body-size'] ?? '1m'),
      ).toBeGreaterThanOrEqual(11);
      expect(
        sizeInMiB(annotations['nginx.org/client-max-body-size'] ?? '1m'),
      ).toBeGreaterThanOrEqual(11);
    });

    it('keeps the connection open well past the gateway result wait', () => {
      for (const key of [
        'nginx.ingress.kubernetes.io/proxy-read-timeout',
        'nginx.ingress.kubernetes.io/proxy-send-timeout',
        'nginx.org/proxy-read-timeout',
        'nginx.org/proxy-send-timeout',
      ]) {
        expect({ key, seconds: seconds(annotations[key] ?? '0') >= 2 * resultWaitSeconds }).toEqual(
          { key, seconds: true },
        );
      }
    });

    it('routes only to the public gateway Service, on its public port', () => {
      const ingress = find(objects, 'Ingress', 'poofbg-gateway');
      const text = JSON.stringify(ingress.spec);
      expect(text).toContain('"name":"poofbg-gateway"');
      expect(text).not.toContain('poofbg-gateway-internal');

      const service = find(objects, 'Service', 'poofbg-gateway');
      const gateway = container(workload(objects, 'poofbg-gateway'), 'gateway');
      const ports = (service.spec as { ports: { targetPort: string | number }[] }).ports;
      const env = containerEnv(objects, gateway);
      expect(ports.map((p) => portNumber(gateway, p.targetPort))).toEqual([Number(env.PORT)]);
    });
  });

  describe('network policies', () => {
    let policies: { name: string; spec: PolicySpec }[];

    beforeAll(() => {
      policies = ofKind(objects, 'NetworkPolicy').map((p) => ({
        name: p.metadata.name,
        spec: p.spec as PolicySpec,
      }));
    });

    it('deny all incoming traffic by default', () => {
      const denyAll = policies.find(
        (p) => !p.spec.podSelector.matchLabels && p.spec.policyTypes.includes('Ingress'),
      );
      expect(denyAll?.spec.ingress ?? []).toEqual([]);
    });

    it('admit traffic from other namespaces only to the gateway (and MinIO downloads)', () => {
      const reachable = policies
        .filter((p) => (p.spec.ingress ?? []).some((rule) => admitsOutsiders(rule.from)))
        .map((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name']);
      expect(new Set(reachable)).toEqual(new Set(['poofbg-gateway', 'poofbg-minio']));
    });

    it('admit no traffic to the workers', () => {
      const toWorkers = policies.filter(
        (p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'poofbg-worker',
      );
      expect(toWorkers).toEqual([]);
    });

    it('name only ports that the selected pods have', () => {
      const unknown = policies.flatMap((policy) => {
        const target = policy.spec.podSelector.matchLabels?.['app.kubernetes.io/name'];
        if (!target) return [];
        const pod = workloads(objects).find((w) => w.labels['app.kubernetes.io/name'] === target);
        const names = pod?.pod.containers.flatMap((c) => c.ports ?? []).map((p) => p.name) ?? [];
        return (policy.spec.ingress ?? [])
          .flatMap((rule) => rule.ports ?? [])
          .filter((p) => typeof p.port === 'string' && !names.includes(p.port))
          .map((p) => `${policy.name}: ${String(p.port)}`);
      });
      expect(unknown).toEqual([]);
    });
  });
});

function admitsOutsiders(from: PolicyPeer[] | undefined): boolean {
  if (from === undefined || from.length === 0) return true;
  return from.some((peer) => peer.namespaceSelector !== undefined || peer.ipBlock !== undefined);
}
