#!/usr/bin/env bash
# secchain in any CI that runs a shell: the exit code is the verdict
# (0 pass, 1 gate failed, 2 configuration error, 3 runtime error) and
# secchain-out/junit.xml has one test case per gate for the CI's test view.
set -uo pipefail
secchain run -f "${SECCHAIN_PIPELINE:-pipeline.yaml}" --out secchain-out
code=$?
case $code in
  0) echo "secchain: every gate passed" ;;
  1) echo "secchain: a gate failed; see secchain-out/report.json" ;;
  *) echo "secchain: could not run (exit $code)" ;;
esac
exit "$code"
