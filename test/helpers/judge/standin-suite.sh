#!/bin/sh
# A stand-in BPF test suite that prints what it is told in test_progs' own result
# format, so the real test_progs parser reads it, in QEMU or on the host alike.
# The lab decides each boot's outcomes on the host (from the lane's tree and the
# scenario's script) and passes them as arguments:
#
#   standin-suite.sh [hang] [sleep=SECONDS] [exit=CODE] NAME=pass|fail ...
#
# `hang` (given only in a guest) stops the suite's parent, the guest's `timeout`, and
# sleeps: the suite never ends and nothing in the guest answers for it, as when the
# kernel hangs; the host kills the VM at its timeout.
i=0
passed=0
failed=0
for arg in "$@"; do
  case "$arg" in
    hang)
      kill -STOP "$PPID"
      sleep 100000
      ;;
    sleep=*) sleep "${arg#sleep=}" ;;
    exit=*)
      echo "Failed to set up the test environment (scripted)"
      exit "${arg#exit=}"
      ;;
    *=fail)
      i=$((i + 1))
      echo "test_${arg%=fail}:FAIL:check unexpected result"
      echo "#$i       ${arg%=fail}:FAIL"
      failed=$((failed + 1))
      ;;
    *=pass)
      i=$((i + 1))
      echo "#$i       ${arg%=pass}:OK"
      passed=$((passed + 1))
      ;;
  esac
done
echo "Summary: $passed/0 PASSED, 0 SKIPPED, $failed FAILED"
[ "$failed" -eq 0 ]
