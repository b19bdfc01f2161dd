#!/usr/bin/env node
/**
 * `pnpm start`: runs PoofBG on this machine with local defaults. It creates the database
 * and its schema, finds or creates a demo account with a fresh key, starts one gateway and
 * one worker, and prints a curl command that removes the background of a real photo.
 * Every default can be overridden with the variables the README lists.
 */
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { Client } = require('pg');

const root = path.resolve(__dirname, '..');
const stateDir = path.join(root, '.poofbg');
const port = process.env.PORT ?? '8080';

const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/poofbg',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  STORAGE_DRIVER: process.env.STORAGE_DRIVER ?? 'local',
  STORAGE_LOCAL_DIR: process.env.STORAGE_LOCAL_DIR ?? path.join(stateDir, 'storage'),
  STORAGE_SIGNING_SECRET: process.env.STORAGE_SIGNING_SECRET ?? localSecret(),
  PORT: port,
  PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
  EXECUTION_PROVIDERS: process.env.EXECUTION_PROVIDERS ?? 'cpu',
  HEALTH_PORT: process.env.HEALTH_PORT ?? '9091',
};

/** A signing secret kept in .poofbg/ so links stay valid across restarts. */
function localSecret() {
  const file = path.join(stateDir, 'signing-secret');
  fs.mkdirSync(stateDir, { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'));
  return fs.readFileSync(file, 'utf8').trim();
}

async function ensureDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  admin.search = '';

  const client = new Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (error) {
    fail(`cannot reach PostgreSQL at ${admin.host}: ${error.message}`);
  }
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  await client.end();
}

function run(command, args) {
  return execFileSync(command, args, { cwd: root, env, encoding: 'utf8', stdio: 'pipe' });
}

function startProcess(name, script) {
  const child = spawn(process.execPath, [script], { cwd: root, env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!shuttingDown) fail(`${name} exited (${signal ?? code})`);
  });
  return child;
}

async function waitForReady(url, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  fail(`${what} did not become ready within ${timeoutMs / 1000} s`);
}

let shuttingDown = false;
const children = [];

function fail(message) {
  process.stderr.write(`\npoofbg: ${message}\n`);
  shutdown(1);
}

function shutdown(code) {
  shuttingDown = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), children.length > 0 ? 3_000 : 0).unref();
  if (children.length === 0) process.exit(code);
}

async function main() {
  await ensureDatabase(env.DATABASE_URL);
  run(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'deploy']);

  const demo = JSON.parse(
    run(process.execPath, ['apps/admin/dist/main.js', 'demo-key', '--name', 'Local demo']),
  );

  children.push(startProcess('gateway', 'apps/gateway/dist/main.js'));
  children.push(startProcess('worker', 'apps/worker/dist/main.js'));
  await waitForReady(`http://127.0.0.1:${port}/readyz`, 'gateway', 60_000);
  await waitForReady(
    `http://127.0.0.1:${env.HEALTH_PORT}/readyz`,
    'worker (loading the model)',
    120_000,
  );

  const photo = path.resolve(root, '..', 'shared', 'fixtures', 'images', 'car-1.jpg');
  process.stdout.write(`
PoofBG is running at ${env.PUBLIC_BASE_URL} (Ctrl-C stops it).

Demo account ${demo.account_id}, API key (shown once): ${demo.api_key}

Remove the background of a photo:

  curl -X POST ${env.PUBLIC_BASE_URL}/v1/remove-background \\
    -H "Authorization: Bearer ${demo.api_key}" \\
    -F "file=@${photo}"

Then download the "result_url" from the answer, e.g.:

  curl -o result.png "<result_url>"

`);
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
main().catch((error) => fail(error.stack ?? String(error)));
