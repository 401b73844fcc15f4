import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One stored object, as the simulator received it. */
export interface StoredObject {
  body: Buffer;
  contentType: string;
}

/** A request the simulator refused, kept so a test can show why the driver failed. */
export interface RejectedRequest {
  method: string;
  url: string;
  code: string;
  message: string;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
// RFC 3986 encoding, as SigV4 canonicalisation requires.
const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A minimal path-style S3 server (CreateBucket, PutObject, GetObject, HeadObject, DeleteObject) that
 * verifies every request's AWS SigV4 signature against one access key, so the driver is tested
 * against the real wire protocol rather than a mock of our code.
 */
export class S3Simulator {
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  readonly rejected: RejectedRequest[] = [];
  /** Every accepted request as `METHOD /bucket/key`, in order. */
  readonly accepted: string[] = [];
  private server?: Server;

  constructor(
    readonly accessKeyId: string,
    private readonly secretAccessKey: string,
    readonly region: string,
  ) {}

  /** Listens on an ephemeral port of 127.0.0.1 and returns the endpoint URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve, reject) => (this.server ? this.server.close((e) => (e ? reject(e) : resolve())) : resolve()));
  }

  object(bucket: string, key: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    try {
      this.verifySignature(req, body);
      const url = new URL(req.url ?? '/', 'http://s3.local');
      const [, bucketName, ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      this.accepted.push(`${req.method} /${bucketName}${key ? `/${key}` : ''}`);
      this.route(req, res, decodeURIComponent(bucketName ?? ''), key, body);
    } catch (error) {
      const e = error instanceof S3Error ? error : new S3Error(500, 'InternalError', String(error));
      this.rejected.push({ method: req.method ?? '', url: req.url ?? '', code: e.code, message: e.message });
      res.writeHead(e.status, { 'content-type': 'application/xml' });
      res.end(
        req.method === 'HEAD'
          ? undefined
          : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${e.code}</Code><Message>${e.message}</Message></Error>`,
      );
    }
  }

  private route(req: IncomingMessage, res: ServerResponse, bucketName: string, key: string, body: Buffer): void {
    if (!bucketName) throw new S3Error(501, 'NotImplemented', 'ListBuckets is not simulated');
    if (!key) {
      if (req.method !== 'PUT') throw new S3Error(501, 'NotImplemented', `${req.method} on a bucket is not simulated`);
      if (this.buckets.has(bucketName)) throw new S3Error(409, 'BucketAlreadyOwnedByYou', bucketName);
      this.buckets.set(bucketName, new Map());
      res.writeHead(200, { location: `/${bucketName}` }).end();
      return;
    }
    const bucket = this.buckets.get(bucketName);
    if (!bucket) throw new S3Error(404, 'NoSuchBucket', `The specified bucket does not exist: ${bucketName}`);
    switch (req.method) {
      case 'PUT': {
        if (req.headers['content-encoding']?.includes('aws-chunked')) {
          throw new S3Error(501, 'NotImplemented', 'aws-chunked uploads are not simulated');
        }
        bucket.set(key, { body, contentType: req.headers['content-type'] ?? 'binary/octet-stream' });
        res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` }).end();
        return;
      }
      case 'GET':
      case 'HEAD': {
        const object = bucket.get(key);
        if (!object) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
        res.writeHead(200, {
          'content-type': object.contentType,
          'content-length': object.body.length,
          etag: `"${createHash('md5').update(object.body).digest('hex')}"`,
        });
        res.end(req.method === 'GET' ? object.body : undefined);
        return;
      }
      case 'DELETE':
        bucket.delete(key);
        res.writeHead(204).end();
        return;
      default:
        throw new S3Error(405, 'MethodNotAllowed', `${req.method} is not allowed`);
    }
  }

  /** Recomputes the SigV4 signature (header form) with the one known secret; throws on any mismatch. */
  private verifySignature(req: IncomingMessage, body: Buffer): void {
    const authorization = req.headers.authorization ?? '';
    const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
    if (!match) throw new S3Error(403, 'AccessDenied', 'request is not SigV4-signed');
    const [, accessKey, date, region, signedHeaders, signature] = match as unknown as string[];
    if (accessKey !== this.accessKeyId) throw new S3Error(403, 'InvalidAccessKeyId', `unknown access key ${accessKey}`);
    if (region !== this.region) throw new S3Error(400, 'AuthorizationHeaderMalformed', `region ${region} is wrong`);
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    if (!amzDate.startsWith(date!)) throw new S3Error(403, 'AccessDenied', 'x-amz-date does not match the credential scope');
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (!payloadHash) throw new S3Error(400, 'InvalidRequest', 'x-amz-content-sha256 is missing');
    if (payloadHash !== 'UNSIGNED-PAYLOAD') {
      if (payloadHash.startsWith('STREAMING-')) throw new S3Error(501, 'NotImplemented', `${payloadHash} is not simulated`);
      if (payloadHash !== sha256(body)) throw new S3Error(400, 'XAmzContentSHA256Mismatch', 'payload hash mismatch');
    }
    const names = signedHeaders!.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date')) throw new S3Error(403, 'AccessDenied', 'host/x-amz-date unsigned');
    const url = new URL(req.url ?? '/', 'http://s3.local');
    const query = [...url.searchParams.entries()]
      .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
      .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const headers = names
      .map((name) => `${name}:${String(req.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
      .join('');
    const canonical = [req.method, url.pathname, query, headers, signedHeaders, payloadHash].join('\n');
    const scope = `${date}/${region}/s3/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
    const key = hmac(hmac(hmac(hmac(`AWS4${this.secretAccessKey}`, date!), region!), 's3'), 'aws4_request');
    const expected = hmac(key, toSign);
    if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) {
      throw new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
  }
}
