// SPDX-License-Identifier: GPL-2.0
/* Option parsing: defaults, accepted values, and refusals before BPF work. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "user/cli/options.h"
#include "user/cli/ssh.h"
#include "user/capture/watch.h"
#include "user/filter/filter.h"
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
	CHECK_EQ(o.transport, XS_TRANSPORT_RINGBUF, "default transport");
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
	CHECK(o.unbuffered && o.log_level == XS_LOG_WARN && o.n_netns == 1 && !strcmp(o.netns[0], "ns1") &&
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
		{ "-i", "eth0", "-i", "eth0", "-w", "x" },
		{ "-i", "eth0", "-w", "x", "--exclude", "" },
		{ "-i", "e*", "-w", "x", "--exclude", "a", "--exclude", "a" },
		{ "-i", "eth0", "-w", "x", "--netns", "a", "--netns", "a" },
		{ "-i", "eth0", "-w", "x", "--netns", "../etc" },
		{ "-i", "eth0", "-w", "x", "-F", "/dev/null", "udp" },
		{ "-i", "eth0", "-w", "x", "-F", "/nonexistent" },
		{ "--dump-filter" },
		{ "-i", "eth0", "--sflow", "c", "--sflow-max-datagram", "199" },
		{ "-i", "eth0", "--sflow", "c", "--sflow-max-datagram", "65001" },
		{ "-i", "eth0", "-w", "x", "--sflow-agent", "10.0.0.1" },
		{ "-i", "eth0", "--sflow", "c", "-C", "10" },
		{ "-i", "eth0", "--sflow", "" },
		{ "-i", "eth0", "--sflow", "c", "--sflow", "c" },
		{ "-i", "eth0", "--sample", "packet", "--sflow", "c" },
		{ "-i", "eth0", "--sample", "packet", "-N", "auto", "-wx.pcapng" },
		{ "-i", "eth0", "--sample", "packet", "-w", "x.pcap" },
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
	      !o.outfile && o.n_sflow == 1 && !strcmp(o.sflow[0], "10.0.0.9:7000") &&
	      o.sflow_max_datagram == 1400 && o.sflow_counter_secs == 30,
	      "--sflow alone, defaults");
	CHECK(parse(&o, ARGS("-i", "eth0", "--sflow", "a", "--sflow", "b:7000")) == 0 &&
	      o.n_sflow == 2 && !strcmp(o.sflow[1], "b:7000"),
	      "--sflow twice: two collectors");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "--sflow", "c",
			     "--sflow-max-datagram", "200", "--sflow-counters",
			     "0")) == 0 && o.sflow_max_datagram == 200 &&
	      o.sflow_counter_secs == 0, "--sflow with -w, limits");
}

/* A config file at path with the given lines. */
static const char *config(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

/* --config: the file's options, the command line over them. */
static void test_config(void)
{
	static char path[64];
	const char *c;
	struct xs_options o;

	snprintf(path, sizeof(path), "/tmp/xs-unit-config.%d.conf", (int)getpid());
	c = config(path,
			       "# an agent\n"
			       "interface eth0   # the uplink\n"
			       "interface eth1\n"
			       "  rate 100\n"
			       "snaplen=256\n"
			       "packet-buffered\n"
			       "write /tmp/x.pcapng\n"
			       "stats-file /tmp/x.prom\n\n");

	CHECK(parse(&o, ARGS("--config", c)) == 0 && o.n_ifaces == 2 &&
	      !strcmp(o.ifnames[1], "eth1") && o.rate == 100 &&
	      o.snaplen == 256 && o.unbuffered && !strcmp(o.outfile, "/tmp/x.pcapng") &&
	      !strcmp(o.stats_file, "/tmp/x.prom"), "the file's options");
	CHECK(parse(&o, ARGS("--config", c, "-N", "7", "-i", "lo")) == 0 &&
	      o.rate == 7 && o.n_ifaces == 1 && !strcmp(o.ifnames[0], "lo") &&
	      o.snaplen == 256, "the command line overrides the file");
	{
		char eq[80];

		snprintf(eq, sizeof(eq), "--config=%s", path);
		CHECK(parse(&o, ARGS("-i", "lo", eq, "-w", "y")) == 0 &&
		      o.n_ifaces == 1 && !strcmp(o.outfile, "y"),
		      "--config=FILE, after -i");
	}
	CHECK(parse(&o, ARGS("--config", config(path,
						"snaplen 0\n"))) == -EINVAL,
	      "a bad value in the file");
	CHECK(parse(&o, ARGS("--config", config(path,
						"bogus 1\n"), "-i", "lo",
			     "-w", "x")) == -EINVAL, "an unknown option");
	CHECK(parse(&o, ARGS("--config", config(path,
						"rate\n"), "-i", "lo", "-w",
			     "x")) == -EINVAL, "a value missing");
	CHECK(parse(&o, ARGS("--config", config(path,
						"quiet yes\n"), "-i", "lo",
			     "-w", "x")) == -EINVAL, "a flag with a value");
	CHECK(parse(&o, ARGS("--config", "/nonexistent/x.conf", "-i", "lo",
			     "-w", "x")) == -EINVAL, "a missing file");
	remove(path);
}

/* --sample flow and its seed; not for sFlow. */
static void test_flow(void)
{
	struct xs_options o;

	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "--sample", "flow",
			     "--seed", "0x2a")) == 0 &&
	      o.sample_mode == XS_SAMPLE_FLOW && o.seed == 42 && o.seed_given,
	      "--sample flow --seed 0x2a");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "--sample", "flow")) == 0 &&
	      !o.seed_given, "no seed given");
	CHECK(parse(&o, ARGS("-i", "eth0", "--sflow", "c", "--sample",
			     "flow")) == -EINVAL, "--sample flow with --sflow");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "--seed", "1")) == -EINVAL,
	      "--seed without --sample flow");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "--sample", "flow",
			     "--seed", "x1")) == -EINVAL, "a seed that is no number");
}

/* -N auto, auto:N; not with perf; a number stays a fixed rate. */
static void test_auto(void)
{
	struct xs_options o;

	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "auto")) == 0 &&
	      o.adaptive && o.rate == 1, "-N auto");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "auto:100")) == 0 &&
	      o.adaptive && o.rate == 100, "-N auto:100");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "100")) == 0 &&
	      !o.adaptive && o.rate == 100, "-N 100");
	/* Rates per interface: a default, then patterns in order. */
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "10,eth0=1,e*=5")) == 0 &&
	      !o.adaptive && o.rate == 10 && o.n_rates == 2 &&
	      !strcmp(o.rates[1].pattern, "e*") && o.rates[1].rate == 5 &&
	      o.rates[0].rate == 1, "-N 10,eth0=1,e*=5");
	/* By link speed: a rule, the others' as a last rule "*". */
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "lo=1,e*=50/Gbps,100/Gbps")) == 0 &&
	      o.rate == 1 && o.n_rates == 3 && !o.rates[0].per_gbps &&
	      o.rates[1].per_gbps && o.rates[1].rate == 50 &&
	      !strcmp(o.rates[2].pattern, "*") && o.rates[2].per_gbps &&
	      o.rates[2].rate == 100, "-N lo=1,e*=50/Gbps,100/Gbps");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "10/Mbps")) == -EINVAL &&
	      parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "0/Gbps")) == -EINVAL,
	      "-N 10/Mbps, 0/Gbps");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "eth0=1", "-N", "auto")) == 0 &&
	      o.adaptive && !o.n_rates, "-N eth0=1 -N auto: the last wins");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "auto:0")) == -EINVAL,
	      "-N auto:0");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "automatic")) == -EINVAL,
	      "-N automatic");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-N", "auto",
			     "--transport", "perf")) == -EINVAL, "-N auto with perf");
	CHECK(parse(&o, ARGS("-i", "eth0", "--sflow", "c", "-N", "auto")) == 0 &&
	      o.adaptive, "-N auto with --sflow");
}

/* -Q, tcpdump's words; in by default. */
static void test_direction(void)
{
	struct xs_options o;

	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x")) == 0 &&
	      o.dirs == XS_DIRS_IN, "-Q in by default");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x.pcapng", "-Q", "inout")) == 0 &&
	      o.dirs == XS_DIRS_INOUT, "-Q inout");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "--direction", "out")) == 0 &&
	      o.dirs == XS_DIRS_OUT, "--direction out");
	CHECK(parse(&o, ARGS("-i", "eth0", "-w", "x", "-Q", "both")) == -EINVAL,
	      "-Q both");
}

/* The man page's OPTIONS section, as one string (the test runs at the top). */
static char *man_options(void)
{
	static char buf[64 * 1024];
	FILE *f = fopen("user/cli/xdpsample.8", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	char *start, *end;

	if (f)
		fclose(f);
	buf[n] = '\0';
	start = strstr(buf, "\n.SH OPTIONS\n");
	end = start ? strstr(start + 1, "\n.SH ") : NULL;
	if (end)
		*end = '\0';
	return start;
}

/* "--snap-len" as roff writes it: "\-\-snap\-len". */
static void roff(char *out, size_t len, const char *dashes, const char *s)
{
	size_t n = 0;

	for (const char *p = dashes; *p && n + 3 < len; p++, n += 2)
		memcpy(out + n, "\\-", 2);
	for (; *s && n + 3 < len; s++) {
		if (*s == '-')
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n] = '\0';
}

/* The entry of an option: the .TP paragraph whose tag line names it. */
static char *entry(char *man, const char *name)
{
	char *at = man, *line;

	while ((at = strstr(at, name))) {
		for (line = at; line > man && line[-1] != '\n'; line--)
			;
		if (line - man >= 4 && !strncmp(line - 4, ".TP\n", 4))
			return line;
		at++;
	}
	return NULL;
}

/*
 * The man page against the option table: every option has its entry (its
 * letter too), every word of a choice and every bounded range is there.
 */
static void test_man_page(void)
{
	char *man = man_options(), *at, *next, want[96];

	CHECK(man, "no OPTIONS section in user/cli/xdpsample.8");
	for (size_t i = 0; man && i < xs_n_opts; i++) {
		const struct xs_opt *d = &xs_opts[i];

		roff(want, sizeof(want), "--", d->name);
		at = entry(man, want);
		CHECK(at, "the man page has no entry for --%s", d->name);
		if (!at)
			continue;
		next = strstr(at, "\n.TP");
		if (next)
			*next = '\0';
		snprintf(want, sizeof(want), "\\-%c", d->key);
		CHECK(d->key > 255 || strstr(man, want),
		      "the man page does not name -%c for --%s", d->key, d->name);
		for (unsigned int w = 0; w < d->n_words; w++)
			CHECK(strstr(at, d->words[w]),
			      "--%s: the man page does not say '%s'", d->name,
			      d->words[w]);
		snprintf(want, sizeof(want), "%llu..%llu",
			 (unsigned long long)d->min, (unsigned long long)d->max);
		CHECK(d->words || !d->max || d->max >= UINT32_MAX ||
		      strstr(at, want), "--%s: the man page does not say %s",
		      d->name, want);
		if (next)
			*next = '\n';
	}
}

/* SSH_CONNECTION as sshd sets it, and the filter that leaves it out. */
static void test_ssh(void)
{
	static const char *const bad[] = {
		"10.0.0.1 50022 10.0.0.2", "10.0.0.1 0 10.0.0.2 22",
		"10.0.0.1 50022 10.0.0.2 65536", "host 50022 10.0.0.2 22",
		"10.0.0.1 50022 10.0.0.2 22 x", "10.0.0.1 -1 10.0.0.2 22", "",
	};
	char buf[1024];
	struct xs_filter f;
	struct xs_ssh s;

	unsetenv("SSH_CONNECTION");
	CHECK_EQ(xs_ssh_from_env(&s), -ENOENT, "not under sshd");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("SSH_CONNECTION", bad[i], 1);
		CHECK_EQ(xs_ssh_from_env(&s), -EINVAL, "'%s' taken", bad[i]);
	}
	setenv("SSH_CONNECTION", "fd00::1 50022 fd00::2 22", 1);
	CHECK(!xs_ssh_from_env(&s) && s.client_port == 50022 &&
	      s.server_port == 22 && !strcmp(s.server, "fd00::2"), "IPv6");
	setenv("SSH_CONNECTION", "198.18.0.1 50022 198.18.0.2 22", 1);
	CHECK(!xs_ssh_from_env(&s), "IPv4");
	CHECK(!xs_ssh_filter(&s, "udp", buf, sizeof(buf)) &&
	      !strncmp(buf, "(udp) and not (tcp and ((src host 198.18.0.1 and src port 50022 and dst host 198.18.0.2 and dst port 22) or ", 107),
	      "filter '%s'", buf);
	CHECK(!xs_filter_build(&f, buf, 128, XS_FILTER_ETHERNET),
	      "'%s' does not compile", buf);
	xs_filter_free(&f);
	CHECK_EQ(xs_ssh_filter(&s, "udp", buf, 40), -ENOSPC, "cut short");
	unsetenv("SSH_CONNECTION");
}

/* -i names, patterns and any; --exclude; --netns: what each means. */
static void test_patterns(void)
{
	static const char *const one[] = { "eth0", "veth*" };
	static const char *const any[] = { "any" };
	static const char *const ex[] = { "veth9*" };
	static const char *const ns2[] = { "pod-*" };
	struct xs_watch_rules r = { one, 2, ex, 1, NULL, 0 };
	struct xs_options o;

	CHECK(parse(&o, ARGS("-i", "cali0123456789abcdef*", "-w", "x",
			     "--exclude", "lxc*", "--netns", "pod-*",
			     "--netns", "ns1")) == 0 &&
	      o.n_excludes == 1 && o.n_netns == 2, "patterns parsed");
	CHECK(xs_watch_fixed(&r, "eth0") && !xs_watch_fixed(&r, "veth*") &&
	      xs_watch_follows(&r), "a name is fixed, a pattern follows");
	CHECK(xs_watch_wants(&r, "veth1", false) &&
	      !xs_watch_wants(&r, "veth90", false) &&
	      !xs_watch_wants(&r, "eth0", false) &&
	      !xs_watch_wants(&r, "lo", true), "wanted by a pattern");
	r = (struct xs_watch_rules){ any, 1, NULL, 0, NULL, 0 };
	CHECK(xs_watch_wants(&r, "eth7", false) && !xs_watch_wants(&r, "lo", true),
	      "any: all but loopback");
	r = (struct xs_watch_rules){ one, 1, NULL, 0, ns2, 1 };
	CHECK(!xs_watch_fixed(&r, "eth0") && xs_watch_follows(&r) &&
	      xs_watch_wants(&r, "eth0", false),
	      "several namespaces: a name is a pattern");
}

int main(void)
{
	test_patterns();
	test_ssh();
	test_direction();
	test_man_page();
	test_auto();
	test_flow();
	test_config();
	test_filter();
	test_sflow();
	test_defaults();
	test_values();
	test_refusals();
	return unit_result();
}
