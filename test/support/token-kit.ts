import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { freePort } from './free-port.js';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact token with any header and payload, even ones no library would produce (`null`, `alg: none`). */
export function craft(header: unknown, payload: unknown, sign: (input: string) => string = () => ''): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(input)}`;
}

/** An RS256 token signed with a private key. */
export function rs256(key: KeyObject, claims: object, kid = 'k1', extraHeader: object = {}): string {
  return craft({ alg: 'RS256', typ: 'JWT', kid, ...extraHeader }, claims, (input) => createSign('RSA-SHA256').update(input).sign(key).toString('base64url'));
}

/** An HS256 token signed with a shared secret (or, for confusion attacks, any bytes). */
export function hs256(secret: string | Buffer, claims: object, extraHeader: object = {}): string {
  return craft({ alg: 'HS256', typ: 'JWT', ...extraHeader }, claims, (input) => createHmac('sha256', secret).update(input).digest('base64url'));
}

/** Epoch seconds from now. */
export const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

/**
 * A local stand-in for a key publisher: a JWKS at /keys and OpenID metadata at
 * /.well-known/openid-configuration pointing at it; counts key fetches and can fail or hang.
 */
export class KeyServer {
  readonly keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keyFetches = 0;
  /** Every request, answered or not. */
  requests = 0;
  metadataFetches = 0;
  mode: 'up' | 'error' | 'hang' = 'up';
  private server?: Server;
  private port = 0;

  constructor(readonly kid = 'k1') {}

  get privateKey(): KeyObject {
    return this.keyPair.privateKey;
  }
  get jwksUrl(): string {
    return `http://127.0.0.1:${this.port}/keys`;
  }
  get metadataUrl(): string {
    return `http://127.0.0.1:${this.port}/.well-known/openid-configuration`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = createServer((req, res) => {
      this.requests++;
      if (this.mode === 'hang') return;
      if (this.mode === 'error') {
        // Separate calls: restify patches ServerResponse.writeHead, and its version does not chain.
        res.writeHead(500);
        res.end('down');
        return;
      }
      if (req.url === '/keys') {
        this.keyFetches++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [{ ...this.keyPair.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' }] }));
        return;
      }
      this.metadataFetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: this.jwksUrl }));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A loopback URL where nothing listens. */
export async function deadUrl(path = '/keys'): Promise<string> {
  return `http://127.0.0.1:${await freePort()}${path}`;
}
