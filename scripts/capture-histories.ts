/**
 * `npm run histories:capture -- <release>` — drives real cases through every path of the case
 * workflow on a fresh dev server and PostgreSQL and writes their histories to
 * test/histories/<release>/. Run it for every release that changes workflow code; check the
 * files in. `npm test` replays every checked-in history against today's code.
 */
import { spawnSync } from 'node:child_process';
import { runMain } from '../runtime/config';

await runMain('histories:capture', async () => {
  const release = process.argv[2];
  if (!release || !/^[\w.-]+$/.test(release)) throw new Error('usage: npm run histories:capture -- <release>   (e.g. 0.2.0)');
  const r = spawnSync('npx', ['vitest', 'run', '-c', 'vitest.capture.config.ts'], { stdio: 'inherit', env: { ...process.env, BANGFU_RELEASE: release } });
  if (r.status !== 0) throw new Error(`capture failed (exit ${r.status})`);
  console.log(`histories written to test/histories/${release}/ — review and commit them`);
});
