/**
 * Uploads a local model directory to a model version's storage location, with the temporary credentials Unity
 * Catalog hands out for that version. Credentials (SAS tokens, OAuth tokens) stay in memory: URLs that carry them are
 * never put into errors or logs.
 */
import type { ApiClient } from "../client/http";
import { backoffDelay, sleep } from "../client/backoff";
import { readLocalFile, type LocalFile } from "./local-model";

/** `generate-temporary-credentials` answer: one credential kind per cloud, plus the plane's own. */
export interface TemporaryCredentials {
  credentials?: {
    dbserve_upload?: { url: string; method?: string };
    azure_user_delegation_sas?: { sas_token: string };
    gcp_oauth_token?: { oauth_token: string };
    aws_temp_credentials?: { access_key_id: string };
    expiration_time?: number;
  };
  storage_location?: string;
}

type Target = { describe: string; request: (file: LocalFile) => { url: string; headers: Record<string, string>; method: "PUT" | "POST" } };

function targetFor(creds: TemporaryCredentials, storageLocation: string): Target {
  const c = creds.credentials ?? {};
  if (c.dbserve_upload) {
    const base = c.dbserve_upload.url.replace(/\/+$/, "");
    return { describe: "the plane's artifact store", request: (f) => ({ url: `${base}/${f.path.split("/").map(encodeURIComponent).join("/")}`, headers: {}, method: "PUT" }) };
  }
  if (c.azure_user_delegation_sas) {
    // abfss://<container>@<account>.dfs.core.windows.net/<path> → the Blob endpoint, one PUT per file.
    const m = storageLocation.match(/^abfss?:\/\/([^@]+)@([^./]+)\.dfs\.core\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)\/?(.*)$/);
    if (!m) throw new Error(`cannot upload to storage location ${storageLocation}: not an abfss:// URI`);
    const [, container, account, suffix, prefix] = m;
    const sas = c.azure_user_delegation_sas.sas_token.replace(/^\?/, "");
    return {
      describe: `Azure storage account ${account}`,
      request: (f) => ({
        url: `https://${account}.blob.core.${suffix}/${container}/${[prefix, f.path].filter(Boolean).join("/")}?${sas}`,
        headers: { "x-ms-blob-type": "BlockBlob", "Content-Type": "application/octet-stream" },
        method: "PUT",
      }),
    };
  }
  if (c.gcp_oauth_token) {
    const m = storageLocation.match(/^gs:\/\/([^/]+)\/?(.*)$/);
    if (!m) throw new Error(`cannot upload to storage location ${storageLocation}: not a gs:// URI`);
    const [, bucket, prefix] = m;
    const token = c.gcp_oauth_token.oauth_token;
    return {
      describe: `Google Cloud Storage bucket ${bucket}`,
      request: (f) => ({
        url: `https://storage.googleapis.com/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent([prefix, f.path].filter(Boolean).join("/"))}`,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream" },
        method: "POST",
      }),
    };
  }
  if (c.aws_temp_credentials) {
    throw new Error(
      "uploading local model files to S3 needs AWS SigV4 signing, which this version does not implement: register the model with MLflow (mlflow.register_model) and declare ModelVersion `source` as its run artifact URI (runs:/<run_id>/<path>) instead of `directory`",
    );
  }
  throw new Error("the workspace returned no temporary credentials this provider can upload with");
}

/** Uploads every file (sequentially: model directories are few, large files), retrying throttling and 5xx. */
export async function uploadModelFiles(client: ApiClient, creds: TemporaryCredentials, storageLocation: string, files: LocalFile[], progress: (m: string) => void): Promise<void> {
  const target = targetFor(creds, storageLocation);
  let done = 0;
  for (const f of files) {
    const req = target.request(f);
    const body = readLocalFile(f);
    for (let attempt = 0; ; attempt++) {
      let status: number;
      let detail = "";
      try {
        const res = await client.fetchRaw(req.url, { method: req.method, body, headers: req.headers });
        status = res.status;
        if (!res.ok) detail = (await res.text()).slice(0, 300);
      } catch (err) {
        status = 0;
        detail = (err as Error).message;
      }
      if (status >= 200 && status < 300) break;
      const retryable = status === 0 || status === 429 || status >= 500;
      if (!retryable || attempt >= 5) {
        // The URL is left out on purpose: it may carry a SAS token.
        throw new Error(`uploading ${f.path} to ${target.describe} failed${status ? ` with HTTP ${status}` : ""}: ${detail.replace(/sig=[^&\s"]+/gi, "sig=[redacted]")}`);
      }
      await sleep(backoffDelay(attempt, { initialMs: 500, maxMs: 10_000 }));
    }
    done++;
    if (files.length > 3 && done % Math.ceil(files.length / 4) === 0) progress(`uploaded ${done}/${files.length} model files`);
  }
}
