#!/usr/bin/env bash
# Regenerates the osv-scanner fixtures the vulns check is compared with
# (TestVulnsMatchOSVScanner). Not run by CI: it needs osv-scanner and the realdata
# corpus beside the checkout.
#
#   GOTOOLCHAIN=go1.27.3 go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.6.0
#   bash checks/testdata/osv-scanner/generate.sh
#
# osv-scanner reads its offline database from
# $OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY/osv-scalibr/<Ecosystem>/all.zip: the
# script zips each realdata/osv/<Ecosystem> folder there (and empty zips for the
# other ecosystems the SBOMs name, or osv-scanner fails on them). It recognises
# SBOMs by file name only, so each SBOM is copied to a *.cdx.json, *.cdx.xml,
# *.spdx.json or *.spdx name. Each output is osv-scanner's JSON with every
# vulnerability cut to its id: the records themselves are realdata/osv files,
# which the project does not copy.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
realdata=$(cd "$here/../../../.." && pwd)/shared/realdata
scanner=${OSV_SCANNER:-$(go env GOPATH)/bin/osv-scanner}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for eco in "$realdata"/osv/*/; do
  e=$(basename "$eco"); mkdir -p "$tmp/db/osv-scalibr/$e"
  (cd "$eco" && zip -q -j "$tmp/db/osv-scalibr/$e/all.zip" ./*.json)
done
for e in Alpine Debian "GitHub Actions" Hex NuGet Packagist PyPI crates.io; do
  mkdir -p "$tmp/db/osv-scalibr/$e"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").close()' "$tmp/db/osv-scalibr/$e/all.zip"
done
"$scanner" --version | head -1 > "$here/VERSION"
for f in "$realdata"/sbom/* "$realdata"/sbom-corpus/*; do
  b=$(basename "$f")
  case "$b" in INDEX.md|*.yaml|*.rdf.xml) continue ;; esac
  if [[ "$b" == *.spdx ]]; then ext=spdx
  elif [[ "$b" == *.xml ]]; then ext=cdx.xml
  elif grep -q '"spdxVersion"' "$f"; then ext=spdx.json
  else ext=cdx.json; fi
  rm -rf "$tmp/in"; mkdir "$tmp/in"; cp "$f" "$tmp/in/sbom.$ext"
  set +e
  OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$tmp/db" "$scanner" scan source --offline --all-vulns \
    -L "$tmp/in/sbom.$ext" --format json > "$tmp/out.json" 2> "$tmp/err.txt"
  rc=$?
  set -e
  # 0: nothing found, 1: vulnerabilities found, 128: no packages; 127 with
  # "extraction failed": a file osv-scanner cannot read (SPDX XML, broken
  # tag-value); anything else is a failure to look at.
  case $rc in
    0|1|128) ;;
    127) if grep -q "extraction failed" "$tmp/err.txt"; then echo "$b: not read by osv-scanner"; continue; fi ;&
    *) echo "$b: osv-scanner exit status $rc:"; cat "$tmp/err.txt"; exit 1 ;;
  esac
  python3 - "$tmp/out.json" "$here/$b.json" "$b" <<'PY'
import json, sys
src, dst, name = sys.argv[1:]
try:
    doc = json.load(open(src))
except ValueError:
    doc = {"results": []}
pairs = 0
for r in doc.get("results") or []:
    r["source"]["path"] = name
    for p in r.get("packages") or []:
        p["vulnerabilities"] = [{"id": v["id"]} for v in p.get("vulnerabilities") or []]
        pairs += len(p["vulnerabilities"])
doc.pop("experimental_config", None)
if pairs:
    json.dump(doc, open(dst, "w"), indent=1, sort_keys=True)
    open(dst, "a").write("\n")
print(f"{name}: {pairs} pairs")
PY
done
