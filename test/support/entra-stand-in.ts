import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { CustomFetch } from 'openid-client';
import { GLOBAL_ADMIN_ROLE } from '../../src/http/oidc/sign-in.js';

export const ENTRA = 'https://login.microsoftonline.com';
export const CLIENT_ID = '8c5a7f3e-2b1d-4e6f-9a0b-1c2d3e4f5a6b';
export const TENANT = 'b7e4a2c1-3d5f-4a6b-8c9d-0e1f2a3b4c5d';
export const USER = 'f0e1d2c3-b4a5-4968-8776-655443322110';

/**
 * A stand-in for Entra ID's multi-tenant endpoints: the `/organizations/v2.0` discovery document
 * with the `{tenantid}` issuer template, a JWKS, and a token endpoint that answers each code with
 * the ID token the test prepared for it.
 */
export class EntraStandIn {
  readonly tokens = new Map<string, string>();
  readonly tokenRequests: URLSearchParams[] = [];
  tokenEndpointDown = false;
  private server?: Server;
  private kid = randomUUID();
  private key!: CryptoKey;
  private publicJwk!: Record<string, unknown>;
  base = '';

  async start(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.key = privateKey;
    this.publicJwk = { ...(await exportJWK(publicKey)), kid: this.kid, use: 'sig', alg: 'RS256' };
    this.server = createServer((req, res) => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/organizations/v2.0/.well-known/openid-configuration') {
        return json(200, {
          issuer: `${ENTRA}/{tenantid}/v2.0`,
          authorization_endpoint: `${ENTRA}/organizations/oauth2/v2.0/authorize`,
          token_endpoint: `${ENTRA}/organizations/oauth2/v2.0/token`,
          jwks_uri: `${ENTRA}/organizations/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'tid', 'oid', 'name', 'preferred_username'],
        });
      }
      if (req.method === 'GET' && req.url === '/organizations/discovery/v2.0/keys') return json(200, { keys: [this.publicJwk] });
      if (req.method === 'POST' && req.url === '/organizations/oauth2/v2.0/token') {
        if (this.tokenEndpointDown) {
          res.writeHead(503, { 'content-type': 'text/html' });
          return res.end('<h1>Service unavailable</h1>');
        }
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          const form = new URLSearchParams(body);
          this.tokenRequests.push(form);
          const idToken = this.tokens.get(form.get('code') ?? '');
          this.tokens.delete(form.get('code') ?? '');
          if (!idToken) return json(400, { error: 'invalid_grant', error_description: 'AADSTS70008: The provided authorization code has expired.' });
          return json(200, { token_type: 'Bearer', scope: 'openid profile email', expires_in: 3600, access_token: 'opaque-access-token', id_token: idToken });
        });
        return;
      }
      json(404, { error: 'not_found' });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Signs an ID token with the published key (or with `key`, for a forged signature). */
  sign(claims: JWTPayload, key: CryptoKey = this.key): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' }).sign(key);
  }
}

/** Sends openid-client's requests for Entra ID's addresses to `base` instead. */
export function routedTo(base: () => string): CustomFetch {
  return (url, options) => fetch(url.replace(ENTRA, base()), options as RequestInit);
}

/** The claims of a valid Entra ID token for the user of `TENANT`, for the attempt's nonce. */
export function validClaims(nonce: string, overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: `${ENTRA}/${TENANT}/v2.0`,
    aud: CLIENT_ID,
    iat: now,
    nbf: now,
    exp: now + 3600,
    sub: 'pairwise-subject-of-the-user',
    oid: USER,
    tid: TENANT,
    name: 'Chiara Esposito',
    preferred_username: 'chiara@tailspin.example',
    nonce,
    wids: [GLOBAL_ADMIN_ROLE, 'b79fbf4d-3ef9-4689-8143-76b194e85509'],
    ver: '2.0',
    ...overrides,
  };
}
