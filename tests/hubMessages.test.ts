/**
 * The messages stage-model gives for the Hub's error answers (tools/hub.ts): each names what failed,
 * the fix, and where the token came from, never the token itself.
 */
import { strict as assert } from "assert";
import { hubErrorMessage } from "../tools/hub";
import { HubToken, HubTokenLookup } from "../tools/hubToken";

describe("Hub error messages", () => {
    const what = "meta-llama/Llama-3.1-8B-Instruct@main";
    const noToken: HubTokenLookup = { tokenFile: "/home/u/.cache/huggingface/token", disabled: false };
    const withToken: HubTokenLookup = { ...noToken, token: new HubToken("hf_secretvalue", "HF_TOKEN") };

    it("a 403 without a token says so and how to set one; with a token, names where it came from", () => {
        assert.equal(
            hubErrorMessage(403, "GatedRepo", what, noToken),
            `access to ${what} is denied without a token (403): for a gated model, accept its licence on the model page, then set HF_TOKEN to an access token with read access, or log in with 'hf auth login' (token file: /home/u/.cache/huggingface/token).`,
        );
        const denied = hubErrorMessage(403, "GatedRepo", what, withToken);
        assert.match(denied, /^access to .* is denied with the token in HF_TOKEN \(403\): for a gated model, accept its licence/);
        assert.ok(!denied.includes("hf_secretvalue"));
    });
});
