/** ACM: public certificates and their validation are free. */
import type { Rule } from "./common";
import { free } from "./common";

export const ACM_RULES: Readonly<Record<string, Rule>> = {
  "aws:acm/certificate:Certificate": free("ACM public certificates have no charge"),
  "aws:acm/certificateValidation:CertificateValidation": free(
    "a wait for ACM to issue the certificate: no cloud resource",
  ),
};
