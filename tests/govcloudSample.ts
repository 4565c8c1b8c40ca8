/**
 * The AWS GovCloud sample's configuration (Falcon-40B on TGI 1.0.3, 4-bit, on ml.g4dn.12xlarge), as a
 * model entry: read from the README's settings example, so the tests that use it test what users copy.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";

const README = path.resolve(__dirname, "..", "README.md");

function readmeSample(): Record<string, unknown> {
    const block = /The AWS GovCloud sample's configuration, reproduced[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(fs.readFileSync(README, "utf8"));
    if (!block) throw new Error("README.md has no 'The AWS GovCloud sample's configuration, reproduced' YAML block");
    const models = (YAML.parse(block[1]) as Record<string, unknown>)["sagemaker-llm:models"];
    if (!Array.isArray(models) || models.length !== 1) throw new Error("the README's sample block must hold one sagemaker-llm:models entry");
    return models[0] as Record<string, unknown>;
}

export const GOVCLOUD_SAMPLE = readmeSample();
