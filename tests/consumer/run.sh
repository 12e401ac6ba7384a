#!/usr/bin/env bash
# The consumer test: uses the packed packages as a user's app does, from a local folder feed (not by project
# reference), so a missing dependency, a missing file in a package or a README that drifted from the API fails here.
#
#   tests/consumer/run.sh PACKAGES_DIR WORK_DIR
#
# 1. package-check reads every .nupkg in PACKAGES_DIR and its .snupkg (see package-check/Program.cs).
# 2. Each example below is built, and run unless it serves until stopped; a test project's tests run with dotnet test.
#    Its Program.cs is the first ```csharp block under its README heading, copied as it is. A line of that block ending
#    in `Console.WriteLine(...); // text` promises the output line `text`: those lines must appear in the app's output,
#    in that order.
#
# Packages restore from PACKAGES_DIR (package ids IpcBridge and IpcBridge.*) and from the machine's nuget.org source
# (everything else), into a packages folder of WORK_DIR's own, so a cached IpcBridge of the same version is never used.
set -euo pipefail

# One example a line: "project folder here|README heading|run, build or test". To add one, add its folder (a csproj
# with a PackageReference to its package at Version="[$(IpcBridgeVersion)]") and a line here.
examples=(
    "first-program|## A first program|run"
    "web-example|### Web pages as renderers: \`IpcBridge.AspNetCore\`|build"
    "channel-tests|## Testing your own channels|test"
)

if [ "$#" -ne 2 ]; then
    echo "usage: $0 PACKAGES_DIR WORK_DIR" >&2
    exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
packages="$(cd "$1" && pwd)"
work="$2"
readme="$root/README.md"

shopt -s nullglob
nupkgs=("$packages"/IpcBridge.[0-9]*.nupkg)
shopt -u nullglob
if [ "${#nupkgs[@]}" -ne 1 ]; then
    echo "error: expected one IpcBridge.<version>.nupkg in $packages, found ${#nupkgs[@]}" >&2
    exit 1
fi
version="$(basename "${nupkgs[0]}" .nupkg)"
version="${version#IpcBridge.}"

rm -rf "$work"
mkdir -p "$work"
cp -R "$here/." "$work/"
work="$(cd "$work" && pwd)"
cat >"$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <!-- Adds the folder of the packages under test; nuget.org comes from the machine's configuration. -->
  <packageSources>
    <add key="ipcbridge-local" value="$packages" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="ipcbridge-local">
      <package pattern="IpcBridge" />
      <package pattern="IpcBridge.*" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
EOF
export NUGET_PACKAGES="$work/nuget-packages"

# Prints the first ```csharp block under the heading $1 of the README, before the next heading of its level or above.
extract() {
    awk -v heading="$1" '
        BEGIN { level = index(heading, " ") - 1 }
        !found { if ($0 == heading) found = 1; next }
        inside { if ($0 ~ /^```/) exit; print; next }
        /^```csharp[[:space:]]*$/ && !other { inside = 1; next }
        /^```/ { other = !other; next }
        other { next }
        /^#+ / { if (index($0, " ") - 1 <= level) exit }
    ' "$readme"
}

failed=0
echo "packages under test: version $version from $packages"
if ! dotnet run -c Release --project "$work/package-check" -- "$packages" "$root" </dev/null; then
    echo "FAILED: package contents (tests/consumer/package-check)"
    failed=1
fi

for example in "${examples[@]}"; do
    IFS='|' read -r folder heading mode <<<"$example"
    project="$work/$folder"
    code="$(extract "$heading")"
    if [ -z "$code" ]; then
        echo "FAILED: $folder: README.md has no \`\`\`csharp block under '$heading'"
        failed=1
        continue
    fi

    printf '%s\n' "$code" >"$project/Program.cs"
    echo "--- $folder: README.md '$heading' ($(wc -l <"$project/Program.cs") lines), IpcBridge $version"
    if ! dotnet build "$project" -c Release -p:IpcBridgeVersion="$version" </dev/null; then
        echo "FAILED: $folder: the README's code does not build against the packages"
        failed=1
        continue
    fi

    if [ "$mode" = "test" ]; then
        if ! timeout --kill-after=10s 5m dotnet test "$project" -c Release --no-build </dev/null; then
            echo "FAILED: $folder: the README's tests failed"
            failed=1
        fi
        continue
    fi

    if [ "$mode" != "run" ]; then
        continue
    fi

    if ! output="$(timeout --kill-after=10s 2m dotnet run -c Release --no-build --project "$project" </dev/null)"; then
        printf '%s\n' "$output"
        echo "FAILED: $folder: the README's program exited non-zero"
        failed=1
        continue
    fi

    printf '%s\n' "$output"
    # Every promised line, in order: each is looked for after the previous one's place.
    rest="$output"
    while IFS= read -r expected; do
        if ! grep -qxF -- "$expected" <<<"$rest"; then
            echo "FAILED: $folder: the README promises the output line '$expected', which did not come (in order)"
            failed=1
            break
        fi
        rest="$(awk -v line="$expected" 'seen { print } !seen && $0 == line { seen = 1 }' <<<"$rest")"
    done < <(sed -n 's|^.*Console\.WriteLine(.*); // \(.*\)$|\1|p' "$project/Program.cs")
done

exit "$failed"
