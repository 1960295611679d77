import { loadConfig } from "./config";
import { AppImage } from "./image";
import { createPlatform } from "./platforms";

// Thin on purpose: validated config → image → the one platform switch → the outputs contract
// (platforms/index.ts `StackOutputs`). Config errors throw before any resource is registered.
const config = loadConfig();
const image = new AppImage("app", config.image);

export = createPlatform(config, {
  uri: image.imageUri,
  repositoryArn: image.repositoryArn,
  platform: config.image.platform,
});
