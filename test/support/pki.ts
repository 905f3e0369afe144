/**
 * A throwaway PKI for mutual-TLS tests, made with the openssl command line: a CA,
 * a server certificate for 127.0.0.1, and one client certificate per name.
 */

import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClientCert {
  cert: string;
  key: string;
  fingerprint: string;
}

export interface Pki {
  caFile: string;
  ca: string;
  serverCertFile: string;
  serverKeyFile: string;
  clients: Record<string, ClientCert>;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

function issue(dir: string, name: string, subject: string, extensions: string): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`), '-subj', subject]);
  const ext = join(dir, `${name}.ext`);
  require('node:fs').writeFileSync(ext, extensions);
  openssl(['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', join(dir, `${name}.pem`), '-days', '2', '-sha256', '-extfile', ext]);
}

export function makePki(dir: string, clientNames: string[]): Pki {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '2', '-subj', '/CN=Accord Test CA']);
  issue(dir, 'server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const clients: Record<string, ClientCert> = {};
  for (const name of clientNames) {
    issue(dir, `client-${name}`, `/CN=${name}`, 'extendedKeyUsage=clientAuth\n');
    const cert = readFileSync(join(dir, `client-${name}.pem`), 'utf8');
    clients[name] = {
      cert,
      key: readFileSync(join(dir, `client-${name}.key`), 'utf8'),
      fingerprint: new X509Certificate(cert).fingerprint256.replace(/:/g, ''),
    };
  }
  return {
    caFile: join(dir, 'ca.pem'),
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
    clients,
  };
}
