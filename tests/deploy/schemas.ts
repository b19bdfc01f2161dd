import { execFileSync } from 'node:child_process';
import path from 'node:path';

import type { K8sObject } from './manifests';

export interface ValidationResult {
  object: string;
  error: string | null;
}

/**
 * Validates each object with its kubernetes-models class (`new Kind(object).validate()`), in a
 * child Node process because those packages are ES modules only.
 */
export function validateObjects(objects: K8sObject[]): ValidationResult[] {
  const script = path.join(__dirname, 'validate-models.mjs');
  const output = execFileSync(process.execPath, [script], {
    input: JSON.stringify(objects.map(unwrapSecretData)),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as ValidationResult[];
}

/**
 * kustomize prints long base64 Secret values as wrapped block scalars. The API server's base64
 * decoder skips the line breaks; the schema's `byte` format does not, so they are removed here.
 */
function unwrapSecretData(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  const data = Object.entries(object.data as Record<string, string>).map(([key, value]) => [
    key,
    value.replace(/\s+/g, ''),
  ]);
  return { ...object, data: Object.fromEntries(data) };
}
