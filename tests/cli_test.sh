#!/usr/bin/env bash
# Runs the `ember` binary as a user would and checks what it prints.
set -u
ember=$1
data=$2
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { # name, condition
  if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; fail=1; fi
}
out=$("$ember" run wordcount "$data" --top 3 --no-progress 2>"$tmp/err"); rc=$?
check "wordcount exits 0" "[ $rc -eq 0 ]"
check "wordcount top word is 'the'" "echo \"\$out\" | sed -n 2p | grep -q ' the\$'"
check "summary line on stderr" "grep -q '^job 0 finished: 2 stages' $tmp/err"
"$ember" run wordcount "$data" --output "$tmp/out" --no-progress >/dev/null 2>&1
check "wordcount --output writes part files" "ls $tmp/out/part-00000 >/dev/null 2>&1"
check "part files hold word<TAB>count" "grep -qP '^fire\t24\$' $tmp/out/part-*"
"$ember" run wordcount "$data" --output "$tmp/out" >/dev/null 2>"$tmp/err2"; rc=$?
check "existing output dir is refused" "[ $rc -ne 0 ] && grep -q 'already exists' $tmp/err2"
"$ember" run nope >/dev/null 2>"$tmp/err3"; rc=$?
check "unknown example: exit 2, one line" "[ $rc -eq 2 ] && [ \$(wc -l < $tmp/err3) -eq 1 ]"
"$ember" run pi --conf nope=1 >/dev/null 2>"$tmp/err4"; rc=$?
check "unknown config key: exit 2" "[ $rc -eq 2 ] && grep -q \"unknown config key 'nope'\" $tmp/err4"
"$ember" --help >"$tmp/help"; rc=$?
check "--help lists examples and keys" "[ $rc -eq 0 ] && grep -q wordcount $tmp/help && grep -q max_result_size $tmp/help"
out=$("$ember" run sort 50000 --no-progress 2>/dev/null); rc=$?
check "sort is ordered and complete" "[ $rc -eq 0 ] && echo \"\$out\" | grep -q 'ordered and complete'"
out=$("$ember" run big-results 3 2000000 --no-progress 2>/dev/null); rc=$?
check "big-results travel through the BlockManager intact" "[ $rc -eq 0 ] && echo \"\$out\" | grep -q '3 via the BlockManager, intact: yes'"
exit $fail
