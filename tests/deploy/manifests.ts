import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { parseAllDocuments } from 'yaml';

/** Rendering and reading the kustomize output under k8s/, for the deploy tests. */

export const repoRoot = path.resolve(__dirname, '..', '..');
export const overlays = ['cpu', 'gpu'] as const;
export type Overlay = (typeof overlays)[number];

export interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  [field: string]: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef };
}
export interface KeyRef {
  name: string;
  key: string;
}
export interface EnvFromSource {
  configMapRef?: { name: string };
  secretRef?: { name: string };
}
export interface Probe {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
}
export interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}
export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[] };
  seccompProfile?: { type: string };
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: Resources;
  securityContext?: SecurityContext;
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  terminationGracePeriodSeconds?: number;
  nodeSelector?: Record<string, string>;
  tolerations?: { key?: string; operator?: string; effect?: string }[];
}

/** A Deployment, StatefulSet or Job: something that runs pods. */
export interface Workload {
  kind: string;
  name: string;
  labels: Record<string, string>;
  pod: PodSpec;
  object: K8sObject;
}

/** Runs `kubectl kustomize` on a folder under k8s/ and parses every document it prints. */
export function render(dir: string): K8sObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', path.join(repoRoot, 'k8s', dir)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`kubectl kustomize k8s/${dir} failed (is kubectl installed?): ${reason}`, {
      cause: error,
    });
  }
  return parseAllDocuments(output)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in the rendered manifests`);
  return found;
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function workloads(objects: K8sObject[]): Workload[] {
  return objects.flatMap((object) => {
    if (!['Deployment', 'StatefulSet', 'Job'].includes(object.kind)) return [];
    const template = (object.spec as { template: { metadata?: Metadata; spec: PodSpec } }).template;
    const labels = template.metadata?.labels ?? {};
    return [{ kind: object.kind, name: object.metadata.name, labels, pod: template.spec, object }];
  });
}

export function workload(objects: K8sObject[], name: string): Workload {
  const found = workloads(objects).find((w) => w.name === name);
  if (!found) throw new Error(`no workload named ${name} in the rendered manifests`);
  return found;
}

export function container(w: Workload, name: string): Container {
  const found = w.pod.containers.find((c) => c.name === name);
  if (!found) throw new Error(`${w.name} has no container named ${name}`);
  return found;
}

/** Every container of a pod, init containers included. */
export function allContainers(pod: PodSpec): Container[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

/**
 * The environment a container starts with, resolved the way the kubelet does it: envFrom
 * sources first (ConfigMaps and Secrets from the same render), then env entries over them.
 */
export function containerEnv(objects: K8sObject[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, configMapData(objects, source.configMapRef.name));
    if (source.secretRef) Object.assign(env, secretData(objects, source.secretRef.name));
  }
  for (const variable of c.env ?? []) {
    env[variable.name] = envValue(objects, variable);
  }
  return env;
}

function envValue(objects: K8sObject[], variable: EnvVar): string {
  if (variable.value !== undefined) return variable.value;
  const secretRef = variable.valueFrom?.secretKeyRef;
  if (secretRef) return required(secretData(objects, secretRef.name), secretRef, variable.name);
  const configRef = variable.valueFrom?.configMapKeyRef;
  if (configRef) return required(configMapData(objects, configRef.name), configRef, variable.name);
  throw new Error(`${variable.name}: only value, secretKeyRef and configMapKeyRef are resolved`);
}

function required(data: Record<string, string>, ref: KeyRef, variable: string): string {
  const value = data[ref.key];
  if (value === undefined) throw new Error(`${variable}: ${ref.name} has no key ${ref.key}`);
  return value;
}

export function configMapData(objects: K8sObject[], name: string): Record<string, string> {
  return (find(objects, 'ConfigMap', name).data ?? {}) as Record<string, string>;
}

export function secretData(objects: K8sObject[], name: string): Record<string, string> {
  const secret = find(objects, 'Secret', name);
  const decoded = Object.entries((secret.data ?? {}) as Record<string, string>).map(
    ([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')],
  );
  return { ...Object.fromEntries(decoded), ...((secret.stringData ?? {}) as object) };
}

/** The container port a probe or Service refers to, by name or number. */
export function portNumber(c: Container, port: string | number): number {
  if (typeof port === 'number') return port;
  const found = c.ports?.find((p) => p.name === port);
  if (!found) throw new Error(`container ${c.name} has no port named ${port}`);
  return found.containerPort;
}
