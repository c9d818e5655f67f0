#!/bin/bash
# report.sh RAW COST PACKETS RUNS DAT OVER XFER MANY SIZES SCALING: the Markdown
# tables of `make bench` on stdout, and the plots' data in DAT and SCALING
# (the cost per packet against N, the merge's against streams); OVER holds the
# overload scenarios' "NAME SEEN WRITTEN LOST ESTIMATE" per run, XFER the
# transfers' "NAME MBIT/S", MANY the many-interfaces runs' "K MS RSS_MIB",
# SIZES each file's "NAME BYTES PACKETS".
# Each figure is that of the run
# with the median link rate; XDP_PASS ran before every scenario, so its
# median is over all of those runs and spans the same minutes.
raw=$1 cost=$2 pkts=$3 runs=$4 dat=$5 over=$6 xfer=$7 many=$8 sizes=$9
scaling=${10}
cat <<HEAD
# xdpsample benchmark

$(date -u +%Y-%m-%d), $(uname -r), $(nproc) CPUs; $pkts 64-byte frames per
scenario from xs-gen (BPF_PROG_TEST_RUN live frames, redirected into a
veth), median of $runs runs. The generator and the XDP program share one
core, so "link Mpps" is the rate XDP kept up with; "captured Mpps" is
packets in the file per second. XDP_PASS ran before every scenario: its
row is the median of all those runs.

| scenario | link Mpps | captured Mpps | in file | lost | lost % | loss counters | capture CPU s | µs CPU / packet | RSS MiB | link ÷ XDP_PASS | captured ÷ xdpdump | captured ÷ tcpdump |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
HEAD
awk -v dat="$dat" '
{ n = $1; k = ++cnt[n]; off[n, k] = $2; sec[n, k] = $3; got[n, k] = $4
  lost[n, k] = $5; cpu[n, k] = $6; rss[n, k] = $7; ctr[n, k] = $8
  if (!(n in seen)) { seen[n] = 1; order[++m] = n } }
function median(n,   i, j, t, idx) {	# the run with the median link rate
	for (i = 1; i <= cnt[n]; i++) idx[i] = i
	for (i = 1; i <= cnt[n]; i++) for (j = i + 1; j <= cnt[n]; j++)
		if (off[n, idx[j]] / sec[n, idx[j]] < off[n, idx[i]] / sec[n, idx[i]]) {
			t = idx[i]; idx[i] = idx[j]; idx[j] = t }
	return idx[int((cnt[n] + 1) / 2)]
}
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "–" }
END {
	for (i = 1; i <= m; i++) { n = order[i]; r = median(n)
		link[n] = off[n, r] / sec[n, r] / 1e6; capt[n] = got[n, r] / sec[n, r] / 1e6; pick[n] = r }
	for (i = 1; i <= m; i++) { n = order[i]; r = pick[n]
		ceil = (n ~ /^XDP_/)
		total = got[n, r] + lost[n, r]
		c = ctr[n, r]; gsub(/_/, " ", c); gsub(/=/, " ", c); gsub(/,/, ", ", c)
		printf "| %s | %.3f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n, link[n],
			ceil ? "–" : sprintf("%.3f", capt[n]), ceil ? "–" : got[n, r],
			ceil ? "–" : lost[n, r],
			ceil ? "–" : sprintf("%.1f", total ? 100 * lost[n, r] / total : 0),
			ceil ? "–" : c,
			ceil ? "–" : cpu[n, r],
			ceil || !got[n, r] ? "–" : sprintf("%.3f", cpu[n, r] * 1e6 / got[n, r]),
			ceil ? "–" : rss[n, r],
			ratio(link[n], link["XDP_PASS"]),
			ceil ? "–" : ratio(capt[n], capt["xdpdump"]),
			ceil ? "–" : ratio(capt[n], capt["tcpdump"])
		printf "%s %.4f %.4f %.2f\n", n, link[n], ceil ? link[n] : capt[n],
			ceil || !total ? 0 : 100 * lost[n, r] / total >dat
	}
}' "$raw"
cat <<MID

Per-packet cost of the XDP program alone (BPF_PROG_TEST_RUN, 1,000,000 runs
on one 64-byte frame; the xdpsample rows as they run live, with a reader
on the other CPU draining the default 4 MiB buffer per CPU while the
program fills it, xs-progcost -r; the other tables with buffers large
enough that nothing is dropped, and no reader):

| program | ns / packet | over XDP_PASS |
|---|---|---|
MID
awk '{ v[$1] = v[$1] " " $2; if (!($1 in s)) { s[$1] = 1; o[++m] = $1 } }
END {
	for (i = 1; i <= m; i++) {
		k = split(substr(v[o[i]], 2), a, " ")
		for (x = 1; x <= k; x++) for (y = x + 1; y <= k; y++) if (a[y] < a[x]) { t = a[x]; a[x] = a[y]; a[y] = t }
		med[o[i]] = a[int((k + 1) / 2)]
	}
	for (i = 1; i <= m; i++)
		if (o[i] !~ /^filter-/ && o[i] !~ /^cpus/ && o[i] !~ /^sample-/ &&
		    o[i] !~ /^(tc-pass|egress-|merge-|vlan-|omit-|ring-)/)
			printf "| %s | %d | %+d |\n", o[i], med[o[i]], med[o[i]] - med["XDP_PASS"]
	printf "\n--sample flow and packet at N=100 (the flow key or the label hashed on\n"
	printf "every packet)\n"
	printf "against --sample random at N=100:\n\n"
	printf "| mode | ns / packet | over random |\n|---|---|---|\n"
	printf "| flow | %d | %+d |\n", med["sample-flow-ringbuf-N100"], \
		med["sample-flow-ringbuf-N100"] - med["xdpsample-ringbuf-N100"]
	printf "| packet (the label hashed), 64-byte frame | %d | %+d |\n", \
		med["sample-packet-ringbuf-N100"], \
		med["sample-packet-ringbuf-N100"] - med["xdpsample-ringbuf-N100"]
	printf "| packet, 256-byte frame (flow at 256: %d) | %d | %+d |\n", \
		med["sample-flow256-ringbuf-N100"], med["sample-packet256-ringbuf-N100"], \
		med["sample-packet256-ringbuf-N100"] - med["xdpsample-ringbuf-N100"]
	printf "| random, -N auto (the ring'"'"'s fill read once per sample) | %d | %+d |\n", \
		med["sample-auto-ringbuf-N100"], \
		med["sample-auto-ringbuf-N100"] - med["xdpsample-ringbuf-N100"]
	printf "\nThe same program at N=1 run on one CPU, and on two CPUs at once from\n"
	printf "threads pinned one per CPU (as a two-queue NIC runs it); the cost per\n"
	printf "packet on each:\n\n"
	printf "| transport | 1 CPU ns | 2 CPUs ns | 2 CPUs ÷ 1 CPU |\n|---|---|---|---|\n"
	for (t = 1; t <= 2; t++) {
		x = t == 1 ? "ringbuf" : "perf"
		a1 = med["cpus1-" x "-N1"]; a2 = med["cpus2-" x "-N1"]
		printf "| %s | %d | %d | %s |\n", x, a1, a2, a1 ? sprintf("%.2f", a2 / a1) : "–"
	}
	printf "\nThe egress program (-Q out, inout: tc, run on an skb of the same frame)\n"
	printf "against a tc program that does nothing:\n\n"
	printf "| program | ns / packet | over tc-pass |\n|---|---|---|\n"
	printf "| tc-pass | %d | +0 |\n", med["tc-pass"]
	for (i = 1; i <= m; i++)
		if (o[i] ~ /^egress-/)
			printf "| %s | %d | %+d |\n", o[i], med[o[i]], med[o[i]] - med["tc-pass"]
	base = "xdpsample-ringbuf-N1000"
	printf "\nFilters (xdpsample ringbuf N=1000, a 64-byte IPv4/UDP frame to port\n"
	printf "5678), against the same program without a filter:\n\n"
	printf "| filter | ns / packet | over no filter |\n|---|---|---|\n"
	for (i = 1; i <= m; i++)
		if (o[i] ~ /^filter-/)
			printf "| %s | %d | %+d |\n", substr(o[i], 8), med[o[i]], med[o[i]] - med[base]
	printf "\nA VLAN tag the NIC stripped, put back into a 100-byte frame (XDP, as\n"
	printf "if the driver had given it; the kfunc call itself is not in the figure:\n"
	printf "BPF_PROG_TEST_RUN cannot run a program loaded for a device), against\n"
	printf "the same frame without one:\n\n"
	printf "| path | ns / packet | tag put back ns | cost of the tag |\n|---|---|---|---|\n"
	split("ringbuf-N1 perf-N1 ringbuf-N1000 filter-N1000", vp, " ")
	split("sampled, ringbuf (N=1)|sampled, perf (N=1)|unsampled, no filter (N=1000)|unsampled, filter vlan 100 and udp (N=1000)", vn, "|")
	for (i = 1; i <= 4; i++)
		printf "| %s | %d | %d | %+d |\n", vn[i], med["vlan-" vp[i]], \
			med["vlan-put-back-" vp[i]], med["vlan-put-back-" vp[i]] - med["vlan-" vp[i]]
	printf "\nThe time-order merge alone (user/capture/merge.c, a tournament over the\n"
	printf "CPUs'"'"' streams), fed synthetic streams by bench/xs-mergecost: ns per\n"
	printf "record handed on, against 2 streams:\n\n"
	printf "| streams | ns / record | ÷ 2 streams |\n|---|---|---|\n"
	for (i = 1; i <= m; i++)
		if (o[i] ~ /^merge-/)
			printf "| %s | %.1f | %.2f |\n", substr(o[i], 7), med[o[i]], \
				med["merge-2"] ? med[o[i]] / med["merge-2"] : 0
	printf "\nWhere the sampled path'"'"'s time goes (ringbuf, N=1, with the reader): each step left out\n"
	printf "in turn (xs-progcost -o), the median beside the whole path'"'"'s; a step that\n"
	printf "costs less than nothing saves that much (without the stage each record\n"
	printf "is reserved in the ring on its own):\n\n"
	printf "| left out | ns / packet | the step costs |\n|---|---|---|\n"
	split("1 2 4 8 16", om, " ")
	split("the timestamp (bpf_ktime_get_ns)|the packet copy (bpf_xdp_load_bytes)|the wakeup'"'"'s fill read (bpf_ringbuf_query)|the whole record (staged, sent)|the CPU'"'"'s stage (each record reserved, filled, submitted)", on, "|")
	printf "| nothing | %d | – |\n", med["xdpsample-ringbuf-N1"]
	for (i = 1; i <= 5; i++)
		printf "| %s | %d | %+d |\n", on[i], med["omit-" om[i] "-ringbuf-N1"], \
			med["xdpsample-ringbuf-N1"] - med["omit-" om[i] "-ringbuf-N1"]
	printf "| (the rest: the decision, counters, the ring'"'"'s lookup, over XDP_PASS) | %d | %+d |\n", \
		med["omit-8-ringbuf-N1"], med["omit-8-ringbuf-N1"] - med["XDP_PASS"]
	printf "\nRing buffer records one by one (without the CPU'"'"'s stage, xs-progcost -o 16)\n"
	printf "against the ring'"'"'s size, with the reader on the other CPU: the\n"
	printf "memory a record lands in was read by it one lap before; and with no\n"
	printf "reader, in a 256 MiB ring no one has touched since it was made:\n\n"
	printf "| N=1 | ns / packet | over XDP_PASS |\n|---|---|---|\n"
	split("1MiB 4MiB 16MiB 64MiB none none-one-by-one", lk, " ")
	split("one by one, a 1 MiB ring|one by one, 4 MiB (the default)|one by one, 16 MiB|one by one, 64 MiB|staged, no reader|one by one, no reader", ln, "|")
	for (i = 1; i <= 6; i++)
		printf "| %s | %d | %+d |\n", ln[i], med["ring-" lk[i] "-ringbuf-N1"], \
			med["ring-" lk[i] "-ringbuf-N1"] - med["XDP_PASS"]
	printf "\nScaling: the program'"'"'s cost per packet against N (--sample random,\n"
	printf "ringbuf, the rows above), over XDP_PASS; and the merge'"'"'s per record\n"
	printf "against the CPUs'"'"' streams (bench/scaling.png plots both):\n\n"
	printf "| N | ns / packet | over XDP_PASS |\n|---|---|---|\n"
	printf "# N ns over_pass | streams merge_ns\n" >scaling
	split("1 10 100 1000 10000", ns, " ")
	split("2 16 64 128", ss, " ")
	for (i = 1; i <= 5; i++) {
		c = med["xdpsample-ringbuf-N" ns[i]]
		printf "| %s | %d | %+d |\n", ns[i], c, c - med["XDP_PASS"]
		printf "%s %d %d %s %.1f\n", ns[i], c, c - med["XDP_PASS"], \
			i <= 4 ? ss[i] : "-", i <= 4 ? med["merge-" ss[i]] : 0 >scaling
	}
}' scaling="$scaling" "$cost"
cat <<OVER

Overload: 2 Mpps offered (xs-gen on CPU 0, batches of 4,096) to xdpsample
on CPU 1 writing with -U (a write per packet, slower than the offer), a
1 MiB ring. Lost: of the packets sampled. Estimate: what the file says
was seen (written x N at a fixed N, the rates summed with -N auto), against
the packets seen; median of the runs.

| scenario | seen | written | lost % | estimate error % |
|---|---|---|---|---|
OVER
awk '{ n = $1; k = ++c[n]; if (k == 1) o[++m] = n
	lp[n, k] = 100 * $4 / ($3 + $4); ep[n, k] = 100 * ($5 - $2) / $2
	seen[n, k] = $2; wr[n, k] = $3 }
function med(a, n,   i, j, t, v) {
	for (i = 1; i <= c[n]; i++) v[i] = a[n, i]
	for (i = 1; i <= c[n]; i++) for (j = i + 1; j <= c[n]; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return v[int((c[n] + 1) / 2)]
}
END { for (i = 1; i <= m; i++) { n = o[i]
	printf "| %s | %d | %d | %.1f | %+.2f |\n", n, med(seen, n), med(wr, n), med(lp, n), med(ep, n) } }' "$over"
cat <<XFER

A TCP transfer from B to A (iperf3, 2 s, sender and receiver on CPU 0, so
B's egress program runs there; xdpsample on CPU 1 writing a pcapng file),
median of the runs, against the same transfer with nothing attached:

| scenario | Mbit/s | ÷ none |
|---|---|---|
XFER
awk '{ n = $1; k = ++c[n]; if (k == 1) o[++m] = n; v[n, k] = $2 }
function med(n,   i, j, t, a) {
	for (i = 1; i <= c[n]; i++) a[i] = v[n, i]
	for (i = 1; i <= c[n]; i++) for (j = i + 1; j <= c[n]; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[int((c[n] + 1) / 2)]
}
END { base = med("transfer-none")
	for (i = 1; i <= m; i++) { n = o[i]
		printf "| %s | %d | %s |\n", n, med(n), (base > 0 ? sprintf("%.2f", med(n) / base) : "–") } }' "$xfer"
if [ -s "$sizes" ] && grep -q "^compress-" "$sizes"; then
cat <<SIZES

Compressed output (\`--compress CODEC[:LEVEL]\`, 64-byte frames of the
generator, snaplen 128; the \`compress-\` rows of the first table give the
link rate, losses and capture CPU per record): bytes on disk per packet,
median of the runs, against the plain pcap file of the same rate.

| scenario | bytes / packet | ÷ plain |
|---|---|---|
SIZES
awk '{ n = $1; if ($3 > 0) { c[n]++; v[n, c[n]] = $2 / $3 } if (!(n in s)) { s[n] = 1; o[++m] = n } }
function med(n,   i, j, t, a) {
	for (i = 1; i <= c[n]; i++) a[i] = v[n, i]
	for (i = 1; i <= c[n]; i++) for (j = i + 1; j <= c[n]; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[int((c[n] + 1) / 2)]
}
END { for (i = 1; i <= m; i++) { n = o[i]
	if (n !~ /^compress-/ || !c[n]) continue
	base = n; sub(/^compress-.*-N/, "xdpsample-ringbuf-N", base)
	printf "| %s | %.1f | %s |\n", n, med(n), (c[base] ? sprintf("%.3f", med(n) / med(base)) : "–") } }' "$sizes"
fi
[ -s "$many" ] || exit 0
cat <<MANY

Interfaces found by a pattern (\`-i IF -i 'xm*'\`, K veth pairs made in
B's namespace first): from the start to every "listening on", and the RSS
then, median of the runs; per interface, the difference between K and 1
over K - 1. The link rate B's interface keeps with K others attached is the
\`ifaces-K-ringbuf-N1\` row of the first table (its cost per packet does
not depend on K: each interface has its own program).

| interfaces | attach s | RSS MiB | ms / interface | KiB / interface |
|---|---|---|---|---|
MANY
awk '{ k = $1; c[k]++; ms[k, c[k]] = $2; rss[k, c[k]] = $3; if (!(k in s)) { s[k] = 1; o[++m] = k } }
function med(a, k,   i, j, t, v) {
	for (i = 1; i <= c[k]; i++) v[i] = a[k, i]
	for (i = 1; i <= c[k]; i++) for (j = i + 1; j <= c[k]; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return v[int((c[k] + 1) / 2)]
}
END { lo = o[1]
	for (i = 1; i <= m; i++) { k = o[i]
		per = k > lo ? sprintf("%.1f | %.0f", (med(ms, k) - med(ms, lo)) / (k - lo),
			(med(rss, k) - med(rss, lo)) * 1024 / (k - lo)) : "– | –"
		printf "| %d | %.2f | %.1f | %s |\n", k + 1, med(ms, k) / 1000, med(rss, k), per } }' "$many"
