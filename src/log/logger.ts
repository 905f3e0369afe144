/** Structured JSON logs (winston), one object per line. Secrets and bodies are never passed in. */

import winston from 'winston';

export type Logger = winston.Logger;

export function createLogger(level: 'error' | 'warn' | 'info' | 'debug' | 'silent'): Logger {
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    defaultMeta: { service: 'accord' },
    transports: [new winston.transports.Console()],
  });
}
