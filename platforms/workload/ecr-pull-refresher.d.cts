/** Types of ecr-pull-refresher.cjs (plain JavaScript so a stock Node image runs it from a ConfigMap). */

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RefresherConfig {
  registryHost: string;
  region: string;
  ecrEndpoint: string;
  namespace: string;
  secretName: string;
  credentials: AwsCredentials;
  apiServer: string;
  bearerToken: string;
  ca: string | undefined;
}

export function signV4(request: {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  region: string;
  service: string;
  credentials: AwsCredentials;
  now: Date;
}): Record<string, string>;

export function getEcrToken(args: {
  endpoint: string;
  region: string;
  credentials: AwsCredentials;
  now: Date;
}): Promise<{ username: string; password: string; expiresAt: string }>;

export function dockerConfigJson(host: string, username: string, password: string): string;

export function patchSecret(args: {
  apiServer: string;
  bearerToken: string;
  ca: string | undefined;
  namespace: string;
  name: string;
  dockerConfig: string;
}): Promise<void>;

export function configFromEnv(
  env: Record<string, string | undefined>,
  readFile?: (file: string) => string,
): RefresherConfig;

export function refresh(config: RefresherConfig, now?: Date): Promise<{ expiresAt: string }>;

export const FIELD_MANAGER: string;
