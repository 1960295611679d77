/**
 * Shared facts: the values config validates against and components act on, written once. Imports no
 * SDK (a test holds this), so loading it — or config, which imports only this — loads no provider.
 */
export * from "./aws";
export * from "./cidr";
export * from "./cluster-profiles";
export * from "./eks-versions";
export * from "./image-uri";
export * from "./kubernetes";
export * from "./secrets";
export * from "./settings";
export * from "./values";
