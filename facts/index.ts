/**
 * Shared facts: the values config validates against and components act on, written once. Imports no
 * SDK (a test holds this), so loading it — or config, which imports only this — loads no provider.
 */
export * from "./app-env";
export * from "./aws";
export * from "./aws-regions";
export * from "./cidr";
export * from "./cluster-profiles";
export * from "./delegated";
export * from "./eks-versions";
export * from "./image-uri";
export * from "./instance-catalog";
export * from "./kubernetes";
export * from "./protection";
export * from "./rollout";
export * from "./secrets";
export * from "./settings";
export * from "./tracing";
export * from "./values";
