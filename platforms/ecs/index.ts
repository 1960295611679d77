// The ecs wing's face: ECS Fargate behind an ALB. What both AWS platforms build lives in ../aws.
export { EcsPlatform, type EcsPlatformArgs } from "./ecs-platform";
