// The image's HEALTHCHECK: exit 0 when Accord answers GET /_health with 200
// (it pings the store). ACCORD_HEALTH_URL overrides the URL, e.g. https://127.0.0.1:8000/_health
// when server.tls is set; the certificate is not checked, as the probe stays inside the container.
'use strict';
const http = require('node:http');
const https = require('node:https');

const url = new URL(process.env.ACCORD_HEALTH_URL || `http://127.0.0.1:${process.env.PORT || 8000}/_health`);
const client = url.protocol === 'https:' ? https : http;
const request = client.get(url, { timeout: 4000, rejectUnauthorized: false }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
