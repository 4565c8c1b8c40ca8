/**
 * The sample notebook the research notebook's lifecycle configuration writes, as pure functions (no
 * Pulumi), so the settings can check the script's size before anything is created.
 */

/** SageMaker's limit on a lifecycle configuration script (base64 of OnCreate). */
export const LIFECYCLE_SCRIPT_MAX_CHARS = 16384;

/** Where the lifecycle script writes the sample notebook. */
export const SAMPLE_NOTEBOOK_PATH = "/home/ec2-user/SageMaker/invoke-endpoints.ipynb";

/** A Jupyter notebook (nbformat 4) that invokes this stack's TGI endpoints with boto3. */
export function sampleNotebook(region: string, endpoints: Record<string, string>): string {
    const lines = (text: string[]) => text.map((l, i) => (i < text.length - 1 ? `${l}\n` : l));
    const code = (text: string[]) => ({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: lines(text) });
    const markdown = (text: string[]) => ({ cell_type: "markdown", metadata: {}, source: lines(text) });
    const first = Object.keys(endpoints)[0];
    const notebook = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
        cells: [
            markdown([
                "# Invoke this stack's LLM endpoints",
                "",
                "Text generation with the Hugging Face TGI container on SageMaker, through the VPC's private endpoints.",
            ]),
            code([
                "import json",
                "import boto3",
                "",
                `ENDPOINTS = ${JSON.stringify(endpoints)}`,
                `runtime = boto3.client("sagemaker-runtime", region_name=${JSON.stringify(region)})`,
            ]),
            code([
                `def generate(prompt, model=${JSON.stringify(first)}, max_new_tokens=256, temperature=0.2):`,
                '    body = {"inputs": prompt, "parameters": {"max_new_tokens": max_new_tokens, "temperature": temperature, "return_full_text": False}}',
                '    response = runtime.invoke_endpoint(EndpointName=ENDPOINTS[model], ContentType="application/json", Body=json.dumps(body))',
                '    return json.loads(response["Body"].read())[0]["generated_text"]',
                "",
                'print(generate("Explain in two sentences what a VPC endpoint is."))',
            ]),
        ],
    };
    return JSON.stringify(notebook);
}

/** On-create script: writes the sample notebook, owned by the notebook user. */
export function sampleNotebookScript(region: string, endpoints: Record<string, string>): string {
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        "mkdir -p /home/ec2-user/SageMaker",
        // A quoted heredoc keeps the JSON byte for byte.
        `cat > '${SAMPLE_NOTEBOOK_PATH}' <<'NOTEBOOK_JSON'`,
        sampleNotebook(region, endpoints),
        "NOTEBOOK_JSON",
        "chown -R ec2-user:ec2-user /home/ec2-user/SageMaker",
        "",
    ].join("\n");
}

/** Length of the base64 on-create script for these endpoint names. */
export function lifecycleScriptLength(region: string, endpoints: Record<string, string>): number {
    return Buffer.from(sampleNotebookScript(region, endpoints)).toString("base64").length;
}
