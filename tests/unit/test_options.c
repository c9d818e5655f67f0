// SPDX-License-Identifier: GPL-2.0
/* Option parsing: defaults, accepted values, and refusals before BPF work. */
#include <errno.h>
#include <string.h>

#include "user/cli/options.h"
#include "xdp/sample.h"
#include "unit.h"

static int parse(struct xs_options *o, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = "xdpsample";
	while (*args && argc < 31)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return xs_options_parse(o, argc, argv);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_defaults(void)
{
	struct xs_options o;

	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x.pcap")) == 0, "minimal");
	CHECK(o.rate == 1 && o.snaplen == XS_DEFAULT_SNAPLEN, "defaults");
	CHECK(o.transport == XS_TRANSPORT_RINGBUF, "default transport");
	CHECK(o.sample_mode == XS_SAMPLE_RANDOM && o.mode == XS_MODE_AUTO,
	      "default sample/mode");
}

static void test_values(void)
{
	struct xs_options o;

	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "-", "-s", "1518", "-N",
			     "100", "--sample", "count", "--transport", "perf",
			     "--mode", "generic", "-c", "5", "-U", "-q",
			     "--netns", "ns1", "-B", "64")) == 0, "all options");
	CHECK(o.snaplen == 1518 && o.rate == 100 && o.count == 5, "numbers");
	CHECK(o.sample_mode == XS_SAMPLE_COUNT &&
	      o.transport == XS_TRANSPORT_PERF && o.mode == XS_MODE_GENERIC,
	      "words");
	CHECK(o.unbuffered && o.quiet && !strcmp(o.netns, "ns1") &&
	      o.buffer_kib == 64, "flags");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-s",
			     "16384")) == 0, "max snaplen");
}

static void test_refusals(void)
{
	static const char *const bad[][8] = {
		{ "-w", "x" },				/* no -i */
		{ "-i", "eth0" },			/* no -w */
		{ "-i", "eth0", "-w", "x", "-N", "0" },
		{ "-i", "eth0", "-w", "x", "-N", "abc" },
		{ "-i", "eth0", "-w", "x", "-N", "-5" },
		{ "-i", "eth0", "-w", "x", "-N", "4294967296" },
		{ "-i", "eth0", "-w", "x", "-s", "0" },
		{ "-i", "eth0", "-w", "x", "-s", "16385" },
		{ "-i", "eth0", "-w", "x", "-s", "12k" },
		{ "-i", "eth0", "-w", "x", "-c", "18446744073709551616" },
		{ "-i", "eth0", "-w", "x", "--transport", "xsk" },
		{ "-i", "eth0", "-w", "x", "--mode", "hw" },
		{ "-i", "eth0", "-w", "x", "--sample", "" },
		{ "-i", "eth0", "-w", "x", "-B", "100" },
		{ "-i", "0123456789abcdef", "-w", "x" },
		{ "-i", "eth0", "-i", "eth1", "-w", "x" },
		{ "-i", "eth0", "-w", "x", "--netns", "../etc" },
		{ "-i", "eth0", "-w", "x", "-F", "/dev/null", "udp" },
		{ "-i", "eth0", "-w", "x", "-F", "/nonexistent" },
		{ "--dump-filter" },
		{ "-i", "eth0", "--sflow", "c", "--sflow-max-datagram", "199" },
		{ "-i", "eth0", "--sflow", "c", "--sflow-max-datagram", "65001" },
		{ "-i", "eth0", "-w", "x", "--sflow-agent", "10.0.0.1" },
		{ "-i", "eth0", "--sflow", "c", "-C", "10" },
		{ "-i", "eth0", "--sflow", "" },
		{ "-i", "eth0", "-w", "x", "--bogus" },
		{ "-i", "eth0", "-w" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xs_options o;

		CHECK(parse(&o, bad[i]) == -EINVAL, "case %zu accepted", i);
	}
}

/* tcpdump's habits: trailing words are one expression, -F reads a file. */
static void test_filter(void)
{
	struct xs_options o;

	CHECK(parse(&o, ARGS("-i", "eth0", "udp", "and", "port", "53", "-w",
			     "x")) == 0 && o.filter_expr &&
	      !strcmp(o.filter_expr, "udp and port 53"), "trailing words");
	free(o.filter_expr);
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", " ")) == 0 &&
	      !o.filter_expr, "a blank expression is no filter");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x")) == 0 && !o.filter_expr,
	      "no filter");
	CHECK(parse(&o, ARGS("--dump-filter", "tcp")) == 0 && o.dump_filter &&
	      !strcmp(o.filter_expr, "tcp"), "--dump-filter needs no -i/-w");
	free(o.filter_expr);
}

/* --sflow stands in for -w; its settings need it. */
static void test_sflow(void)
{
	struct xs_options o;

	CHECK(parse(&o, ARGS("-i", "eth0", "--sflow", "10.0.0.9:7000")) == 0 &&
	      !o.outfile && !strcmp(o.sflow, "10.0.0.9:7000") &&
	      o.sflow_max_datagram == 1400 && o.sflow_counter_secs == 30,
	      "--sflow alone, defaults");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "--sflow", "c",
			     "--sflow-max-datagram", "200", "--sflow-counters",
			     "0")) == 0 && o.sflow_max_datagram == 200 &&
	      o.sflow_counter_secs == 0, "--sflow with -w, limits");
}

int main(void)
{
	test_filter();
	test_sflow();
	test_defaults();
	test_values();
	test_refusals();
	return unit_result();
}
