import { overlays, render, type K8sObject } from './manifests';
import { validateObjects } from './schemas';

const targets = ['base', ...overlays.map((o) => `overlays/${o}`)];

describe.each(targets)('kubectl kustomize k8s/%s', (target) => {
  let objects: K8sObject[];

  beforeAll(() => {
    objects = render(target);
  });

  it('renders objects', () => {
    expect(objects.length).toBeGreaterThan(10);
  });

  it('renders only objects that pass the Kubernetes and KEDA schemas', () => {
    const failures = validateObjects(objects).filter((result) => result.error !== null);
    expect(failures).toEqual([]);
  });

  it('puts every namespaced object in the poofbg namespace', () => {
    const misplaced = objects
      .filter((o) => o.kind !== 'Namespace')
      .filter((o) => o.metadata.namespace !== 'poofbg')
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(misplaced).toEqual([]);
  });

  it('has no two objects of the same kind and name', () => {
    const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(keys.length).toBe(new Set(keys).size);
  });
});

describe('the schema check itself', () => {
  it('rejects an object that breaks the schema', () => {
    const broken: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broken' },
      spec: {
        selector: {},
        template: { spec: { containers: [{ name: 'x', ports: [{ containerPort: 'http' }] }] } },
      },
    };
    const [result] = validateObjects([broken]);
    expect(result?.error).toMatch(/containerPort/);
  });

  it('rejects a KEDA ScaledObject without its required target', () => {
    const broken: K8sObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'broken' },
      spec: { triggers: [] },
    };
    const [result] = validateObjects([broken]);
    expect(result?.error).toMatch(/scaleTargetRef/);
  });

  it('refuses kinds it has no model for instead of passing them', () => {
    const unknown: K8sObject = { apiVersion: 'v1', kind: 'NoSuchKind', metadata: { name: 'x' } };
    const [result] = validateObjects([unknown]);
    expect(result?.error).toBe('no model for this kind');
  });
});
