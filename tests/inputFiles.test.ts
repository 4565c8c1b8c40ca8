/**
 * Input files read with their errors located (offline/inputFiles.ts): the JSON syntax locator agrees
 * with JSON.parse on what is JSON, and points at the first character that is not.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputFileError, jsonSyntaxError, lineAndColumn, readJsonFile, readYamlFile } from "../offline/inputFiles";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "input-files-"));

function accepts(text: string): boolean {
    try {
        JSON.parse(text);
        return true;
    } catch {
        return false;
    }
}

describe("input files with located errors (offline/inputFiles.ts)", () => {
    it("the JSON locator accepts exactly what JSON.parse accepts", () => {
        const texts = [
            '{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {}}',
            "[]",
            " 0 ",
            '"\\/"',
            "{'a': 1}",
            '{"a": 1,}',
            "[1,]",
            "[1 2]",
            "01",
            "1.",
            ".5",
            "+1",
            '"a\tb"',
            '"\\x"',
            '{"a" 1}',
            "tru",
            "nul",
            '{"a": 1}}',
            "[",
            '"',
        ];
        for (const text of texts) assert.equal(jsonSyntaxError(text) === undefined, accepts(text), JSON.stringify(text));
    });

    it("points at the first character that is not JSON, with why", () => {
        const text = '{\n  "a": [1,\n    ]\n}';
        const found = jsonSyntaxError(text)!;
        assert.deepEqual(lineAndColumn(text, found.offset), { line: 3, column: 5 });
        assert.equal(found.reason, 'expected a value, found "]"');
        assert.deepEqual(jsonSyntaxError('{"a": 1'), { offset: 7, reason: "expected ',' or '}', found end of text" });
    });

    it("a file's error names the file, line and column; a missing file is named too", () => {
        const file = path.join(tmp, "bad.json");
        fs.writeFileSync(file, '{\n  "a": 1,\n  "b": x\n}\n');
        assert.throws(
            () => readJsonFile(file, "policy config"),
            (e: Error) => e instanceof InputFileError && e.message === `${file}:3:8: policy config is not valid JSON: expected a value, found "x".`,
        );
        assert.throws(
            () => readJsonFile(path.join(tmp, "absent.json"), "policy config"),
            (e: Error) => e instanceof InputFileError && e.message === `policy config ${path.join(tmp, "absent.json")}: no such file.`,
        );
        assert.throws(() => readJsonFile(tmp, "policy config"), /is a directory, not a file/);
        fs.writeFileSync(path.join(tmp, "empty.json"), " \n");
        assert.deepEqual(readJsonFile(path.join(tmp, "empty.json"), "policy config"), {});
        const yaml = path.join(tmp, "bad.yaml");
        fs.writeFileSync(yaml, "a: 1\nb: 2\na: 3\n");
        assert.throws(
            () => readYamlFile(yaml, "the stack file"),
            (e: Error) => e instanceof InputFileError && e.message === `${yaml}:3:1: the stack file is not valid YAML: Map keys must be unique.`,
        );
    });
});
