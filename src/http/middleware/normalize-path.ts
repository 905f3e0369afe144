import type { RequestHandler } from 'express';

/**
 * Collapses repeated slashes in the path before routing: FortiSOAR and MISP build
 * `…/api1//collections/` (docs/client-quirks.md#slashes). Served directly, never redirected,
 * because clients that POST or use curl without -L do not follow redirects.
 */
export const normalizePath: RequestHandler = (req, _res, next) => {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (path.includes('//')) req.url = path.replace(/\/{2,}/g, '/') + (q < 0 ? '' : req.url.slice(q));
  next();
};
