import type { RequestHandler } from 'express';
import { claimedIdentity } from '../../identity/credentials';
import { principalLabel } from '../../identity/principal';
import type { Logger } from '../../log/logger';

/**
 * One log line per request. It carries what an operator needs to see what an
 * unknown client sent (User-Agent, Accept, query, auth scheme) and never a
 * credential or a body. 4xx at info, 5xx at error.
 */
export function accessLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const q = req.originalUrl.indexOf('?');
      const principal = req.accord?.principal;
      const line = {
        request_id: req.accord?.id,
        method: req.method,
        path: q < 0 ? req.originalUrl : req.originalUrl.slice(0, q),
        query: q < 0 ? undefined : req.originalUrl.slice(q + 1, q + 1 + 2048),
        status: res.statusCode,
        duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
        who: principal ? principalLabel(principal) : undefined,
        // Refused logins name the account they tried, so an operator can see who is guessed at.
        claimed: principal || !req.accord?.credentials ? undefined : claimedIdentity(req.accord.credentials),
        auth_scheme: principal?.scheme ?? authScheme(req.headers.authorization),
        user_agent: req.headers['user-agent'],
        accept: req.headers.accept,
        content_type: req.headers['content-type'],
        request_bytes: req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']),
        // The client's address: the socket's, or behind a trusted proxy the one it forwarded.
        remote: req.ip ?? req.socket.remoteAddress,
      };
      if (res.statusCode >= 500) log.error('request', line);
      else log.info('request', line);
    });
    next();
  };
}

/** Only the scheme word of the Authorization header, never what follows it. */
function authScheme(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return header.trim().split(/\s+/, 1)[0]!.slice(0, 20).toLowerCase();
}
