import net from 'node:net';

/**
 * Asks the operating system for a TCP port that is free right now.
 *
 * Binds a throwaway server to port 0 on `host`, reads the port the kernel picked and closes the
 * server again. There is an unavoidable small race: another process may grab the port between
 * this call and the moment the caller binds it.
 *
 * @param host Interface to probe on (default `127.0.0.1`).
 * @returns A port number that was free at the time of the call.
 */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`could not determine a free port on ${host}`));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/**
 * Tells whether `port` can be bound on `host` right now.
 *
 * @param port TCP port to probe.
 * @param host Interface to probe on (default `127.0.0.1`).
 * @returns `true` when a listener could be opened (and was closed again), `false` otherwise.
 */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}
