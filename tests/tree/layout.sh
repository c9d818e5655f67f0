#!/bin/bash
# The house rules, checked on the tree as it is (docs/design.md, Layout):
# headers point down only; no .c under user/ or pcap/ over 500 lines, no
# function over 50; the layout table names every source file; every
# relative link in the documents resolves; README.md stays a first screen
# (300 lines, 25 KB); tests/README.md describes every test.
cd "$(dirname "$0")/../.." || exit 1
bad=0
fail() { echo "FAIL: $*"; bad=1; }

# The layer of a path: what it may include is below it, or its own folder.
layer() {
	case $1 in
	xdp/*) echo 0 ;; user/base/*) echo 1 ;; user/filter/*) echo 2 ;;
	user/capture/*) echo 3 ;; pcap/* | user/sflow/* | user/ipfix/*) echo 4 ;;
	user/cli/* | user/compare/*) echo 5 ;; user/main.c) echo 6 ;;
	*) echo 9 ;;
	esac
}

for f in $(git ls-files 'user/*.[ch]' 'pcap/*.[ch]' 'xdp/*.h'); do
	from=$(layer "$f")
	while read -r inc; do
		to=$(layer "$inc")
		[ "$(dirname "$inc")" = "$(dirname "$f")" ] && continue
		# The sinks are one floor: neither includes the other.
		[ "$to" -lt "$from" ] || fail "$f includes $inc, which is not below it"
	done < <(sed -n 's/^#include "\(\(user\|pcap\|xdp\)\/[^"]*\)".*/\1/p' "$f")
done

for f in $(git ls-files 'user/*.c' 'pcap/*.c'); do
	n=$(wc -l <"$f")
	[ "$n" -le 500 ] || fail "$f has $n lines (500 at most)"
	# Kernel style: a function opens with "{" and closes with "}" at
	# column 0; its length counts from its name's line.
	awk -v f="$f" '
		/^[a-zA-Z_].*\(/ && !/;$/ { name = $0; start = FNR }
		/^\{/ { open = 1 }
		/^\}/ && open { n = FNR - start + 1; open = 0
			if (n > 50) printf "FAIL: %s:%d: %d lines (50 at most): %s\n", f, start, n, name }
	' "$f" | grep . && bad=1
done

# The layout table: "| `folder/` | `a.c`, `a.h` | ..." rows, the folder
# cell empty while it goes on.
named=$(awk -F'|' '/^## Layout/ { on = 1 } /^### / { on = 0 }
	on && /^\| `/ || on && /^\| \| `/ {
		if ($2 ~ /`/) { dir = $2; gsub(/[ `]/, "", dir) }
		n = split($3, files, ",")
		for (i = 1; i <= n; i++) { f = files[i]; gsub(/[ `]/, "", f); print dir f }
	}' docs/design.md | sort -u)
for f in $(git ls-files 'user/*.[ch]' 'user/*.[18]' 'pcap/*.[ch]' 'xdp/*.[ch]'); do
	grep -qxF "$f" <<<"$named" || fail "docs/design.md's layout table does not name $f"
done
for f in $named; do
	[ -e "$f" ] || fail "docs/design.md's layout table names $f, which is not there"
done

for doc in $(git ls-files '*.md'); do
	dir=$(dirname "$doc")
	while read -r link; do
		target=${link%%#*}
		[ -n "$target" ] || continue
		[ -e "$dir/$target" ] || fail "$doc links to $link, which does not resolve"
	done < <(grep -o '\]([^)]*)' "$doc" | sed 's/^](\(.*\))$/\1/' |
		grep -v '^[a-z]*:')
done

lines=$(wc -l <README.md) bytes=$(wc -c <README.md)
[ "$lines" -le 300 ] || fail "README.md has $lines lines (300 at most)"
[ "$bytes" -le 25600 ] || fail "README.md has $bytes bytes (25 KB at most)"

for t in tests/e2e/*.sh tests/tree/*.sh tests/unit/test_*.c; do
	n=$(basename "${t%.*}")
	case $n in lib | lib-*) continue ;; esac
	grep -q "$n" tests/README.md || fail "tests/README.md does not describe $t"
done
exit $bad
