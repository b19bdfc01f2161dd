// Validates Kubernetes objects against the JSON schemas in kubernetes-models (core) and
// @kubernetes-models/keda (KEDA). Both packages are ES modules only, so the jest tests run
// this as a child process: objects as a JSON array on stdin, one result per object on stdout.
import { readFileSync } from 'node:fs';

function modulePath(apiVersion) {
  if (apiVersion.startsWith('keda.sh/')) return `@kubernetes-models/keda/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

async function validate(object) {
  const label = `${object.kind}/${object.metadata?.name}`;
  try {
    const models = await import(modulePath(object.apiVersion));
    const Model = models[object.kind];
    if (typeof Model !== 'function') return { object: label, error: 'no model for this kind' };
    new Model(object).validate();
    return { object: label, error: null };
  } catch (error) {
    return { object: label, error: error instanceof Error ? error.message : String(error) };
  }
}

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = await Promise.all(objects.map(validate));
process.stdout.write(JSON.stringify(results));
