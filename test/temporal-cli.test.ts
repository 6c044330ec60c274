import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  TEMPORAL_CLI_GO_PACKAGE,
  TEMPORAL_CLI_VERSION,
  isChecksumDbUnreachable,
  resolveTemporalCli,
  temporalCliCachePath,
} from '../runtime/temporal-cli';

let tmp: string;
let logs: string[];
const log = (msg: string) => logs.push(msg);

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'bangfu-temporal-cli-'));
  logs = [];
});

afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Writes an executable shell script (or, with mode 0o644, a non-executable file). */
async function script(file: string, body: string, mode = 0o755): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `#!/bin/sh\n${body}\n`, { mode });
  await fs.chmod(file, mode);
  return file;
}

const fakeTemporal = (file: string) => script(file, 'echo fake temporal');

/** Directory for fakes on PATH; the real PATH is never used, so no real `go` or `temporal` is found. */
const dirs = () => ({
  bin: path.join(tmp, 'bin'),
  cache: path.join(tmp, 'cache'),
  elsewhere: path.join(tmp, 'elsewhere'),
});

/**
 * A fake `go`: `go install -v <pkg>` appends its arguments and GOSUMDB to calls.log, waits
 * `delay` seconds, and writes a fake `temporal` into $GOBIN (unless `failWith` is given).
 */
async function fakeGo(bin: string, opts: { delay?: number; failWith?: string; failUnlessSumdbOff?: string } = {}) {
  const calls = path.join(tmp, 'calls.log');
  const lines = [
    `echo "$* GOSUMDB=$GOSUMDB GOBIN=$GOBIN" >> ${calls}`,
    'echo "go: downloading example.com/mod v1.0.0" >&2',
  ];
  if (opts.delay) lines.push(`/bin/sleep ${opts.delay}`);
  if (opts.failUnlessSumdbOff) {
    lines.push(`if [ "$GOSUMDB" != off ]; then echo '${opts.failUnlessSumdbOff}' >&2; exit 1; fi`);
  }
  if (opts.failWith) lines.push(`echo '${opts.failWith}' >&2`, 'exit 1');
  lines.push(
    'echo "example.com/mod/pkg" >&2',
    'printf "#!/bin/sh\\necho built temporal\\n" > "$GOBIN/temporal"',
    '/bin/chmod 755 "$GOBIN/temporal"',
  );
  await script(path.join(bin, 'go'), lines.join('\n'));
  return {
    calls: async () =>
      (await fs.readFile(calls, 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean),
  };
}

describe('resolveTemporalCli order', () => {
  it('TEMPORAL_CLI_PATH wins over PATH and the cache', async () => {
    const { bin, cache, elsewhere } = dirs();
    const explicit = await fakeTemporal(path.join(elsewhere, 'my-temporal'));
    await fakeTemporal(path.join(bin, 'temporal'));
    await fakeTemporal(temporalCliCachePath(cache));
    const got = await resolveTemporalCli({ log, cacheDir: cache, env: { TEMPORAL_CLI_PATH: explicit, PATH: bin } });
    expect(got).toEqual({ path: explicit, source: 'env' });
  });

  it('a TEMPORAL_CLI_PATH that does not exist throws an error naming TEMPORAL_CLI_PATH', async () => {
    const { bin, cache } = dirs();
    await fakeTemporal(path.join(bin, 'temporal'));
    await expect(
      resolveTemporalCli({
        log,
        cacheDir: cache,
        env: { TEMPORAL_CLI_PATH: path.join(tmp, 'missing'), PATH: bin },
      }),
    ).rejects.toThrow(/TEMPORAL_CLI_PATH/);
  });

  it('a TEMPORAL_CLI_PATH that is not executable throws an error naming TEMPORAL_CLI_PATH', async () => {
    const { cache, elsewhere } = dirs();
    const notExec = await script(path.join(elsewhere, 'temporal'), 'echo no', 0o644);
    await expect(
      resolveTemporalCli({ log, cacheDir: cache, env: { TEMPORAL_CLI_PATH: notExec, PATH: '' } }),
    ).rejects.toThrow(/TEMPORAL_CLI_PATH.*not executable/);
  });

  it('temporal on PATH wins over the cached build', async () => {
    const { bin, cache } = dirs();
    const onPath = await fakeTemporal(path.join(bin, 'temporal'));
    await fakeTemporal(temporalCliCachePath(cache));
    const got = await resolveTemporalCli({ log, cacheDir: cache, env: { PATH: `${path.join(tmp, 'empty')}:${bin}` } });
    expect(got).toEqual({ path: onPath, source: 'path' });
  });

  it('a non-executable temporal on PATH is skipped', async () => {
    const { bin, cache } = dirs();
    await script(path.join(bin, 'temporal'), 'echo no', 0o644);
    const cached = await fakeTemporal(temporalCliCachePath(cache));
    const got = await resolveTemporalCli({ log, cacheDir: cache, env: { PATH: bin } });
    expect(got).toEqual({ path: cached, source: 'cache' });
  });

  it('the cached build is used when no temporal is on PATH', async () => {
    const { bin, cache } = dirs();
    await fakeGo(bin); // present, but must not be needed
    const cached = await fakeTemporal(temporalCliCachePath(cache));
    expect(cached).toBe(path.join(cache, `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal'));
    const got = await resolveTemporalCli({ log, cacheDir: cache, env: { PATH: bin } });
    expect(got).toEqual({ path: cached, source: 'cache' });
    await expect(fs.readFile(path.join(tmp, 'calls.log'))).rejects.toThrow();
  });

  it('BANGFU_CACHE_DIR locates the cache', async () => {
    const { cache } = dirs();
    const cached = await fakeTemporal(temporalCliCachePath(cache));
    const got = await resolveTemporalCli({ log, env: { PATH: '', BANGFU_CACHE_DIR: cache } });
    expect(got).toEqual({ path: cached, source: 'cache' });
  });

  it('without go on PATH nothing is built and the SDK download is left', async () => {
    const { bin, cache } = dirs();
    await fs.mkdir(bin, { recursive: true });
    const got = await resolveTemporalCli({ log, cacheDir: cache, env: { PATH: bin } });
    expect(got).toEqual({ path: undefined, source: 'sdk-download' });
  });

  it('build: false leaves the SDK download even when go is on PATH', async () => {
    const { bin, cache } = dirs();
    const go = await fakeGo(bin);
    const got = await resolveTemporalCli({ log, cacheDir: cache, build: false, env: { PATH: bin } });
    expect(got.source).toBe('sdk-download');
    expect(await go.calls()).toEqual([]);
  });
});

describe('building with go', () => {
  it('a fresh build runs go install of the pinned CLI version and caches the binary', async () => {
    const { bin, cache } = dirs();
    const go = await fakeGo(bin);
    const got = await resolveTemporalCli({ log, cacheDir: cache, env: { PATH: bin } });
    const cached = temporalCliCachePath(cache);
    expect(got).toEqual({ path: cached, source: 'built' });
    expect(await fs.readFile(cached, 'utf8')).toContain('built temporal');
    const calls = await go.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain(`install -v ${TEMPORAL_CLI_GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`);
    expect(logs.join('\n')).toMatch(/several minutes/);
    // The lock and staging directories are gone afterwards.
    expect((await fs.readdir(cache)).sort()).toEqual([`temporal-${TEMPORAL_CLI_VERSION}`]);
  });

  it('the build reports periodic progress while go runs', async () => {
    const { bin, cache } = dirs();
    await fakeGo(bin, { delay: 1 });
    await resolveTemporalCli({ log, cacheDir: cache, env: { PATH: bin }, progressIntervalMs: 200 });
    expect(logs.some((l) => /still building… \d+s/.test(l))).toBe(true);
  });

  it('concurrent callers build only once: the second waits for the first and uses the cache', async () => {
    const { bin, cache } = dirs();
    const go = await fakeGo(bin, { delay: 1 });
    const opts = { log, cacheDir: cache, env: { PATH: bin }, lockPollMs: 50 };
    const [a, b] = await Promise.all([resolveTemporalCli(opts), resolveTemporalCli(opts)]);
    expect(await go.calls()).toHaveLength(1);
    expect([a.source, b.source].sort()).toEqual(['built', 'cache']);
    expect(a.path).toBe(temporalCliCachePath(cache));
    expect(b.path).toBe(temporalCliCachePath(cache));
    expect(logs.join('\n')).toMatch(/already building the Temporal CLI; waiting/);
  });

  it('a lock left by a dead process is removed', async () => {
    const { bin, cache } = dirs();
    const go = await fakeGo(bin);
    const lockDir = path.join(cache, `temporal-${TEMPORAL_CLI_VERSION}.build-lock`);
    await fs.mkdir(lockDir, { recursive: true });
    await fs.writeFile(
      path.join(lockDir, 'owner.json'),
      JSON.stringify({ pid: 2 ** 30 - 1, host: os.hostname(), startedAt: Date.now() }),
    );
    const got = await resolveTemporalCli({ log, cacheDir: cache, env: { PATH: bin }, lockPollMs: 50 });
    expect(got.source).toBe('built');
    expect(await go.calls()).toHaveLength(1);
    expect(logs.join('\n')).toMatch(/abandoned/);
  });

  it('an unreachable checksum database is retried once with GOSUMDB=off', async () => {
    const { bin, cache } = dirs();
    const go = await fakeGo(bin, {
      failUnlessSumdbOff:
        'go: example.com/mod@v1.0.0: verifying module: example.com/mod@v1.0.0: Get "https://sum.golang.org/lookup/example.com/mod@v1.0.0": dial tcp: lookup sum.golang.org: no such host',
    });
    const got = await resolveTemporalCli({ log, cacheDir: cache, env: { PATH: bin } });
    expect(got.source).toBe('built');
    const calls = await go.calls();
    expect(calls).toHaveLength(2);
    expect(calls[0]).not.toContain('GOSUMDB=off');
    expect(calls[1]).toContain('GOSUMDB=off');
    expect(logs.join('\n')).toMatch(/retrying .*GOSUMDB=off/);
  });

  it('a failed build throws with the tail of go output and is not retried', async () => {
    const { bin, cache } = dirs();
    const go = await fakeGo(bin, { failWith: 'some/pkg/file.go:1:1: syntax error' });
    await expect(resolveTemporalCli({ log, cacheDir: cache, env: { PATH: bin } })).rejects.toThrow(
      /building the Temporal CLI failed[\s\S]*syntax error/,
    );
    expect(await go.calls()).toHaveLength(1);
    await expect(fs.access(temporalCliCachePath(cache))).rejects.toThrow();
  });

  it('a checksum mismatch is never treated as an unreachable checksum database', () => {
    expect(
      isChecksumDbUnreachable(
        'verifying example.com/mod@v1.0.0: checksum mismatch\n\tdownloaded: h1:a\n\tsum.golang.org: h1:b\n\nSECURITY ERROR',
      ),
    ).toBe(false);
    expect(isChecksumDbUnreachable('dial tcp: lookup sum.golang.org: no such host')).toBe(true);
  });
});
