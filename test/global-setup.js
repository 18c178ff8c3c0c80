// Builds dist/ once so that tests which start the CLI as a child process run the current sources.
// Type errors are reported but do not stop the run: `npm run typecheck` is the type gate.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const REQUIRED_BINARIES = ['promtool', 'prometheus', 'amtool', 'prometheus-alertmanager'];

module.exports = async function globalSetup() {
  const root = path.join(__dirname, '..');
  const missing = REQUIRED_BINARIES.filter(
    (name) => spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0,
  );
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.join(', ')}: install Debian's prometheus and prometheus-alertmanager ` +
        'packages, or run `bash .ci/run`, which installs them and then runs the tests',
    );
  }
  const result = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    process.stderr.write(`\ntsc reported errors while building dist/:\n${result.stdout}${result.stderr}\n`);
  }
};
