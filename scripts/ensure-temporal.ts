/**
 * `npm run temporal:ensure`: resolves the Temporal CLI (building it with Go if needed) and prints
 * its path on stdout. Progress goes to stderr. Exits 1 if the resolution fails; prints nothing
 * (and says why on stderr) when only the SDK's download would be left.
 */
import { resolveTemporalCli } from '../runtime/temporal-cli';

async function main(): Promise<void> {
  const cli = await resolveTemporalCli();
  if (cli.path === undefined) {
    console.error(
      'No Temporal CLI available and none could be built; the dev server would be downloaded by @temporalio/testing at start.',
    );
    return;
  }
  console.error(`Temporal CLI (${cli.source}):`);
  console.log(cli.path);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
