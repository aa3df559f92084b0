// Backups in an S3-compatible bucket through the AWS SDK. Objects are written
// as multipart uploads of PART_SIZE parts (S3's minimum is 5 MiB), so a backup
// of any size streams through a bounded buffer; a failed write aborts its
// upload, and an object exists only once its upload is completed.
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { NotFoundError } from "@/lib/errors";
import { assertKey, type BackupStore } from "@/lib/backups/store";

export interface S3Settings {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Prepended to every key, e.g. "supafleet/" */
  prefix: string;
}

const PART_SIZE = 8 * 1024 * 1024;

function notFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

export class S3Store implements BackupStore {
  readonly kind = "s3" as const;
  private readonly client: S3Client;

  /** The bucket's free space is the provider's business. */
  async freeBytes(): Promise<null> {
    return null;
  }

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials:
        settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
    });
  }

  private key(key: string): string {
    assertKey(key);
    return `${this.settings.prefix}${key}`;
  }

  async write(key: string, body: Readable): Promise<{ size: number }> {
    const Key = this.key(key);
    const Bucket = this.settings.bucket;
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: "application/octet-stream" }));
    const parts: Array<{ ETag: string | undefined; PartNumber: number }> = [];
    let size = 0;
    try {
      let buf: Buffer[] = [];
      let bufBytes = 0;
      const flush = async () => {
        const PartNumber = parts.length + 1;
        const r = await this.client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: Buffer.concat(buf) }));
        parts.push({ ETag: r.ETag, PartNumber });
        buf = [];
        bufBytes = 0;
      };
      for await (const chunk of body) {
        const b = chunk as Buffer;
        buf.push(b);
        bufBytes += b.length;
        size += b.length;
        if (bufBytes >= PART_SIZE) await flush();
      }
      // A multipart upload needs at least one part, even an empty one.
      if (bufBytes > 0 || parts.length === 0) await flush();
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
      throw err;
    }
    return { size };
  }

  async read(key: string): Promise<Readable> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }));
      return r.Body as Readable;
    } catch (err) {
      if (notFound(err)) throw new NotFoundError("The backup object is missing from the bucket.");
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }));
    } catch (err) {
      if (!notFound(err)) throw err;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }));
      return r.ContentLength ?? 0;
    } catch (err) {
      if (notFound(err)) return null;
      throw err;
    }
  }
}
