#!/bin/bash
# From one host to a fleet, end to end. Three namespaces as three hosts,
# each an agent started as the service starts it (xdpsample --config FILE;
# the command line overrides the file), exporting sFlow to one sfacctd that
# writes into PostgreSQL (Debian's, started here) through pmacct's own
# table (acct, version 1, from pmacct's SQL schemas); each agent keeps a
# statistics file that prometheus-node-exporter's textfile collector serves.
#  1. N=1: "top talkers across the fleet" in SQL is exactly what was sent
#     (300/200/100); while they run, the statistics files appear and move.
#  2. N=100: each host's renormalized sum within 3/sqrt(samples) of sent.
#  3. node_exporter serves every agent's file with no scrape error, and its
#     values are the summary's (seen, exported).
#  4. --stats-interval alone: the counters as a line on stderr.
# Everything the test started is stopped and dropped (the database, the
# role, the cluster if it was down).
. "$(dirname "$0")/lib.sh"
netns_up
for t in sfacctd pg_ctlcluster psql prometheus-node-exporter curl; do
	command -v $t >/dev/null || skip "$t is not installed (make deps)"
done
PORT=16345 NEPORT=19109 DB=xsfleet$$
TF=$WORK/textfile
mkdir -p "$TF"

# --- PostgreSQL, as root, cleaned up at exit -------------------------------
pg_up $DB
SCHEMA=/usr/share/doc/pmacct/sql/pmacct-create-table_v1.pgsql
[ -f "$SCHEMA" ] || skip "pmacct's SQL schema $SCHEMA is not there"
# pmacct's file makes acct and the other v1 tables, ours to own (its
# GRANTs name pmacct's own role, which this test does not make).
sed '/^GRANT/d' "$SCHEMA" >"$WORK/schema.sql"
PGPASSWORD=$DB PGOPTIONS='-c client_min_messages=warning' psql -v ON_ERROR_STOP=1 -q \
	-h 127.0.0.1 -U $DB -d $DB -f "$WORK/schema.sql" >/dev/null ||
	fail "pmacct's schema does not load"

cat >"$WORK/sfacctd.conf" <<EOF
daemonize: false
sfacctd_ip: 127.0.0.1
sfacctd_port: $PORT
sfacctd_renormalize: true
sfacctd_pipe_size: 8388608
plugins: pgsql
aggregate: dst_host
sql_host: 127.0.0.1
sql_db: $DB
sql_user: $DB
sql_passwd: $DB
sql_table: acct
sql_table_version: 1
sql_refresh_time: 1
EOF

# --- three hosts, each joined to A by a veth of its own ----------------
hosts_up
for h in "${hosts[@]}"; do
	ns=${XS_NS_B}h$h
	# The agent's config, as /etc/xdpsample/host$h.conf would hold it.
	cat >"$WORK/host$h.conf" <<EOF
# host $h: every packet of xfb$h to the fleet's collector
interface xfb$h
netns $ns
rate 1
sflow 127.0.0.1:$PORT
sflow-agent 10.255.0.$h
stats-file $TF/host$h.prom
stats-interval 1
EOF
done

# agents [ARGS...]: one agent per host, the config plus ARGS.
agents() {
	local h
	for h in "${hosts[@]}"; do
		bg_start agent$h "listening on" "$XS" --config "$WORK/host$h.conf" "$@" ||
			fail "agent $h: $(cat "$BG_LOG")"
		eval "AG_PID$h=\$BG_PID AG_ERR$h=\$BG_LOG"
	done
}
stop_agents() {
	local h pid
	for h in "${hosts[@]}"; do
		eval "pid=\$AG_PID$h"
		kill -INT "$pid"
		wait "$pid" || fail "agent $h exited $?"
	done
}
# talkers: "DST PACKETS" per destination, the most packets first.
talkers() {
	sql "SELECT host(ip_dst) || ' ' || SUM(packets) FROM acct GROUP BY ip_dst ORDER BY SUM(packets) DESC" $DB
}

# --- 1. N=1: exact --------------------------------------------------------
sfacctd_run "$WORK/sfacctd.conf" $PORT
agents
hosts_traffic 1
# The statistics files appear, and move, while the agents run.
prom_has() { grep -q "$1" "$2" 2>/dev/null; }
wait_until 5 prom_has "^xdpsample_packets_seen_total{capture=\"xfb3\",interface=\"xfb3\"} 100$" \
	"$TF/host3.prom"
grep -q "^xdpsample_packets_seen_total{capture=\"xfb3\",interface=\"xfb3\"} 100$" "$TF/host3.prom" ||
	fail "host 3's live statistics: $(cat "$TF/host3.prom" 2>&1 | head -5)"
[ -z "$(ls "$TF" | grep -v '\.prom$')" ] || fail "left beside the statistics: $(ls "$TF")"
stop_agents
sfacctd_stop
got=$(talkers | tr '\n' ';')
[ "$got" = "203.0.113.1 300;203.0.113.2 200;203.0.113.3 100;" ] ||
	fail "top talkers at N=1: $got ($(tail -3 "$WORK/sfacctd.log"))"
note "N=1: top talkers $got"

# --- 2. N=100: within 3/sqrt(samples) -----------------------------------
sql "DELETE FROM acct" $DB
sfacctd_run "$WORK/sfacctd.conf" $PORT
agents -N 100
hosts_traffic 100
grep -q "1/100" "$AG_ERR1" || fail "-N 100 did not override the config: $(cat "$AG_ERR1")"
stop_agents
sfacctd_stop
while read -r dst n; do
	h=${dst##*.}
	want=$(((4 - h) * 10000))
	awk -v g="$n" -v w="$want" 'BEGIN { s = g / 100; d = g - w; if (d < 0) d = -d
		exit !(s > 0 && d / w <= 3 / sqrt(s)) }' ||
		fail "N=100: $dst has $n, sent $want"
done < <(talkers | tr '|' ' ')
note "N=100: $(talkers | tr '\n' ' ')"

# --- 3. node_exporter serves every agent's file ---------------------------
bg_start node_exporter "Listening on" prometheus-node-exporter --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$TF" \
	--web.listen-address=127.0.0.1:$NEPORT || fail "node_exporter: $(cat "$BG_LOG")"
curl -sf http://127.0.0.1:$NEPORT/metrics >"$WORK/metrics" || fail "cannot scrape node_exporter"
grep -q '^node_textfile_scrape_error 0$' "$WORK/metrics" ||
	fail "node_exporter: $(grep -i "textfile\|error" "$WORK/metrics" | head -5) $(tail -3 "$BG_LOG")"
for h in "${hosts[@]}"; do
	eval "err=\$AG_ERR$h"
	seen=$(counter "$err" "packets seen by XDP")
	exported=$(sed -n 's/^\([0-9]*\) packets exported to sFlow.*/\1/p' "$err")
	grep -q "^xdpsample_packets_seen_total{capture=\"xfb$h\",interface=\"xfb$h\"} $seen$" "$WORK/metrics" &&
		grep -q "^xdpsample_sink_packets_total{capture=\"xfb$h\",collector=\"127.0.0.1:$PORT\",sink=\"sflow\"} $exported$" "$WORK/metrics" ||
		fail "host $h: node_exporter does not serve the summary's $seen seen, $exported exported: $(grep "xfb$h" "$WORK/metrics" | head -4)"
done
note "node_exporter serves the three agents' statistics"

# --- 4. --stats-interval alone: the line on stderr ------------------------
xs_start xs --stats-interval 1 -w "$WORK/line.pcap"
send 100 -r 20000
xs_wait_seen 100
xs_wait_for "$XS_ERR" "^xdpsample: seen 100, sampled 100 (1 in 1), lost 0, written 100, buffer [0-9.]*% full$" \
	"$XS_PID" 5 || fail "no statistics line: $(cat "$XS_ERR")"
xs_done "--stats-interval"
exit 0
