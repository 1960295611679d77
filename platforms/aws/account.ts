import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** Where an AWS platform runs: the stack's account, partition and region. */
export interface AwsAccount {
  accountId: pulumi.Output<string>;
  partition: pulumi.Output<string>;
  region: pulumi.Output<string>;
}

/**
 * Looks the account, partition and region up once per platform component; its steps (roles, the edge's
 * bucket policy, the alarm topics, the dashboard) take this instead of asking the provider again.
 */
export function lookupAwsAccount(parent: pulumi.Resource): AwsAccount {
  return {
    accountId: aws.getCallerIdentityOutput({}, { parent }).accountId,
    partition: aws.getPartitionOutput({}, { parent }).partition,
    region: aws.getRegionOutput({}, { parent }).region,
  };
}
