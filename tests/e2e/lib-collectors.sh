# The collectors the end-to-end tests export to: pmacct's sfacctd (with
# PostgreSQL behind it, for the fleet). Sourced by lib.sh.

# rcvbuf_errors: UDP datagrams the host's sockets had no room for. At N=1
# an exporter sends thousands a second: sfacctd_pipe_size and sfcapd -B
# size the collectors' buffers (the default 212 KB overflows under load).
rcvbuf_errors() {
	awk '$1 == "Udp:" && $6 ~ /^[0-9]+$/ { print $6 }' /proc/net/snmp
}

# udp_queue PORT: the unread bytes of the UDP socket bound to PORT; empty
# when none is bound.
udp_queue() {
	ss -Hlun "sport = :$1" | awk '{ print $2 }'
}

# udp_ready PID PORT bound|drained: collector PID runs (else the test
# fails) and a socket is bound to PORT, holding (drained) no datagram.
udp_ready() {
	local q
	kill -0 "$1" 2>/dev/null || fail "the collector on port $2 ended"
	q=$(udp_queue "$2")
	[ -n "$q" ] && { [ "$3" = bound ] || [ "$q" = 0 ]; }
}

# udp_wait PID PORT bound|drained: wait up to 10 s for udp_ready.
udp_wait() {
	wait_until 10 udp_ready "$@" ||
		fail "the collector on port $2: not $3 after 10 s"
}

# sfacctd_run CONF PORT [DAEMON]: pmacct's sFlow collector (or DAEMON,
# nfacctd for IPFIX) with CONF, in the background until its UDP port is
# bound. sfacctd_stop: once its socket has
# no datagram left unread, SIGINT, and wait for it and its plugins (its
# children, which write what they hold as they exit, after the core has
# gone: a file read before then lacks the last interval) to end. A
# datagram its socket had no room for would be a miscount that is not ours:
# said as such.
sfacctd_run() {
	"${3:-sfacctd}" -f "$1" >"$WORK/sfacctd.log" 2>&1 &
	SFA_PID=$!
	BG_PIDS+=("$SFA_PID")
	SFA_PORT=$2
	udp_wait $SFA_PID "$2" bound
	SFA_PLUGINS=$(pgrep -P $SFA_PID)
	BG_PIDS+=($SFA_PLUGINS)
	RCVBUF0=$(rcvbuf_errors)
}
sfacctd_stop() {
	local p
	udp_wait $SFA_PID $SFA_PORT drained
	kill -INT $SFA_PID
	gone $SFA_PID 10 || fail "the collector does not stop"
	for p in $SFA_PLUGINS; do
		gone $p 10 || fail "the collector's plugin $p does not stop"
	done
	[ "$(rcvbuf_errors)" = "$RCVBUF0" ] ||
		fail "the collector's socket overflowed: $(($(rcvbuf_errors) - RCVBUF0)) datagrams dropped (Udp RcvbufErrors)"
}
# pmacct_start DAEMON PORT JSON AGGREGATE: pmacct's sfacctd (sFlow) or
# nfacctd (IPFIX) on 127.0.0.1:PORT, renormalizing by each sample's rate,
# its flows aggregated by AGGREGATE as JSON lines in the file JSON.
# sfacctd_start PORT JSON: sfacctd by addresses, ports, protocol and input
# interface; nfacctd_start PORT JSON: nfacctd by addresses and protocol
# (a packet report's selector gives its rate).
pmacct_start() {
	cat >"$WORK/$1.conf" <<EOC
daemonize: false
${1}_ip: 127.0.0.1
${1}_port: $2
${1}_renormalize: true
${1}_pipe_size: 8388608
plugins: print
aggregate: $4
print_output: json
print_output_file: $3
print_output_file_append: true
print_refresh_time: 1
EOC
	rm -f "$3"
	sfacctd_run "$WORK/$1.conf" "$2" "$1"
}
sfacctd_start() {
	pmacct_start sfacctd "$1" "$2" "src_host, dst_host, src_port, dst_port, proto, in_iface"
}
nfacctd_start() {
	pmacct_start nfacctd "$1" "$2" "src_host, dst_host, proto"
}
# json_sum FILE KEY: the sum of a numeric key over sfacctd's JSON lines.
json_sum() {
	sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1" | awk '{ s += $1 } END { print s + 0 }'
}

# pg_up DB: Debian's PostgreSQL 15 accepting connections (started if it was
# down, stopped again at exit), with a role and a database DB, dropped at
# exit; sql QUERY [DB] runs a query as postgres.
pg_up() {
	PG_DB=$1 PG_STARTED=
	if ! pg_lsclusters -h 2>/dev/null | awk '$1 == 15 && $2 == "main"' | grep -q online; then
		pg_ctlcluster 15 main start || fail "cannot start PostgreSQL 15"
		PG_STARTED=1
	fi
	AT_EXIT+=(pg_down)
	wait_until 10 pg_isready -q -h 127.0.0.1 ||
		fail "PostgreSQL does not accept connections"
	sql "CREATE ROLE $PG_DB LOGIN PASSWORD '$PG_DB'" &&
		sql "CREATE DATABASE $PG_DB OWNER $PG_DB" ||
		fail "cannot create the database"
}
pg_down() {
	sql "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1
	sql "DROP ROLE IF EXISTS $PG_DB" >/dev/null 2>&1
	[ -n "$PG_STARTED" ] && pg_ctlcluster 15 main stop
}
sql() {
	runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA -d "${2:-postgres}" -c "$1"
}
