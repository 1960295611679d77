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
  /** The first access key (absent with web identity). */
  credentials?: AwsCredentials;
  /** How AWS is reached: a role through web identity, or access keys tried in turn. */
  aws?: {
    endpoints: { secretsmanager?: string; ssm?: string };
    webIdentity?: { roleArn: string; endpoint: string; readToken: () => string; sessionName: string };
    keys?: AwsCredentials[];
  };
  appSecrets?: { name: string; valueFrom: string }[];
  appSecretName?: string;
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
  dockerConfig?: string;
  data?: Record<string, string>;
}): Promise<void>;

export function assumeRoleWithWebIdentity(args: {
  endpoint: string;
  roleArn: string;
  token: string;
  sessionName: string;
}): Promise<Required<AwsCredentials>>;

export function readSecret(
  ref: string,
  options: { credentials: AwsCredentials; endpoints?: { secretsmanager?: string; ssm?: string }; now: Date },
): Promise<string>;

export function configFromEnv(
  env: Record<string, string | undefined>,
  readFile?: (file: string) => string,
): RefresherConfig;

export function refresh(config: RefresherConfig, now?: Date): Promise<{ expiresAt: string }>;

export const FIELD_MANAGER: string;
