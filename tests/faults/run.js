/**
 * `pnpm test:faults`: runs every fault scenario and the load and soak runs one file at a
 * time (they share two cores with whatever else runs), then prints the summary table. The
 * long soak is on unless POOFBG_SOAK=0. Exits non-zero if a test failed or any scenario
 * reported an invariant violation. See docs/faults.md.
 */
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const reports = mkdtempSync(path.join(tmpdir(), 'poofbg-faults-'));
const soak = process.env.POOFBG_SOAK ?? '1';

// The pnpm shim, not jest's own file: the shim sets NODE_PATH so tests find workspace packages.
const jest = spawnSync(
  path.join(root, 'node_modules', '.bin', 'jest'),
  // --forceExit: a scenario that failed half-way must not keep the table from being printed.
  ['--runInBand', '--forceExit', 'tests/faults'],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      POOFBG_SOAK: soak,
      POOFBG_FAULTS_REPORT_DIR: reports,
      NODE_OPTIONS: '--experimental-vm-modules --disable-warning=ExperimentalWarning',
    },
  },
);

const results = readdirSync(reports)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(path.join(reports, name), 'utf8')))
  .sort((a, b) => a.scenario.localeCompare(b.scenario));
rmSync(reports, { recursive: true, force: true });

console.log(`\nFault suite summary (POOFBG_SOAK=${soak})\n`);
console.log(summaryTable(results));
const loads = results.filter((result) => result.load);
if (loads.length > 0) {
  console.log(`\nLoad\n\n${loadTable(loads)}\n\nAnswers by code\n\n${answersTable(loads)}`);
}
console.log(`\nProcess memory (RSS, MiB, start → warm → end)\n\n${memoryTable(results)}\n`);

const violations = results.reduce((sum, result) => sum + result.violations.length, 0);
for (const result of results) {
  for (const violation of result.violations)
    console.log(`VIOLATION ${result.scenario}: ${violation}`);
}
process.exit(jest.status !== 0 || violations > 0 ? 1 : 0);

function summaryTable(rows) {
  const total = (key) => rows.reduce((sum, row) => sum + row[key], 0);
  return table(
    ['Scenario', 'Requests', 'Jobs', 'Completed', 'Failed', 'Violations', 'Memory growth', 'Time'],
    [
      ...rows.map((row) => [
        row.scenario,
        row.requests,
        row.jobs,
        row.completed,
        row.failed,
        row.violations.length,
        growth(row.memory),
        `${row.durationS} s`,
      ]),
      [
        'Total',
        total('requests'),
        total('jobs'),
        total('completed'),
        total('failed'),
        rows.reduce((sum, row) => sum + row.violations.length, 0),
        '',
        `${total('durationS')} s`,
      ],
    ],
  );
}

/**
 * The largest RSS growth among processes that lived to the end of the scenario, from their
 * warm reading where the scenario took one (a worker's first jobs allocate the model's
 * working memory once; that is not growth).
 */
function growth(memory) {
  const lived = memory.filter((reading) => reading.endMiB !== null);
  if (lived.length === 0) return 'n/a';
  const delta = (m) => m.endMiB - (m.warmMiB ?? m.startMiB);
  const most = lived.reduce((a, b) => (delta(b) > delta(a) ? b : a));
  const from = most.warmMiB === undefined ? 'start' : 'warm';
  return `${delta(most) >= 0 ? '+' : ''}${delta(most)} MiB (${most.process}, from ${from})`;
}

function loadTable(rows) {
  return table(
    ['Run', 'Model', 'Duration', 'Clients', 'Accounts', 'Jobs/min', 'p50', 'p90', 'p99', 'max'],
    rows.map(({ scenario, load }) => [
      scenario,
      load.model,
      `${load.durationS} s`,
      load.clients,
      load.accounts,
      load.jobsPerMinute,
      ...['p50', 'p90', 'p99', 'max'].map((p) => `${(load.latencyMs[p] / 1000).toFixed(2)} s`),
    ]),
  );
}

function answersTable(rows) {
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row.load.answers)))].sort();
  return table(
    ['Answer', ...rows.map((row) => row.scenario)],
    keys.map((key) => [key, ...rows.map((row) => row.load.answers[key] ?? 0)]),
  );
}

function memoryTable(rows) {
  return table(
    ['Scenario', 'Processes'],
    rows.map((row) => [
      row.scenario,
      row.memory
        .map((m) => {
          const warm = m.warmMiB === undefined ? '' : ` → ${m.warmMiB}`;
          return `${m.process} ${m.startMiB}${warm} → ${m.endMiB ?? 'stopped'}`;
        })
        .join('; '),
    ]),
  );
}

/** A Markdown table, so the output can be pasted into docs/faults.md as it is. */
function table(header, rows) {
  const lines = [header, header.map(() => '---'), ...rows].map(
    (cells) => `| ${cells.map((cell) => String(cell)).join(' | ')} |`,
  );
  return lines.join('\n');
}
