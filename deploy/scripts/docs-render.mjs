// How the generated documents are written, shared by generate-docs.mjs and the tests that
// compare the committed files with freshly generated ones (byte for byte).
import { stringify } from 'yaml';

/** docs/asyncapi.yaml: a header saying where it comes from, then the document. */
export function renderAsyncApiYaml(document) {
  const header = [
    '# GENERATED from libs/contracts (libs/contracts/src/asyncapi.ts) by',
    '# `node_modules/node/bin/node deploy/scripts/generate-docs.mjs asyncapi` — do not edit by hand;',
    '# test/deploy/docs.int.test.ts and libs/contracts/src/asyncapi.spec.ts fail when it is out of date.',
  ].join('\n');
  return `${header}\n${stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** docs/openapi/<service>.json: stable, diff-friendly JSON. */
export function renderOpenApiJson(document) {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The services whose OpenAPI documents are committed, with the name and description their main.ts uses. */
export const openApiServices = [
  {
    name: 'leads-service',
    description: 'Leads, lead sources, documents and lead history of the ChargeSol platform',
    module: 'LeadsAppModule',
    loadConfig: 'loadLeadsConfig',
    options: { uploadLimit: 10 * 1024 * 1024, bodyLimit: 12 * 1024 * 1024 },
  },
  {
    name: 'notifications-service',
    description: 'Notifications, templates, recipients, call logs and gateway webhooks of the ChargeSol platform',
    module: 'NotificationsAppModule',
    loadConfig: 'loadNotificationsConfig',
    options: {},
  },
];
