import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A load balancer stand-in: each HTTP request goes to the next instance in turn (no stickiness). */
export interface RoundRobinProxy {
  readonly url: string;
  /** The instances' base URLs; set once they listen. */
  targets: string[];
  /** How many requests each target got. */
  readonly served: number[];
  stop(): Promise<void>;
}

/** Starts the proxy on a free loopback port, before the instances, whose PUBLIC_BASE_URL it is. */
export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let next = 0;
  const proxy: { targets: string[]; served: number[] } = { targets: [], served: [] };
  const server: Server = createServer((req, res) => {
    const index = next++ % proxy.targets.length;
    proxy.served[index] = (proxy.served[index] ?? 0) + 1;
    const target = new URL(proxy.targets[index]);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
