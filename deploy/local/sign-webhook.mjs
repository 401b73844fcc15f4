// Prints the X-Twilio-Signature of a Twilio webhook post, so the README walkthrough can post a signed status
// callback without computing HMACs by hand. notifications-service accepts a Twilio webhook only when it is signed
// with TWILIO_AUTH_TOKEN over PUBLIC_BASE_URL + path and the sorted form parameters (CONTRACT.md); this signs
// exactly that, with the same Twilio helper the service checks it with.
//
//   node_modules/node/bin/node deploy/local/sign-webhook.mjs 'MessageSid=sandbox-…&MessageStatus=delivered'
//
// The URL is PUBLIC_BASE_URL (default http://127.0.0.1:3002) + /webhooks/twilio/status unless --url or --path
// is given; the token is TWILIO_AUTH_TOKEN, else the dev token the README starts the stack with.
import { parseArgs } from 'node:util';
import twilio from 'twilio';

export const DEV_TWILIO_AUTH_TOKEN = 'chargesol-dev-twilio-auth-token';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    path: { type: 'string', default: '/webhooks/twilio/status' },
    token: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || positionals.length !== 1) {
  console.error("usage: sign-webhook.mjs '<form body, e.g. MessageSid=SM…&MessageStatus=delivered>' [--url URL | --path PATH] [--token TOKEN]");
  process.exit(values.help ? 0 : 2);
}

const base = (process.env.PUBLIC_BASE_URL || 'http://127.0.0.1:3002').replace(/\/+$/, '');
const url = values.url ?? base + values.path;
const token = values.token ?? (process.env.TWILIO_AUTH_TOKEN || DEV_TWILIO_AUTH_TOKEN);
// Twilio signs the decoded form parameters, not the raw body.
const params = Object.fromEntries(new URLSearchParams(positionals[0]));
console.log(twilio.getExpectedTwilioSignature(token, url, params));
