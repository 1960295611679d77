// The CrossGuard entry point: `pulumi preview --policy-pack policy`. Constructing a PolicyPack starts
// the analyzer's gRPC server, so nothing imports this file; tests call the policies in ./policies.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("fastify-deploy", { policies, enforcementLevel: "mandatory" });
